import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import VaultCore
import VaultNode
import VaultLedger
import VaultSQLite
@testable import VaultServer

/// Every role (and no token, a bogus token, a revoked and an expired token) against every protected route:
/// only the allowed ones get past authorization, the others get 401/403 with a JSON error.
@Suite struct AuthorizationMatrixTests {
    /// route -> roles allowed past the role check
    static let matrix: [(HTTPRequest.Method, String, String?, Set<String>)] = [
        (.post, "/v1/records", ServerFixture.citizenBody, ["department", "officer"]),
        (.get, "/v1/records/RID?purpose=audit", nil, ["department", "officer"]),
        (.put, "/v1/records/RID", #"{"values":{"national_id":"38001010000","full_name":"X","birth_date":"1980-01-01"}}"#, ["department", "officer"]),
        (.patch, "/v1/records/RID", #"{"values":{"district":"south"}}"#, ["department", "officer"]),
        (.post, "/v1/attestations", #"{"record":"RID","predicates":[{"field":"birth_date","age_at_least":18}],"nonce":"NONCE","purpose":"loan-application","requester":"bank-1"}"#, ["requester", "officer"]),
        (.get, "/v1/approvals", nil, ["officer"]),
        (.get, "/v1/citizens/me/access-log", nil, ["citizen"]),
        (.get, "/v1/citizens/me/requests", nil, ["citizen"]),
        (.get, "/v1/tiers", nil, ["officer", "auditor"]),
        (.post, "/v1/tiers", #"{"name":"tNAME","rank":RANK}"#, ["officer"]),
        (.post, "/v1/tiers/public/rotate", nil, ["officer"]),
        (.post, "/v1/grants", #"{"member":"m-1","role":"requester"}"#, ["officer"]),
        (.get, "/v1/audit/ledger", nil, ["auditor", "officer"]),
        (.delete, "/v1/records/RID", nil, ["officer"]),
    ]

    @Test func rolesByRoute() async throws {
        var fixture = try await ServerFixture()
        defer { fixture.cleanUp() }
        fixture.tokens["revoked"] = try fixture.state.tokens.create(role: .officer, actor: "gone-1")
        _ = try await fixture.state.vault.revoke(memberID: "gone-1", by: .operatorCLI())
        fixture.tokens["expired"] = try fixture.state.tokens.create(role: .officer, actor: "old-1", lifetimeMs: 0)
        // Roles, not clearance, are what this matrix checks: the department here may write every field of a citizen
        // record (WriteClearanceHTTPTests checks clearance on writes).
        fixture.tokens["department"] = fixture.tokens["registrar"]
        let f = fixture
        let roles = ["department", "officer", "requester", "auditor", "citizen"]
        let checked = try await f.app.test(.router) { client in
            var checked = 0
            var rank = 10
            for (method, template, body, allowed) in Self.matrix {
                for who in roles + ["none", "bogus", "revoked", "expired"] {
                    // A fresh record for each call, so shredding or updating one does not affect the next.
                    let created = try await client.call(.post, "/v1/records", token: f.tokens["officer"], body: ServerFixture.citizenBody)
                    let id = try #require(created.json["record"] as? String)
                    rank += 1
                    let uri = template.replacingOccurrences(of: "RID", with: id)
                    let text = body?.replacingOccurrences(of: "RID", with: id).replacingOccurrences(of: "NONCE", with: ServerFixture.nonce())
                        .replacingOccurrences(of: "NAME", with: "\(rank)").replacingOccurrences(of: "RANK", with: "\(rank)")
                    let token: String? = who == "none" ? nil : who == "bogus" ? "cvt_" + String(repeating: "A", count: 43) : f.tokens[who]
                    usleep(who == "expired" ? 2_000 : 0)
                    let response = try await client.call(method, uri, token: token, body: text)
                    let expectAllowed = allowed.contains(who)
                    if expectAllowed {
                        #expect(response.status.code < 400, "\(who) \(method) \(template): \(response.status) \(response.text)")
                    } else {
                        let expected: Set<Int> = roles.contains(who) ? [403] : [401]
                        #expect(expected.contains(response.status.code), "\(who) \(method) \(template): \(response.status) \(response.text)")
                        #expect(response.json["error"] != nil && response.json["message"] != nil)
                    }
                    checked += 1
                }
            }
            return checked
        }
        #expect(checked == Self.matrix.count * 9)
        // Roles that can never read records (requester, auditor, citizen) are refused before the record is touched:
        // no field.read entry, so a token holder cannot flood a citizen's log.
        let readsByNonReaders = try f.sqlite.ledger.read { reader in
            try reader.entries(from: 0, limit: 100_000).map { try EntryCodec.decode($0.bytes) }
                .filter { $0.type == LedgerEntry.Kind.fieldRead && ["bank-1", "landlord-1", "auditor-1", "citizen-1"].contains($0.actor) }.count
        }
        #expect(readsByNonReaders == 0)
    }
}
