import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import VaultSQLite
import VaultLedger
import VaultCore
import VaultNode
@testable import VaultServer

/// 8 concurrent clients writing and attesting over a real socket: no error, and the ledger verifies afterwards.
@Suite struct ConcurrencyTests {
    @Test func eightClientsWriteAndAttestConcurrently() async throws {
        let f = try await ServerFixture()
        defer { f.cleanUp() }
        let perClient = 6
        let failures = try await f.app.test(.live) { client in
            try await withThrowingTaskGroup(of: Int.self) { group in
                for c in 0..<8 {
                    group.addTask {
                        var failures = 0
                        for i in 0..<perClient {
                            let body = ServerFixture.citizenBody.replacingOccurrences(of: "38001010000", with: "4\(c)00\(i)")
                            let created = try await client.call(.post, "/v1/records", token: f.tokens["registrar"], body: body)
                            guard created.status == .created, let id = created.json["record"] as? String else { failures += 1; continue }
                            let attested = try await client.call(.post, "/v1/attestations", token: f.tokens["requester"], body: """
                                {"record":"\(id)","predicates":[{"field":"income","below":30000}],"nonce":"\(ServerFixture.nonce())","purpose":"loan-application"}
                                """)
                            if attested.status != .created { failures += 1 }
                        }
                        return failures
                    }
                }
                return try await group.reduce(0, +)
            }
        }
        #expect(failures == 0)
        let summary = try f.state.storage.verifyLedger()
        #expect(summary.treeSize >= UInt64(8 * perClient * 2))
    }
}
