import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import VaultCore
import VaultLedger
import VaultNode
@testable import VaultServer

/// `/v1/approvals` over HTTP: the filer is refused (403), a decided approval answers 409 `already_decided`, and 16
/// officers deciding at once over a real socket get exactly one 200.
@Suite struct ApprovalRoutesTests {
    /// Creates the citizen's record; returns its id.
    static func record(_ client: some TestClientProtocol, _ f: ServerFixture) async throws -> String {
        try #require(try await client.call(.post, "/v1/records", token: f.tokens["registrar"], body: ServerFixture.citizenBody).json["record"] as? String)
    }

    static func landlordBody(_ record: String, requester: String? = nil) -> String {
        #"{"record":"\#(record)","predicates":[{"field":"district","in":["north","harbour"]}],"nonce":"\#(ServerFixture.nonce())","purpose":"tenancy""#
            + (requester.map { #","requester":"\#($0)"}"# } ?? "}")
    }

    @Test func theFilerIsRefusedAndADecisionIsFinal() async throws {
        let f = try await ServerFixture()
        defer { f.cleanUp() }
        let second = try f.state.tokens.create(role: .officer, actor: "officer-2", clearance: "restricted")
        try await f.app.test(.router) { client in
            let record = try await Self.record(client, f)
            // officer-1 files a landlord's request in its name: 202, pending, filed by officer-1.
            let filed = try await client.call(.post, "/v1/attestations", token: f.tokens["officer"], body: Self.landlordBody(record, requester: "landlord-1"))
            #expect(filed.status == .accepted)
            #expect(filed.json["filed_by"] as? String == "officer-1")
            #expect(filed.json["required"] as? Int == 1 && filed.json["approvals"] as? Int == 0)
            let id = try #require(filed.json["approval"] as? String)
            for decision in ["approve", "deny"] {
                let own = try await client.call(.post, "/v1/approvals/\(id)", token: f.tokens["officer"], body: #"{"decision":"\#(decision)"}"#)
                #expect(own.status == .forbidden)
                #expect(own.json["error"] as? String == "forbidden")
            }
            let approved = try await client.call(.post, "/v1/approvals/\(id)", token: second, body: #"{"decision":"approve"}"#)
            #expect(approved.status == .ok)
            #expect(approved.json["status"] as? String == "approved" && approved.json["decided_by"] as? String == "officer-2")
            #expect(approved.json["approved_by"] as? [String] == ["officer-2"] && approved.json["approvals"] as? Int == 1)
            let again = try await client.call(.post, "/v1/approvals/\(id)", token: second, body: #"{"decision":"deny"}"#)
            #expect(again.status == .conflict)
            #expect(again.json["error"] as? String == "already_decided")
            #expect(again.json["message"] as? String == "approval \(id) is already approved")
            let collected = try await client.call(.get, "/v1/approvals/\(id)", token: f.tokens["landlord"])
            #expect(collected.json["status"] as? String == "approved" && collected.json["bundle"] != nil && collected.json["filed_by"] as? String == "officer-1")
        }
    }

    @Test func sixteenOfficersAtOnceDecideOnce() async throws {
        let f = try await ServerFixture()
        defer { f.cleanUp() }
        let officers = try (0..<16).map { try f.state.tokens.create(role: .officer, actor: "officer-\(100 + $0)", clearance: "restricted") }
        let (id, statuses) = try await f.app.test(.live) { client in
            let record = try await Self.record(client, f)
            let filed = try await client.call(.post, "/v1/attestations", token: f.tokens["landlord"], body: Self.landlordBody(record))
            let id = try #require(filed.json["approval"] as? String)
            let statuses = try await withThrowingTaskGroup(of: (HTTPResponse.Status, String?).self) { group in
                for (n, token) in officers.enumerated() {
                    group.addTask {
                        let answer = try await client.call(.post, "/v1/approvals/\(id)", token: token, body: #"{"decision":"\#(n % 2 == 0 ? "approve" : "deny")"}"#)
                        return (answer.status, answer.json["error"] as? String)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            return (id, statuses)
        }
        #expect(statuses.filter { $0.0 == .ok }.count == 1)
        #expect(statuses.filter { $0.0 == .conflict && $0.1 == "already_decided" }.count == 15)
        let stored = try await #require(try f.state.vault.approval(id: id))
        let attested = try await f.state.vault.accessLog(nationalID: "38001010000").filter { $0.type == LedgerEntry.Kind.question && $0.outcome == "true" }.count
        #expect(stored.status != .pending)
        #expect(attested == (stored.status == .approved ? 1 : 0))
        #expect(try f.state.storage.verifyLedger().treeSize > 0)
    }
}
