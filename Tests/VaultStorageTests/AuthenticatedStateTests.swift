import Foundation
import Testing
import VaultCore
import VaultCrypto
import VaultLedger
import VaultNode
import VaultSQLite
import VaultTestSupport

/// The attacks of a database writer who holds no key (a backup operator, the DBA of the shared PostgreSQL, a disk
/// put back from a backup) against the rows access decisions depend on, on both backends, while the node runs:
/// every one must end in a named refusal (`stateTampered` naming the table and key, or the token refused), never
/// in wider access.
@Suite struct AuthenticatedStateTests {
    let officer = Caller.operatorCLI(id: "officer-1")

    static let schema = """
        {"type": "citizen", "version": 1, "fields": [
          {"name": "national_id", "type": "string", "tier": "restricted", "required": true},
          {"name": "full_name", "type": "string", "tier": "confidential", "required": true},
          {"name": "birth_date", "type": "date", "tier": "confidential", "attestable": true, "required": true},
          {"name": "district", "type": "enum", "tier": "internal", "attestable": true, "values": ["north", "south", "harbour"]},
          {"name": "email", "type": "string", "tier": "internal"},
          {"name": "income", "type": "integer", "tier": "restricted", "attestable": true}
        ]}
        """

    static func policy(version: Int, landlordsNeedApproval: Bool) throws -> Policy {
        try Policy.parse(Data("""
            {"version": \(version), "rules": [
              {"id": "banks", "requesters": ["bank-*"], "record_type": "citizen", "allow": ["birth_date:age_at_least:18"], "purposes": ["loan-application"]},
              {"id": "landlords", "requesters": ["landlord-*"], "record_type": "citizen", "allow": ["district:in:north|harbour"], "purposes": ["tenancy"], "approval": \(landlordsNeedApproval)}
            ]}
            """.utf8))
    }

    /// A node with tiers, the schema, a clerk, policy v1 and one record.
    struct Node {
        let test: TestStore
        let record: String
        var vault: Vault { test.vault }
        var tokens: TokenRegistry { test.store.tokens }

        init(_ backend: StorageBackend, officer: Caller) async throws {
            test = try TestStore(backend)
            try await test.vault.createStandardTiersIfNeeded(by: officer)
            try await test.vault.registerSchema(json: Data(AuthenticatedStateTests.schema.utf8), by: officer)
            try await test.vault.grant(memberID: "clerk-1", role: .department, clearance: "confidential", by: officer)
            try await test.vault.installPolicy(try AuthenticatedStateTests.policy(version: 1, landlordsNeedApproval: true), by: officer)
            record = try await test.vault.createRecord(type: "citizen", nationalID: "38001010000", input: [
                "national_id": .string("38001010000"), "full_name": .string("Mari Maasikas"), "birth_date": .string("1980-01-01"),
                "district": .string("north"), "email": .string("mari@example.org"), "income": .integer(21000),
            ], by: officer).recordID
        }

        /// Changes the live database with bound values, on a connection of its own (the node keeps running).
        func tamper(_ body: (TamperConnection) throws -> Void) throws {
            switch test.backend {
            case .sqlite: try TamperConnection.sqlite(path: NodeDatabase.path(inDataDirectory: test.location), body)
            case .postgres: try TamperConnection.postgres(url: try PostgresTestDatabase.url(test.location), body)
            }
        }

        func cleanUp() { test.cleanUp() }
    }

    static func landlordRequest(_ record: String) -> AttestationRequest {
        AttestationRequest(
            recordID: record, predicates: [PredicateSpec(field: "district", in: ["north", "harbour"])], requester: "landlord-1",
            nonce: Array(repeating: 7, count: 32), expiry: UInt64(Date().timeIntervalSince1970) + 86_400, purpose: "tenancy")
    }

    // MARK: tokens

