import Foundation
import VaultCore
import VaultCrypto
import VaultLedger
import VaultNode
import VaultPostgres
import VaultSQLite
import VaultTestSupport

extension VaultTamperTests {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let officer = Caller.operatorCLI(id: "officer-1")
    static let clerk = Caller(id: "clerk-1", role: .department, clearance: "confidential")
    /// The department that writes the records: citizen records hold restricted fields, and a write may set only fields within the writer's clearance.
    static let registrar = Caller(id: "registrar-1", role: .department, clearance: "restricted")
    static let bank = Caller(id: "bank-1", role: .requester)

    /// The pristine database and everything a correct node must show about it. On SQLite a data directory (each
    /// case copies its file); on PostgreSQL a database nobody stays connected to (each case is a copy made with
    /// `CREATE DATABASE ... TEMPLATE`).
    struct Pristine: Sendable {
        let backend: StorageBackend
        /// The SQLite data directory, or the PostgreSQL database name.
        let location: String
        let keys: NodeKeys
        var expected: [String: [String: FieldValue]] = [:]  // live record -> values
        var updated = "", shredded = "", attestable = ""
        var citizens: [String: String] = [:]  // record -> national id
        var accessLog: [Int] = []  // ledger indexes of citizen 0's log
        var tokens: [String: TokenRegistry.Grant] = [:]
        var previousNote = "", previousSize: UInt64 = 0, keptNote = ""
        var oldFieldCiphertext: [UInt8] = []
        /// A token text the attacker knows and no node issued (the minted-token case inserts a row for it).
        var attackerToken = "cvt_" + String(repeating: "A", count: 43)
        /// A token of clerk-1 revoked on the ledger (`token.revoked`), and its id.
        var revokedToken = "", revokedTokenID = ""
        /// The landlord's record; the approval filed for it (still pending), the one approved (with a bundle), and
        /// every approval's status.
        var landlordRecord = "", pending = "", approved = ""
        var approvals: [String: Approval.Status] = [:]
        /// confidential's `current_version` and `min_decryption_version` before its rotation (an authentic row once).
        var tierBeforeRotation: (current: Int64, min: Int64) = (0, 0)
        /// The bank's genuine bundle of the pristine attestation, as JSON.
        var bankBundle: [UInt8] = []
        /// The SQLite file (SQLite only).
        var file: String { NodeDatabase.path(inDataDirectory: location) }

        /// Raw access to the pristine database itself.
        func connect<T>(_ body: (TamperConnection) throws -> T) throws -> T {
            switch backend {
            case .sqlite: try TamperConnection.sqlite(path: file, body)
            case .postgres: try TamperConnection.postgres(url: try PostgresTestDatabase.url(location), body)
            }
        }

        /// Removes the directory or drops the database.
        func remove() {
            switch backend {
            case .sqlite: try? FileManager.default.removeItem(atPath: location)
            case .postgres: PostgresTestDatabase.drop(location)
            }
        }
    }

