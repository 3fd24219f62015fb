import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import VaultCore
@testable import VaultServer

/// Regression: signed numbers from outside that end up as unsigned ledger attributes. A negative tier rank over
/// HTTP trapped in `UInt64(rank)` and killed the whole server; a negative schema or policy version did the same
/// to `serve --schema/--policy` and the CLI. Each is now a 4xx / a named error.
@Suite struct NegativeNumberTests {
    @Test func negativeTierRankIsABadRequestNotACrash() async throws {
        let f = try await ServerFixture()
        defer { f.cleanUp() }
        let officer = f.tokens["officer"]!
        try await f.app.test(.router) { client in
            for rank in [-1, Int.min] {
                let response = try await client.call(.post, "/v1/tiers", token: officer, body: #"{"name":"negative","rank":\#(rank)}"#)
                #expect(response.status == .badRequest, "\(response.status) \(response.text)")
                #expect(response.json["error"] as? String == "invalid_request")
            }
            // The service is still there and the tier does not exist.
            let tiers = try await client.call(.get, "/v1/tiers", token: officer)
            #expect(tiers.status == .ok && !tiers.text.contains("negative"))
        }
    }

    @Test func negativeSchemaAndPolicyVersionsAreRefused() async throws {
        let tiers = try TierLevels(names: ["public", "internal", "confidential", "restricted"])
        await #expect(throws: VaultError.self) {
            try await RecordSchema.parse(json: Data(#"{"type":"t","version":-1,"fields":[{"name":"a","type":"string","tier":"public"}]}"#.utf8), tiers: tiers)
        }
        await #expect(throws: VaultError.self) {
            try await Policy.parse(Data(#"{"version":-3,"rules":[{"id":"r","requesters":["a"],"record_type":"t","allow":["a:equals:b"],"purposes":["p"]}]}"#.utf8))
        }
    }
}