    @Test(arguments: StorageBackend.available) func aMintedTokenRowGrantsNothing(backend: StorageBackend) async throws {
        let node = try await Node(backend, officer: officer)
        defer { node.cleanUp() }
        let attacker = "cvt_" + String(repeating: "A", count: 43)
        try node.tamper { db in
            // The old scheme (plain SHA-256 of the token) and a MAC the attacker made up.
            try db.execute(
                "INSERT INTO vault_token (id, hash, role, actor, clearance, citizen, created_at_ms, expires_at_ms, revoked, mac) VALUES (?, ?, ?, ?, NULL, NULL, ?, NULL, ?, ?)",
                [.text("t-0000000000000001"), .bytes(SHA256.hash(Array(attacker.utf8))), .text("officer"), .text("mallory"), .int(0), .bool(false),
                 .bytes([UInt8](repeating: 1, count: 32))])
        }
        await #expect(throws: TokenRegistry.Refusal.unknown) { try await node.tokens.resolve(attacker) }
    }

    @Test(arguments: StorageBackend.available) func anEditedTokenRowIsRefusedAndNamed(backend: StorageBackend) async throws {
        let node = try await Node(backend, officer: officer)
        defer { node.cleanUp() }
        let clerk = try node.tokens.issue(role: .department, actor: "clerk-1", clearance: "confidential")
        #expect(try node.tokens.resolve(clerk.text).role == .department)
        let expires = try #require(try node.tokens.token(id: clerk.id)?.expiresAtMs)
        for (column, value) in [("role", SQLValue.text("officer")), ("clearance", .text("restricted")), ("actor", .text("officer-1")), ("expires_at_ms", .null)] {
            try node.tamper { db in try db.execute("UPDATE vault_token SET \(column) = ? WHERE id = ?", [value, .text(clerk.id)]) }
            await #expect(throws: VaultError.stateTampered(table: "vault_token", key: clerk.id), "\(column)") { try await node.tokens.resolve(clerk.text) }
            // Put the column back: the row is authentic again.
            let original: SQLValue = switch column {
            case "role": .text("department")
            case "clearance": .text("confidential")
            case "actor": .text("clerk-1")
            default: .int(Int64(expires))
            }
            do {
                try node.tamper { db in try db.execute("UPDATE vault_token SET \(column) = ? WHERE id = ?", [original, .text(clerk.id)]) }
                #expect(try node.tokens.resolve(clerk.text).actor == "clerk-1")
            }
        }
    }