    /// Builds the pristine node database on `backend` through the vault: two policy versions (v1 lets landlords
    /// through, v2 sends them to an officer), 12 records, an update, a shred, reads, an attestation, a pending and
    /// an approved approval, a rotation, a revoked member, tokens and a revoked token.
    static func makePristine(_ backend: StorageBackend) async throws -> Pristine {
        let keys = NodeKeys.generate(name: "tamper.test/node")
        let store: NodeStore
        var pool: PostgresPool?
        var p: Pristine
        switch backend {
        case .sqlite:
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cv-tamper-\(UUID().uuidString)").path
            p = Pristine(backend: backend, location: dir, keys: keys)
            store = try NodeStorage.open(dataDirectory: dir, keys: keys).store
        case .postgres:
            p = Pristine(backend: backend, location: try PostgresTestDatabase.create(), keys: keys)
            let opened = try PostgresNode.open(url: try PostgresTestDatabase.url(p.location), keys: keys)
            (store, pool) = (opened.store, opened.pool)
        }
        // Nobody may stay connected to a template database.
        defer { pool?.close() }
        let vault = store.vault
        try await vault.createStandardTiersIfNeeded(by: officer)
        _ = try await vault.registerSchema(json: Data(contentsOf: repo.appendingPathComponent("schemas/citizen.json")), by: officer)
        let example = String(decoding: try Data(contentsOf: repo.appendingPathComponent("Keys/policy.example.json")), as: UTF8.self)
        _ = try await vault.installPolicy(try Policy.parse(Data(example.replacingOccurrences(of: #""approval": true"#, with: #""approval": false"#).utf8)), by: officer)
        _ = try await vault.installPolicy(try Policy.parse(Data(example.replacingOccurrences(of: #""version": 1"#, with: #""version": 2"#).utf8)), by: officer)
        _ = try await vault.grant(memberID: "clerk-1", role: .department, clearance: "confidential", by: officer)
        _ = try await vault.grant(memberID: "gone-1", role: .department, clearance: "restricted", by: officer)
        var ids: [String] = []
        for i in 0..<12 {
            let nid = "TAMPER-NID-\(i)"
            let values: [String: JSONValue] = [
                "national_id": .string(nid), "full_name": .string("Tamper Citizen \(i)"), "birth_date": .string("1985-0\(1 + i % 9)-1\(i % 10)"),
                "district": .string(["north", "south", "harbour"][i % 3]), "income": .integer(Int64(20_000 + i)), "email": .string("t\(i)@example.org"),
            ]
            let id = try await vault.createRecord(type: "citizen", nationalID: nid, input: values, by: registrar).recordID
            ids.append(id)
            p.citizens[id] = nid
            let schema = try RecordSchema.parse(json: Data(contentsOf: repo.appendingPathComponent("schemas/citizen.json")), tiers: try TierLevels(names: ["public", "internal", "confidential", "restricted"]))
            p.expected[id] = try schema.validate(values)
        }
        p.updated = ids[1]
        p.oldFieldCiphertext = try p.connect { db in
            try db.bytes("SELECT ciphertext FROM vault_field WHERE record_id = ? AND field = 'full_name'", [.text(ids[1])])
        }
        var newValues = p.expected[ids[1]]!.mapValues(\.json)
        newValues["full_name"] = .string("Tamper Citizen Renamed")
        _ = try await vault.updateRecord(id: ids[1], input: newValues, by: registrar)
        p.expected[ids[1]]!["full_name"] = .string("Tamper Citizen Renamed")
        p.shredded = ids[2]
        try await vault.shred(id: ids[2], by: officer)
        p.expected[ids[2]] = nil
        p.attestable = ids[0]
        _ = try await vault.readRecord(id: ids[0], purpose: "benefit-check", by: clerk)
        p.bankBundle = await [UInt8](try JSONEncoder().encode(try vault.attestUnderPolicy(attestation(ids[0]), by: bank).bundle))
        p.landlordRecord = ids[3]
        guard case let .pending(pending) = try await vault.requestAttestation(landlordRequest(ids[3], nonce: 3), by: landlord),
              case let .pending(approved) = try await vault.requestAttestation(landlordRequest(ids[5], nonce: 5), by: landlord)
        else { throw TamperConnectionError(description: "policy v2 sends landlords to an officer") }
        p.pending = pending.id
        p.approved = try await vault.decide(approvalID: approved.id, approve: true, by: officer).id
        p.tierBeforeRotation = try p.connect { db in
            let row = try db.rows("SELECT current_version, min_decryption_version FROM vault_tier WHERE name = 'confidential'")[0]
            guard case let .int(current) = row[0], case let .int(min) = row[1] else { throw TamperConnectionError(description: "tier versions") }
            return (current, min)
        }
        _ = try await vault.rotate(tier: "confidential", by: officer, batchSize: 4)
        _ = try await vault.revoke(memberID: "gone-1", by: officer)
        let registry = store.tokens
        for (role, actor, clearance) in [(Role.department, "clerk-1", "confidential"), (.officer, "officer-1", "restricted"), (.requester, "bank-1", nil)] {
            let token = try registry.create(role: role, actor: actor, clearance: clearance)
            p.tokens[token] = try registry.resolve(token)
        }
        let revoked = try registry.issue(role: .department, actor: "clerk-1", clearance: "confidential")
        _ = try await vault.revokeToken(id: revoked.id, by: officer)
        (p.revokedToken, p.revokedTokenID) = (revoked.text, revoked.id)
        p.approvals = await Dictionary(uniqueKeysWithValues: try vault.approvals().map { ($0.id, $0.status) })
        p.previousNote = try store.ledger.latestCheckpoint()!
        p.previousSize = try store.ledger.treeSize()
        _ = try await vault.readRecord(id: ids[4], purpose: "audit", by: officer)  // the last block: one entry
        p.keptNote = try store.ledger.latestCheckpoint()!  // what an auditor keeps elsewhere
        p.accessLog = try await vault.accessLog(nationalID: p.citizens[ids[0]]!).map { Int($0.ledgerIndex) }
        // SQLite: everything into the main file, which the cases copy.
        if backend == .sqlite { _ = try p.connect { try $0.execute("PRAGMA wal_checkpoint(TRUNCATE)") } }
        return p
    }

    static let landlord = Caller(id: "landlord-1", role: .requester)

    /// A landlord's request: under policy v2 it waits for an officer.
    static func landlordRequest(_ id: String, nonce: UInt8) -> AttestationRequest {
        AttestationRequest(
            recordID: id, predicates: [PredicateSpec(field: "district", in: ["north", "harbour"])], requester: "landlord-1",
            nonce: Array(repeating: nonce, count: 32), expiry: UInt64(Date().timeIntervalSince1970) + 86_400, purpose: "tenancy")
    }

    static func attestation(_ id: String) -> AttestationRequest {
        AttestationRequest(
            recordID: id, predicates: [PredicateSpec(field: "birth_date", age_at_least: 18)], requester: "bank-1",
            nonce: Array(repeating: 9, count: 32), expiry: UInt64(Date().timeIntervalSince1970) + 86_400, purpose: "loan-application")
    }
}
