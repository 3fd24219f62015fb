import Foundation
import VaultCrypto
import VaultTestSupport

extension VaultTamperTests {
    /// The trusted state (issue #13, "authenticated state"): rows an access decision depends on, each either under
    /// a MAC of the node's state key (`vault_token`; `vault_approval`'s request MAC on the ledger) or checked
    /// against the verified ledger by `AnchoredReader`. Minted and forged rows, old authentic rows put back, and
    /// every trusted column of every such table changed.
    static let stateCases: [Case] = [
        // vault_tier (rank, current_version, min_decryption_version, rotating and name: see `storageCases`)
        Case(table: "vault_tier", change: "put back confidential's row from before its rotation (authentic then)", expect: .detected,
             why: "state_tampered: key.rotated is on the ledger", named: tampered("vault_tier", "confidential")) { db, p in
            try db.execute("UPDATE vault_tier SET current_version = ?, min_decryption_version = ?, rotating = ? WHERE name = 'confidential'",
                           [.int(p.tierBeforeRotation.current), .int(p.tierBeforeRotation.min), .bool(false)])
        },
        // vault_schema (json: see `storageCases`)
        Case(table: "vault_schema", change: "raise the schema's version column", expect: .harmless,
             why: "never read: both backends read only the json column (the version inside it is checked with its hash)") { db, _ in
            try db.execute("UPDATE vault_schema SET version = version + 1")
        },
        Case(table: "vault_schema", change: "raise the version inside the schema JSON", expect: .detected,
             why: "state_tampered: schema.registered records the version and the hash", named: tampered("vault_schema", "citizen")) { db, _ in
            var schema = try JSONSerialization.jsonObject(with: Data(try db.bytes("SELECT json FROM vault_schema"))) as! [String: Any]
            schema["version"] = (schema["version"] as! Int) + 1
            try db.execute("UPDATE vault_schema SET json = ?", [.bytes([UInt8](try JSONSerialization.data(withJSONObject: schema)))])
        },
        // vault_member
        Case(table: "vault_member", change: "un-revoke a revoked member", expect: .detected, why: "state_tampered: grant.revoked is on the ledger",
             named: tampered("vault_member", "gone-1")) { db, _ in
            try db.execute("UPDATE vault_member SET revoked = ? WHERE id = 'gone-1'", [.bool(false)])
        },
        Case(table: "vault_member", change: "delete the revoked member's row", expect: .detected, why: "state_tampered: grant.added is on the ledger",
             named: tampered("vault_member", "gone-1")) { db, _ in
            try db.execute("DELETE FROM vault_member WHERE id = 'gone-1'")
        },
        Case(table: "vault_member", change: "raise a member's clearance column", expect: .detected, why: "state_tampered: grant.added records the clearance",
             named: tampered("vault_member", "clerk-1")) { db, _ in try db.execute("UPDATE vault_member SET clearance = 'restricted' WHERE id = 'clerk-1'") },
        Case(table: "vault_member", change: "make a department member an officer", expect: .detected, why: "state_tampered: grant.added records the role",
             named: tampered("vault_member", "clerk-1")) { db, _ in try db.execute("UPDATE vault_member SET role = 'officer' WHERE id = 'clerk-1'") },
        Case(table: "vault_member", change: "rename a member (id)", expect: .detected, why: "state_tampered: the ledger's member clerk-1 has no row",
             named: tampered("vault_member", "clerk-1")) { db, _ in try db.execute("UPDATE vault_member SET id = 'clerk-9' WHERE id = 'clerk-1'") },
        // vault_token: every column but `revoked` is under the row's MAC, the hash is keyed
        Case(table: "vault_token", change: "mint an officer token row (plain SHA-256 of a token the attacker knows, a made-up MAC)", expect: .harmless,
             why: "the node looks tokens up by HMAC-SHA-256 under its token key, which the attacker cannot compute: the attacker's token is unknown (401), as before; a row under the right hash would also need the state key for its MAC") { db, p in
            try db.execute(
                "INSERT INTO vault_token (id, hash, role, actor, clearance, citizen, created_at_ms, expires_at_ms, revoked, mac) VALUES (?, ?, ?, ?, ?, NULL, ?, NULL, ?, ?)",
                [.text("t-0000000000000001"), .bytes(SHA256.hash(Array(p.attackerToken.utf8))), .text("officer"), .text("officer-1"), .text("restricted"),
                 .int(0), .bool(false), .bytes([UInt8](repeating: 1, count: 32))])
        },
        Case(table: "vault_token", change: "raise a token's clearance", expect: .detected, why: "state_tampered: the row's MAC under the node's state key",
             named: tampered("vault_token")) { db, p in
            try db.execute("UPDATE vault_token SET clearance = 'restricted' WHERE actor = 'clerk-1' AND id <> ?", [.text(p.revokedTokenID)])
        },
        Case(table: "vault_token", change: "make a department token an officer's (role)", expect: .detected, why: "state_tampered: MAC",
             named: tampered("vault_token")) { db, p in
            try db.execute("UPDATE vault_token SET role = 'officer' WHERE actor = 'clerk-1' AND id <> ?", [.text(p.revokedTokenID)])
        },
        Case(table: "vault_token", change: "give a token another actor", expect: .detected, why: "state_tampered: MAC", named: tampered("vault_token")) { db, p in
            try db.execute("UPDATE vault_token SET actor = 'registrar-1' WHERE actor = 'clerk-1' AND id <> ?", [.text(p.revokedTokenID)])
        },
        Case(table: "vault_token", change: "give a requester's token a citizen", expect: .detected, why: "state_tampered: MAC", named: tampered("vault_token")) { db, p in
            try db.execute("UPDATE vault_token SET citizen = (SELECT citizen FROM vault_record WHERE id = ?) WHERE actor = 'bank-1'", [.text(p.attestable)])
        },
        Case(table: "vault_token", change: "change a token's created_at_ms (what revocations of its actor cover)", expect: .detected, why: "state_tampered: MAC",
             named: tampered("vault_token")) { db, _ in
            try db.execute("UPDATE vault_token SET created_at_ms = created_at_ms + 1 WHERE actor = 'officer-1'")
        },
        Case(table: "vault_token", change: "clear a token's expiry", expect: .detected, why: "state_tampered: MAC", named: tampered("vault_token")) { db, p in
            try db.execute("UPDATE vault_token SET expires_at_ms = NULL WHERE actor = 'clerk-1' AND id <> ?", [.text(p.revokedTokenID)])
        },
        Case(table: "vault_token", change: "change a token's id", expect: .detected, why: "state_tampered: the MAC binds the id",
             named: tampered("vault_token", "t-ffffffffffffffff")) { db, _ in
            try db.execute("UPDATE vault_token SET id = 't-ffffffffffffffff' WHERE actor = 'officer-1'")
        },
        Case(table: "vault_token", change: "swap the hashes of the officer's and the bank's tokens", expect: .detected,
             why: "state_tampered: each token finds the other's row, whose MAC covers the hash", named: tampered("vault_token")) { db, _ in
            let officer = try db.bytes("SELECT hash FROM vault_token WHERE actor = 'officer-1'")
            let bank = try db.bytes("SELECT hash FROM vault_token WHERE actor = 'bank-1'")
            try db.execute("UPDATE vault_token SET hash = ? WHERE actor = 'officer-1'", [.bytes([UInt8](repeating: 0, count: 32))])
            try db.execute("UPDATE vault_token SET hash = ? WHERE actor = 'bank-1'", [.bytes(officer)])
            try db.execute("UPDATE vault_token SET hash = ? WHERE actor = 'officer-1'", [.bytes(bank)])
        },
        Case(table: "vault_token", change: "flip a byte of a token's MAC", expect: .detected, why: "state_tampered: MAC", named: tampered("vault_token")) { db, _ in
            try flip(db, "vault_token", "mac", where: "actor = 'officer-1'", at: 0)
        },
        Case(table: "vault_token", change: "clear the revoked flag of a token revoked on the ledger", expect: .detected,
             why: "the flag is outside the MAC, so the token resolves again, but every vault operation checks the ledger's token.revoked: credential_revoked (401)",
             named: "this token was revoked") { db, p in
            try db.execute("UPDATE vault_token SET revoked = ? WHERE id = ?", [.bool(false), .text(p.revokedTokenID)])
        },
        Case(table: "vault_token", change: "revoke every token", expect: .detected, why: "401 token_revoked (fails closed)") { db, _ in
            try db.execute("UPDATE vault_token SET revoked = ?", [.bool(true)])
        },
        // vault_policy
        Case(table: "vault_policy", change: "forge policy v3 without the landlords' approval step", expect: .detected,
             why: "state_tampered: the ledger's policy.changed says v2 with its hash", named: tampered("vault_policy", "3")) { db, _ in
            var policy = try JSONSerialization.jsonObject(with: Data(try db.bytes("SELECT json FROM vault_policy WHERE version = 2"))) as! [String: Any]
            policy["version"] = 3
            policy["rules"] = (policy["rules"] as! [[String: Any]]).map { rule in
                var r = rule
                r["approval"] = false
                return r
            }
            try db.execute("INSERT INTO vault_policy (version, json) VALUES (?, ?)", [.int(3), .bytes([UInt8](try JSONSerialization.data(withJSONObject: policy)))])
        },
        Case(table: "vault_policy", change: "roll back to v1 (authentic once) by deleting the v2 row", expect: .detected,
             why: "state_tampered: the ledger's last policy.changed is v2", named: tampered("vault_policy", "1")) { db, _ in
            try db.execute("DELETE FROM vault_policy WHERE version = 2")
        },
        Case(table: "vault_policy", change: "put v1's JSON back into the v2 row", expect: .detected, why: "state_tampered: version and hash",
             named: tampered("vault_policy", "1")) { db, _ in
            try db.execute("UPDATE vault_policy SET json = ? WHERE version = 2", [.bytes(try db.bytes("SELECT json FROM vault_policy WHERE version = 1"))])
        },
        Case(table: "vault_policy", change: "raise v1's version column above v2's", expect: .detected,
             why: "state_tampered: the node now reads v1's JSON as the newest policy", named: tampered("vault_policy", "1")) { db, _ in
            try db.execute("UPDATE vault_policy SET version = 99 WHERE version = 1")
        },
        Case(table: "vault_policy", change: "replace the policy JSON with garbage", expect: .detected, why: "stored policy corrupt") { db, _ in
            try db.execute("UPDATE vault_policy SET json = ?", [.bytes(Array("[]".utf8))])
        },
        Case(table: "vault_policy", change: "drop every rule", expect: .detected, why: "state_tampered: hash") { db, _ in
            try db.execute("UPDATE vault_policy SET json = ? WHERE version = 2", [.bytes(Array(#"{"version":2,"rules":[]}"#.utf8))])
        },
        // vault_approval
        Case(table: "vault_approval", change: "mark the pending approval approved, without a bundle", expect: .detected,
             why: "state_tampered: the ledger has no request.approved entry", named: tampered("vault_approval")) { db, p in
            try db.execute("UPDATE vault_approval SET status = 'approved' WHERE id = ?", [.text(p.pending)])
        },
        Case(table: "vault_approval", change: "put the approved approval back to pending (its row before the decision)", expect: .detected,
             why: "state_tampered: request.approval and request.approved are on the ledger", named: tampered("vault_approval")) { db, p in
            try db.execute("UPDATE vault_approval SET status = 'pending', decided_by = NULL, bundle = NULL, approvers = '[]' WHERE id = ?", [.text(p.approved)])
        },
        Case(table: "vault_approval", change: "change who filed it (filed_by)", expect: .detected, why: "state_tampered: request.filed's actor",
             named: tampered("vault_approval")) { db, p in
            try db.execute("UPDATE vault_approval SET filed_by = 'officer-1' WHERE id = ?", [.text(p.pending)])
        },
        Case(table: "vault_approval", change: "add an approver", expect: .detected, why: "state_tampered: request.approval entries",
             named: tampered("vault_approval")) { db, p in
            try db.execute("UPDATE vault_approval SET approvers = ? WHERE id = ?", [.text(#"["officer-2"]"#), .text(p.pending)])
        },
        Case(table: "vault_approval", change: "raise how many officers it needs (required)", expect: .detected, why: "state_tampered: request.filed's required",
             named: tampered("vault_approval")) { db, p in
            try db.execute("UPDATE vault_approval SET required = 2 WHERE id = ?", [.text(p.pending)])
        },
        Case(table: "vault_approval", change: "change its rule", expect: .detected, why: "state_tampered: request.filed's rule", named: tampered("vault_approval")) { db, p in
            try db.execute("UPDATE vault_approval SET rule = 'banks-age-and-income' WHERE id = ?", [.text(p.pending)])
        },
        Case(table: "vault_approval", change: "change the request (its expiry)", expect: .detected, why: "state_tampered: request.filed's request_mac",
             named: tampered("vault_approval")) { db, p in
            var request = try JSONSerialization.jsonObject(with: Data(try db.bytes("SELECT request FROM vault_approval WHERE id = ?", [.text(p.pending)]))) as! [String: Any]
            request["expiry"] = 4_000_000_001
            try db.execute("UPDATE vault_approval SET request = ? WHERE id = ?", [.bytes([UInt8](try JSONSerialization.data(withJSONObject: request))), .text(p.pending)])
        },
        Case(table: "vault_approval", change: "change its created_at_ms", expect: .detected, why: "state_tampered: request_mac covers it",
             named: tampered("vault_approval")) { db, p in
            try db.execute("UPDATE vault_approval SET created_at_ms = created_at_ms + 1 WHERE id = ?", [.text(p.pending)])
        },
        Case(table: "vault_approval", change: "change the requester column", expect: .harmless,
             why: "never read: both backends build the approval from the request JSON (its requester is under request_mac); the column is only written") { db, p in
            try db.execute("UPDATE vault_approval SET requester = 'landlord-9' WHERE id = ?", [.text(p.pending)])
        },
        Case(table: "vault_approval", change: "change who decided it (decided_by)", expect: .detected, why: "state_tampered: request.approved's actor",
             named: tampered("vault_approval")) { db, p in
            try db.execute("UPDATE vault_approval SET decided_by = 'officer-2' WHERE id = ?", [.text(p.approved)])
        },
        Case(table: "vault_approval", change: "flip a byte of the approved bundle", expect: .detected, why: "stored approval corrupt, or the requester's offline check fails") { db, p in
            try flip(db, "vault_approval", "bundle", where: "id = ?", [.text(p.approved)], at: 200)
        },
        Case(table: "vault_approval", change: "replace the approved bundle with another genuine one (the bank's)", expect: .detected,
             why: "the node does not check bundles it stores; the landlord's offline verification, bound to its name and nonce, refuses it",
             named: "approved bundle verification") { db, p in
            try db.execute("UPDATE vault_approval SET bundle = ? WHERE id = ?", [.bytes(p.bankBundle), .text(p.approved)])
        },
        Case(table: "vault_approval", change: "delete the approved bundle", expect: .detected, why: "state_tampered: an approved row must carry its bundle (was served as approved with no bundle and no error; fixed in AnchoredReader.agree)",
             named: tampered("vault_approval")) { db, p in
            try db.execute("UPDATE vault_approval SET bundle = NULL WHERE id = ?", [.text(p.approved)])
        },
        // vault_citizen_event
        Case(table: "vault_citizen_event", change: "delete a citizen's events", expect: .detected,
             why: "state_tampered: the index is rebuilt from the verified entries' citizen attributes", named: tampered("vault_citizen_event")) { db, p in
            try db.execute("DELETE FROM vault_citizen_event WHERE ledger_idx = ?", [.int(Int64(p.accessLog[0]))])
        },
        Case(table: "vault_citizen_event", change: "insert a row giving a citizen another citizen's entry", expect: .detected,
             why: "state_tampered: that entry's citizen attribute names the other citizen", named: tampered("vault_citizen_event")) { db, p in
            let citizen = try db.bytes("SELECT citizen FROM vault_citizen_event WHERE ledger_idx = ?", [.int(Int64(p.accessLog[0]))])
            let other = try db.rows("SELECT MIN(ledger_idx) FROM vault_citizen_event WHERE citizen <> ?", [.bytes(citizen)])[0][0]
            try db.execute("INSERT INTO vault_citizen_event (citizen, ledger_idx) VALUES (?, ?)", [.bytes(citizen), other])
        },
        Case(table: "vault_citizen_event", change: "move a citizen's event to another citizen", expect: .detected,
             why: "state_tampered: the entry's citizen attribute", named: tampered("vault_citizen_event")) { db, p in
            try db.execute("UPDATE vault_citizen_event SET citizen = (SELECT citizen FROM vault_record WHERE id = ?) WHERE ledger_idx = ?",
                           [.text(p.updated), .int(Int64(p.accessLog.last!))])
        },
    ]
}