    @Test(arguments: StorageBackend.available) func aRevokedTokenStaysRevokedWhenItsRowIsRestored(backend: StorageBackend) async throws {
        let node = try await Node(backend, officer: officer)
        defer { node.cleanUp() }
        let one = try node.tokens.issue(role: .department, actor: "clerk-1", clearance: "confidential")
        let bank = try node.tokens.issue(role: .requester, actor: "bank-1")
        try await node.vault.revokeToken(id: one.id, by: officer)
        // A requester has no member row: revoking the actor revokes its tokens all the same.
        await #expect(try node.vault.revoke(memberID: "bank-1", by: officer).tokens == 1)
        await #expect(throws: TokenRegistry.Refusal.revoked) { try await node.tokens.resolve(one.text) }
        await #expect(throws: TokenRegistry.Refusal.revoked) { try await node.tokens.resolve(bank.text) }
        try node.tamper { db in try db.execute("UPDATE vault_token SET revoked = ?", [.bool(false)]) }
        let clerk = try node.tokens.resolve(one.text).caller
        let requester = try node.tokens.resolve(bank.text).caller
        await #expect(throws: VaultError.credentialRevoked) { try await node.vault.readRecord(id: node.record, purpose: "audit", by: clerk) }
        await #expect(throws: VaultError.credentialRevoked) {
            try await node.vault.attestUnderPolicy(
                AttestationRequest(recordID: node.record, predicates: [PredicateSpec(field: "birth_date", age_at_least: 18)],
                                   requester: "bank-1", nonce: Array(repeating: 1, count: 32), expiry: UInt64(Date().timeIntervalSince1970) + 86_400, purpose: "loan-application"),
                by: requester)
        }
        // A new token made after the revocation works (the revocation covers tokens issued up to it).
        try await Task.sleep(nanoseconds: 5_000_000)
        let fresh = try node.tokens.issue(role: .requester, actor: "bank-1")
        await #expect(try node.vault.tiers().count == 4)
        await #expect(throws: VaultError.forbidden("role requester may not list tiers")) { try await node.vault.tiers(by: try await node.tokens.resolve(fresh.text).caller) }
    }

    @Test func tokenLifetimes() async throws {
        let node = try await Node(.sqlite, officer: officer)
        defer { node.cleanUp() }
        let text = try node.tokens.create(role: .auditor, actor: "auditor-1")
        let row = try #require(try node.tokens.token(id: try node.tokens.resolve(text).credential.id))
        #expect(row.expiresAtMs! - row.createdAtMs == TokenRegistry.defaultLifetimeMs)
        #expect(try node.tokens.issue(role: .auditor, actor: "auditor-2", lifetimeMs: nil).id.hasPrefix("t-"))
        await #expect(throws: VaultError.forbidden("token lifetime is too long; use no expiry explicitly")) {
            try await node.tokens.issue(role: .auditor, actor: "auditor-3", lifetimeMs: .max)
        }
        await #expect(throws: VaultError.invalidActor("Mallory Smith")) { try await node.tokens.issue(role: .auditor, actor: "Mallory Smith") }
        await #expect(throws: VaultError.invalidActor("Mallory Smith")) {
            try await node.vault.readRecord(id: node.record, purpose: "audit", by: Caller(id: "Mallory Smith", role: .officer))
        }
    }

    // MARK: policy, members, tiers, schemas

    @Test(arguments: StorageBackend.available) func aForgedPolicyRowIsNotObeyed(backend: StorageBackend) async throws {
        let node = try await Node(backend, officer: officer)
        defer { node.cleanUp() }
        let landlord = Caller(id: "landlord-1", role: .requester)
        guard case .pending = try await node.vault.requestAttestation(Self.landlordRequest(node.record), by: landlord) else {
            Issue.record("policy v1 sends landlords to an officer")
            return
        }
        // The attacker writes v2 without the approval step, as the node would have stored it.
        let forged = try Self.policy(version: 2, landlordsNeedApproval: false)
        try node.tamper { db in
            try db.execute("INSERT INTO vault_policy (version, json) VALUES (?, ?)", [.int(2), .bytes(Array(try JSONEncoder().encode(forged)))])
        }
        await #expect(throws: VaultError.stateTampered(table: "vault_policy", key: "2")) {
            try await node.vault.requestAttestation(Self.landlordRequest(node.record), by: landlord)
        }
    }

    @Test(arguments: StorageBackend.available) func anOlderAuthenticPolicyPutBackIsRefused(backend: StorageBackend) async throws {
        let node = try await Node(backend, officer: officer)
        defer { node.cleanUp() }
        try await node.vault.installPolicy(try Self.policy(version: 2, landlordsNeedApproval: true), by: officer)
        try await node.vault.installPolicy(try Self.policy(version: 3, landlordsNeedApproval: false), by: officer)
        // Roll back to v2 (authentic once) by deleting v3.
        try node.tamper { db in try db.execute("DELETE FROM vault_policy WHERE version = ?", [.int(3)]) }
        await #expect(throws: VaultError.stateTampered(table: "vault_policy", key: "2")) {
            try await node.vault.requestAttestation(Self.landlordRequest(node.record), by: Caller(id: "landlord-1", role: .requester))
        }
    }

    @Test(arguments: StorageBackend.available) func anUnrevokedMemberIsRefusedAndNamed(backend: StorageBackend) async throws {
        let node = try await Node(backend, officer: officer)
        defer { node.cleanUp() }
        try await node.vault.grant(memberID: "clerk-2", role: .department, clearance: "restricted", by: officer)
        let clerk = Caller(id: "clerk-2", role: .department, clearance: "restricted")
        await #expect(try node.vault.readRecord(id: node.record, purpose: "audit", by: clerk).fields.count == 6)
        _ = try await node.vault.revoke(memberID: "clerk-2", by: officer)
        await #expect(throws: VaultError.forbidden("member clerk-2 is revoked")) { try await node.vault.readRecord(id: node.record, purpose: "audit", by: clerk) }
        try node.tamper { db in try db.execute("UPDATE vault_member SET revoked = ? WHERE id = ?", [.bool(false), .text("clerk-2")]) }
        await #expect(throws: VaultError.stateTampered(table: "vault_member", key: "clerk-2")) {
            try await node.vault.readRecord(id: node.record, purpose: "audit", by: clerk)
        }
        // Deleting the revoked member's row instead is caught too (the ledger has the member).
        try node.tamper { db in try db.execute("DELETE FROM vault_member WHERE id = ?", [.text("clerk-2")]) }
        await #expect(throws: VaultError.stateTampered(table: "vault_member", key: "clerk-2")) {
            try await node.vault.readRecord(id: node.record, purpose: "audit", by: clerk)
        }
        // So is a member the attacker adds.
        try node.tamper { db in
            try db.execute("UPDATE vault_member SET revoked = ? WHERE id = ?", [.bool(false), .text("clerk-2")])
            try db.execute("INSERT INTO vault_member (id, role, clearance, revoked) VALUES (?, ?, ?, ?)", [.text("mallory"), .text("officer"), .null, .bool(false)])
        }
        await #expect(throws: VaultError.stateTampered(table: "vault_member", key: "mallory")) {
            try await node.vault.readRecord(id: node.record, purpose: "audit", by: Caller(id: "mallory", role: .officer))
        }
    }

    @Test(arguments: StorageBackend.available) func tierRowsMustBeWhatTheLedgerSays(backend: StorageBackend) async throws {
        let node = try await Node(backend, officer: officer)
        defer { node.cleanUp() }
        _ = try await node.vault.rotate(tier: "confidential", by: officer)
        let changes: [(String, String, [SQLValue])] = [
            ("restricted", "UPDATE vault_tier SET rank = ? WHERE name = 'restricted'", [.int(-1)]),
            ("confidential", "UPDATE vault_tier SET current_version = ? WHERE name = 'confidential'", [.int(1)]),
            ("confidential", "UPDATE vault_tier SET min_decryption_version = ? WHERE name = 'confidential'", [.int(2)]),
            ("internal", "UPDATE vault_tier SET rotating = ? WHERE name = 'internal'", [.bool(true)]),
            ("public", "DELETE FROM vault_tier WHERE name = 'public'", []),
        ]
        let clerk = Caller(id: "clerk-1", role: .department, clearance: "confidential")
        for (tier, sql, args) in changes {
            try node.tamper { db in
                try db.execute("CREATE TABLE tier_backup AS SELECT * FROM vault_tier")
                try db.execute(sql, args)
            }
            await #expect(throws: VaultError.stateTampered(table: "vault_tier", key: tier), "\(sql)") {
                try await node.vault.readRecord(id: node.record, purpose: "audit", by: clerk)
            }
            try node.tamper { db in
                try db.execute("DELETE FROM vault_tier")
                try db.execute("INSERT INTO vault_tier SELECT * FROM tier_backup")
                try db.execute("DROP TABLE tier_backup")
            }
            await #expect(try node.vault.readRecord(id: node.record, purpose: "audit", by: clerk).fields.count == 4)
        }
    }

    @Test(arguments: StorageBackend.available) func aSchemaMovingAFieldToAnotherTierIsRefused(backend: StorageBackend) async throws {
        let node = try await Node(backend, officer: officer)
        defer { node.cleanUp() }
        try node.tamper { db in
            let json = String(decoding: try db.bytes("SELECT json FROM vault_schema WHERE type = ?", [.text("citizen")]), as: UTF8.self)
            var schema = try JSONSerialization.jsonObject(with: Data(json.utf8)) as! [String: Any]
            schema["fields"] = (schema["fields"] as! [[String: Any]]).map { field in
                var f = field
                if f["name"] as? String == "income" { f["tier"] = "public" }
                return f
            }
            try db.execute("UPDATE vault_schema SET json = ? WHERE type = ?", [.bytes([UInt8](try JSONSerialization.data(withJSONObject: schema))), .text("citizen")])
        }
        await #expect(throws: VaultError.stateTampered(table: "vault_schema", key: "citizen")) {
            try await node.vault.createRecord(type: "citizen", nationalID: "2", input: [
                "national_id": .string("2"), "full_name": .string("A"), "birth_date": .string("1990-01-01"), "income": .integer(1),
            ], by: officer)
        }
    }

    // MARK: records, fields, citizen events, the ledger

    @Test(arguments: StorageBackend.available) func recordsAndFieldsMustBeTheLatestVersion(backend: StorageBackend) async throws {
        let node = try await Node(backend, officer: officer)
        defer { node.cleanUp() }
        // A deleted optional field used to drop out of reads silently.
        try node.tamper { db in try db.execute("DELETE FROM vault_field WHERE record_id = ? AND field = 'email'", [.text(node.record)]) }
        await #expect(throws: VaultError.stateTampered(table: "vault_field", key: node.record)) {
            try await node.vault.readRecord(id: node.record, purpose: "audit", by: officer)
        }
        // An un-shredded record, and a record moved to another citizen.
        let other = try await node.vault.createRecord(type: "citizen", nationalID: "2", input: [
            "national_id": .string("2"), "full_name": .string("B"), "birth_date": .string("1990-01-01"),
        ], by: officer).recordID
        try await node.vault.shred(id: other, by: officer)
        try node.tamper { db in try db.execute("UPDATE vault_record SET shredded = ? WHERE id = ?", [.bool(false), .text(other)]) }
        await #expect(throws: VaultError.stateTampered(table: "vault_record", key: other)) { try await node.vault.readRecord(id: other, purpose: "audit", by: officer) }
        try node.tamper { db in
            try db.execute("UPDATE vault_record SET citizen = (SELECT citizen FROM vault_record WHERE id = ?) WHERE id = ?", [.text(other), .text(node.record)])
        }
        await #expect(throws: VaultError.stateTampered(table: "vault_record", key: node.record)) {
            try await node.vault.readRecord(id: node.record, purpose: "audit", by: officer)
        }
    }

    @Test(arguments: StorageBackend.available) func aDeletedCitizenEventIsNamed(backend: StorageBackend) async throws {
        let node = try await Node(backend, officer: officer)
        defer { node.cleanUp() }
        _ = try await node.vault.readRecord(id: node.record, purpose: "audit", by: officer)
        let log = try await node.vault.accessLog(nationalID: "38001010000")
        #expect(log.map(\.type) == ["record.created", "field.read"])
        try node.tamper { db in try db.execute("DELETE FROM vault_citizen_event WHERE ledger_idx = ?", [.int(Int64(log[1].ledgerIndex))]) }
        await #expect(throws: VaultError.stateTampered(table: "vault_citizen_event", key: "ledger_idx \(log[1].ledgerIndex)")) {
            try await node.vault.accessLog(nationalID: "38001010000")
        }
    }

    @Test(arguments: StorageBackend.available) func ledgerRowsChangedUnderARunningNodeAreNamed(backend: StorageBackend) async throws {
        let node = try await Node(backend, officer: officer)
        defer { node.cleanUp() }
        let log = try await node.vault.accessLog(nationalID: "38001010000")
        let index = log[0].ledgerIndex
        // An entry edited with a matching leaf hash: the node knows the verified leaf.
        try node.tamper { db in
            var bytes = try db.bytes("SELECT entry FROM ledger_entry WHERE idx = ?", [.int(Int64(index))])
            bytes[bytes.count - 3] ^= 0x01
            try db.execute("UPDATE ledger_entry SET entry = ?, leaf_hash = ? WHERE idx = ?", [.bytes(bytes), .bytes(MerkleMath.leafHash(bytes)), .int(Int64(index))])
        }
        await #expect(throws: VaultError.stateTampered(table: "ledger_entry", key: String(index))) { try await node.vault.accessLog(nationalID: "38001010000") }
        // A genuinely signed older checkpoint put back: the ledger rolled back under the node.
        let fresh = try await Node(backend, officer: officer)
        defer { fresh.cleanUp() }
        let old = try #require(try fresh.test.store.ledger.latestCheckpoint())
        _ = try await fresh.vault.readRecord(id: fresh.record, purpose: "audit", by: officer)
        try fresh.tamper { db in try db.execute("UPDATE ledger_checkpoint SET note = ?", [.text(old)]) }
        await #expect(throws: VaultError.stateTampered(table: "ledger_checkpoint", key: "1")) {
            try await fresh.vault.readRecord(id: fresh.record, purpose: "audit", by: officer)
        }
    }

    @Test(arguments: StorageBackend.available) func aSecondNodeObeysWhatTheFirstWroteToTheLedger(backend: StorageBackend) async throws {
        let node = try await Node(backend, officer: officer)
        defer { node.cleanUp() }
        let second = try node.test.reopened()
        let issued = try node.tokens.issue(role: .department, actor: "clerk-1", clearance: "confidential")
        let clerk = try second.tokens.resolve(issued.text).caller
        await #expect(try second.vault.readRecord(id: node.record, purpose: "audit", by: clerk).fields.count == 4)
        try await node.vault.revokeToken(id: issued.id, by: officer)
        try node.tamper { db in try db.execute("UPDATE vault_token SET revoked = ?", [.bool(false)]) }
        await #expect(throws: VaultError.credentialRevoked) { try await second.vault.readRecord(id: node.record, purpose: "audit", by: clerk) }
    }
}

