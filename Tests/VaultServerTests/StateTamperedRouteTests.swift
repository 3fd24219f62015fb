import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import VaultCore
import VaultNode
import VaultTestSupport
@testable import VaultServer

/// A database writer changes rows under a running service: each route that depends on them answers 500
/// `state_tampered` naming table and key, counts it in /metrics, and does not obey the row; a token the writer
/// inserted is unknown (401), a revoked token whose flag it clears stays revoked.
@Suite struct StateTamperedRouteTests {
    @Test func tamperedRowsAreRefusedNamedAndCounted() async throws {
        var fixture = try await ServerFixture()
        defer { fixture.cleanUp() }
        let revoked = try fixture.state.tokens.issue(role: .auditor, actor: "auditor-2")
        fixture.tokens["revoked"] = revoked.text
        let f = fixture
        try await f.app.test(.router) { client in
            #expect(try await client.call(.delete, "/v1/tokens/\(revoked.id)", token: f.tokens["officer"]).status == .ok)
            // An id of the token form is revoked on the ledger even when no row has it (a row hidden now and put back
            // later stays revoked); anything else is 404.
            #expect(try await client.call(.delete, "/v1/tokens/t-0000000000000000", token: f.tokens["officer"]).status == .ok)
            #expect(try await client.call(.delete, "/v1/tokens/not-a-token", token: f.tokens["officer"]).status == .notFound)
            let db = try DatabaseInspector(sqlitePath: f.directory.appendingPathComponent("civicvault.sqlite").path)
            try db.execute("UPDATE vault_token SET revoked = 0")
            try db.execute("UPDATE vault_tier SET rank = -1 WHERE name = 'restricted'")
            try db.execute("UPDATE vault_token SET clearance = 'restricted' WHERE actor = 'clerk-1'")
            let tiers = try await client.call(.get, "/v1/tiers", token: f.tokens["officer"])
            #expect(tiers.status == .internalServerError && tiers.json["error"] as? String == "state_tampered", "\(tiers.text)")
            #expect((tiers.json["message"] as? String)?.contains("vault_tier row restricted") == true)
            let clerk = try await client.call(.get, "/v1/tiers", token: f.tokens["department"])
            #expect(clerk.status == .internalServerError && (clerk.json["message"] as? String)?.contains("vault_token") == true, "\(clerk.text)")
            // The revocation is on the ledger: clearing the flag does not bring the token back.
            let audit = try await client.call(.get, "/v1/audit/ledger", token: f.tokens["revoked"])
            #expect(audit.status == .unauthorized && audit.json["error"] as? String == "token_revoked", "\(audit.text)")
            let metrics = try await client.call(.get, "/metrics")
            #expect(metrics.text.contains("civicvault_state_tampered_total 2"), "\(metrics.text)")
        }
    }
}
