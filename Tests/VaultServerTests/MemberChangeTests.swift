import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import VaultCore
import VaultNode
import VaultLedger
import VaultSQLite
@testable import VaultServer

/// Regression: the clearance and role bound to a token are re-checked against the member record on every read,
/// so an officer's later grant (a lower clearance, another role) takes effect at once, as revocation does.
@Suite struct MemberChangeTests {
    /// Expired and revoked tokens never reach the data (401, nothing read); a member revoked while its token
    /// lives is refused with 403 and the refusal is on the ledger; a member whose clearance an officer lowered
    /// reads only at the lower clearance, whatever its older token says.
    @Test func expiredRevokedAndDowngradedMembers() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.cleanUp() }
        let officer = Caller.operatorCLI()
        let vault = fixture.state.vault
        let tokens = fixture.state.tokens
        let record = try await vault.createRecord(type: "citizen", nationalID: "38001010000", input: [
            "national_id": .string("38001010000"), "full_name": .string("Mari Maasikas"), "birth_date": .string("1980-01-01"),
        ], by: officer).recordID
        try await vault.grant(memberID: "clerk-exp", role: .department, clearance: "restricted", by: officer)
        let expired = try tokens.create(role: .department, actor: "clerk-exp", clearance: "restricted", lifetimeMs: 0)
        try await vault.grant(memberID: "clerk-rt", role: .department, clearance: "restricted", by: officer)
        let revokedIssued = try tokens.issue(role: .department, actor: "clerk-rt", clearance: "restricted")
        let revokedToken = revokedIssued.text
        try await vault.revokeToken(id: revokedIssued.id, by: officer)
        try await vault.grant(memberID: "clerk-rm", role: .department, clearance: "restricted", by: officer)
        let revokedMember = try tokens.create(role: .department, actor: "clerk-rm", clearance: "restricted")
        _ = try await vault.revoke(memberID: "clerk-rm", by: officer)
        try await vault.grant(memberID: "clerk-down", role: .department, clearance: "restricted", by: officer)
        let downgraded = try tokens.create(role: .department, actor: "clerk-down", clearance: "restricted")
        try await vault.grant(memberID: "clerk-down", role: .department, clearance: "internal", by: officer)
        try await vault.grant(memberID: "clerk-role", role: .department, clearance: "restricted", by: officer)
        let roleChanged = try tokens.create(role: .department, actor: "clerk-role", clearance: "restricted")
        try await vault.grant(memberID: "clerk-role", role: .requester, clearance: nil, by: officer)
        usleep(2_000)
        let f = fixture
        try await f.app.test(.router) { client in
            for (token, code) in [(expired, "token_expired"), (revokedToken, "token_revoked")] {
                let before = try f.state.storage.ledger.treeSize()
                let response = try await client.call(.get, "/v1/records/\(record)?purpose=audit", token: token)
                #expect(response.status == .unauthorized && response.json["error"] as? String == code, "\(response.text)")
                #expect(try f.state.storage.ledger.treeSize() == before, "nothing was read, nothing is logged")
            }
            // Revoking a member revokes its tokens in the same transaction: refused at the door, nothing logged.
            let before = try f.state.storage.ledger.treeSize()
            let refused = try await client.call(.get, "/v1/records/\(record)?purpose=audit", token: revokedMember)
            #expect(refused.status == .unauthorized && refused.json["error"] as? String == "token_revoked", "\(refused.text)")
            #expect(try f.state.storage.ledger.treeSize() == before)

            let down = try await client.call(.get, "/v1/records/\(record)?purpose=audit", token: downgraded)
            #expect(down.status == .forbidden, "a member lowered to internal read \(down.text)")
            let downEntry = try #require(try TierAuthorizationTests.lastRead(f, actor: "clerk-down"))
            #expect(TierAuthorizationTests.names(downEntry.attributes["refused"]) == ["national_id", "full_name", "birth_date"])

            let role = try await client.call(.get, "/v1/records/\(record)?purpose=audit", token: roleChanged)
            #expect(role.status == .forbidden, "a member whose role became requester read \(role.text)")
            #expect(try TierAuthorizationTests.lastRead(f, actor: "clerk-role") != nil)
        }
    }
}