extension AuthenticatedStateTests {
    /// No false alarms: one node writes (records, updates, grants, a rotation, a policy) while a second node over the
    /// same database reads (records, tiers, members, access logs, approvals) from snapshots that may be older than
    /// what it already applied. Not one `stateTampered` may come of honest traffic.
    @Test(arguments: StorageBackend.available) func honestConcurrentNodesRaiseNoAlarm(backend: StorageBackend) async throws {
        let node = try await Node(backend, officer: officer)
        defer { node.cleanUp() }
        let second = try node.test.reopened()
        let errors = Errors()
        let writer = node.vault
        let reader = second.vault
        let officer = self.officer
        let record = node.record
        await withTaskGroup(of: Void.self) { group in for worker in 0..<4 { group.addTask {
            for round in 0..<12 {
                do {
                    switch worker {
                    case 0:
                        let id = try await writer.createRecord(type: "citizen", nationalID: "C-\(round % 3)", input: [
                            "national_id": .string("C-\(round % 3)"), "full_name": .string("N \(round)"), "birth_date": .string("1990-01-01"),
                        ], by: officer).recordID
                        _ = try await writer.updateRecord(id: id, input: [
                            "national_id": .string("C-\(round % 3)"), "full_name": .string("M \(round)"), "birth_date": .string("1990-01-02"),
                        ], by: officer)
                    case 1:
                        try await writer.grant(memberID: "clerk-\(round)", role: .department, clearance: round % 2 == 0 ? "internal" : "confidential", by: officer)
                        if round % 4 == 3 { _ = try await writer.revoke(memberID: "clerk-\(round - 1)", by: officer) }
                        if round == 6 { _ = try await writer.rotate(tier: "internal", by: officer) }
                        if round == 8 { try await writer.installPolicy(try AuthenticatedStateTests.policy(version: 2, landlordsNeedApproval: false), by: officer) }
                    case 2:
                        _ = try await reader.readRecord(id: record, purpose: "audit", by: officer)
                        _ = try await reader.tiers(by: officer)
                        _ = try await reader.members()
                        _ = try await reader.approvals(status: nil, by: officer)
                    default:
                        _ = try await reader.accessLog(nationalID: "C-\(round % 3)")
                        _ = try await reader.records(ofCitizen: "C-\(round % 3)", by: officer)
                        _ = try await writer.accessLog(nationalID: "38001010000")
                    }
                } catch {
                    errors.add("worker \(worker) round \(round): \(error)")
                }
            }
        } } }
        #expect(errors.all.isEmpty, "\(errors.all)")
        await #expect(try reader.members().count == 12)  // clerk-0...clerk-11 (clerk-1 existed already)
    }

    final class Errors: @unchecked Sendable {
        private let lock = NSLock()
        private var list: [String] = []
        func add(_ text: String) { lock.withLock { list.append(text) } }
        var all: [String] { lock.withLock { list } }
    }
}

extension AuthenticatedStateTests {
    /// A new schema version that lists the fields in another order is no tampering: the ledger's ciphertext hash
    /// orders fields by name, so records written before it still read, and a write starting from them goes on.
    @Test(arguments: StorageBackend.available) func aSchemaThatReordersFieldsRaisesNoAlarm(backend: StorageBackend) async throws {
        let node = try await Node(backend, officer: officer)
        defer { node.cleanUp() }
        var schema = try JSONSerialization.jsonObject(with: Data(Self.schema.utf8)) as! [String: Any]
        schema["version"] = 2
        schema["fields"] = Array((schema["fields"] as! [[String: Any]]).reversed())
        try await node.vault.registerSchema(json: try JSONSerialization.data(withJSONObject: schema), by: officer)
        await #expect(try node.vault.readRecord(id: node.record, purpose: "audit", by: officer).fields.count == 6)
        _ = try await node.vault.patchRecord(id: node.record, changes: ["district": .string("south")], by: officer)
        await #expect(try node.vault.readRecord(id: node.record, purpose: "audit", by: officer).fields["district"] == .enumeration("south"))
    }
}

extension AuthenticatedStateTests {
    /// A database writer plants an entry after the checkpoint (a grant making them an officer) with a tip block of
    /// its own (its signature garbage) and waits for the node's next append: the node must not sign the planted entry
    /// into its tree. The append is refused by name, the checkpoint stays where it was, and the grant is not obeyed.
    @Test(arguments: StorageBackend.available) func aPlantedTipIsNeverSignedIn(backend: StorageBackend) async throws {
        let node = try await Node(backend, officer: officer)
        defer { node.cleanUp() }
        let before = try #require(try node.test.store.ledger.latestCheckpoint())
        let size = try node.test.store.ledger.treeSize()
        let planted = EntryCodec.encode(try LedgerEntry(type: LedgerEntry.Kind.grantAdded, timestampMs: 1, actor: "officer-1", attributes: [
            "member": .string("mallory"), "role": .string("officer"),
        ]))
        try node.tamper { db in
            let last = try BlockHeader(decoding: try db.bytes("SELECT header FROM ledger_block ORDER BY height DESC LIMIT 1"))
            let header = BlockHeader(
                height: last.height + 1, previousHash: last.hash, timestampMs: last.timestampMs + 1, firstIndex: size, entryCount: 1,
                treeSize: size + 1, root: [UInt8](repeating: 7, count: 32))
            try db.execute("INSERT INTO ledger_entry (idx, leaf_hash, entry) VALUES (?, ?, ?)", [.int(Int64(size)), .bytes(MerkleMath.leafHash(planted)), .bytes(planted)])
            try db.execute("INSERT INTO ledger_block (height, header, signature) VALUES (?, ?, ?)", [.int(Int64(last.height + 1)), .bytes(header.encoded), .bytes([UInt8](repeating: 0, count: 64))])
            try db.execute("INSERT INTO vault_member (id, role, clearance, revoked) VALUES (?, ?, NULL, ?)", [.text("mallory"), .text("officer"), .bool(false)])
        }
        await #expect(throws: VaultError.stateTampered(table: "ledger_block", key: "tip at \(size + 1)")) {
            try await node.vault.grant(memberID: "clerk-9", role: .department, clearance: "internal", by: officer)
        }
        #expect(try node.test.store.ledger.latestCheckpoint() == before)
        await #expect(throws: VaultError.stateTampered(table: "vault_member", key: "mallory")) {
            try await node.vault.readRecord(id: node.record, purpose: "audit", by: Caller(id: "mallory", role: .officer))
        }
        // The citizen's log refuses an event row past the checkpoint, and the entry it points at.
        try node.tamper { db in
            try db.execute("INSERT INTO vault_citizen_event (citizen, ledger_idx) SELECT citizen, ? FROM vault_record WHERE id = ?", [.int(Int64(size)), .text(node.record)])
        }
        await #expect(throws: VaultError.stateTampered(table: "vault_citizen_event", key: "ledger_idx \(size)")) { try await node.vault.accessLog(nationalID: "38001010000") }
    }

    /// Revocation reaches the ledger whatever the token rows say: an id whose row was hidden, and an actor whose
    /// rows were pre-flagged, are revoked on the ledger all the same, so putting the rows back does not help.
    @Test(arguments: StorageBackend.available) func revocationsReachTheLedgerWhateverTheRowsSay(backend: StorageBackend) async throws {
        let node = try await Node(backend, officer: officer)
        defer { node.cleanUp() }
        let one = try node.tokens.issue(role: .auditor, actor: "auditor-1")
        let bank = try node.tokens.issue(role: .requester, actor: "bank-1")
        try node.tamper { db in
            try db.execute("CREATE TABLE hidden AS SELECT * FROM vault_token WHERE id = ?", [.text(one.id)])
            try db.execute("DELETE FROM vault_token WHERE id = ?", [.text(one.id)])
            try db.execute("UPDATE vault_token SET revoked = ? WHERE actor = ?", [.bool(true), .text("bank-1")])
        }
        try await node.vault.revokeToken(id: one.id, by: officer)
        _ = try await node.vault.revoke(memberID: "bank-1", by: officer)
        try node.tamper { db in
            try db.execute("INSERT INTO vault_token SELECT * FROM hidden")
            try db.execute("UPDATE vault_token SET revoked = ?", [.bool(false)])
        }
        await #expect(throws: VaultError.credentialRevoked) { try await node.vault.tiers(by: try await node.tokens.resolve(one.text).caller) }
        await #expect(throws: VaultError.credentialRevoked) { try await node.vault.approvals(status: nil, by: try await node.tokens.resolve(bank.text).caller) }
    }

    /// A field row relabelled to a lower tier (so a low-clearance PUT would drop a value above it) changes the
    /// ledger's ciphertext hash: refused before any write decision.
    @Test(arguments: StorageBackend.available) func aFieldRowRelabelledToALowerTierIsRefused(backend: StorageBackend) async throws {
        let node = try await Node(backend, officer: officer)
        defer { node.cleanUp() }
        try node.tamper { db in try db.execute("UPDATE vault_field SET tier = 'internal' WHERE record_id = ? AND field = 'income'", [.text(node.record)]) }
        await #expect(throws: VaultError.stateTampered(table: "vault_field", key: node.record)) {
            try await node.vault.updateRecord(id: node.record, input: [
                "national_id": .string("38001010000"), "full_name": .string("X"), "birth_date": .string("1980-01-01"),
            ], by: Caller(id: "clerk-1", role: .department, clearance: "confidential"))
        }
    }
}
