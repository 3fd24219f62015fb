import Foundation
import GRDB
import VaultCore
import VaultLedger

/// One read or write transaction of `SQLiteVaultStore` over a GRDB `Database`.
struct SQLiteVaultTransaction: VaultWriting {
    let db: Database
    let ledger: SQLiteLedgerStore
    let schemaCache: SchemaCache

    // MARK: reading

    func tiers() throws -> [TierState] {
        try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM vault_tier ORDER BY rank")).map {
            TierState(name: $0["name"], rank: $0["rank"], currentVersion: $0["current_version"],
                      minDecryptionVersion: $0["min_decryption_version"], rotating: $0["rotating"])
        }
    }

    func schemas() throws -> [RecordSchema] {
        try Data.fetchAll(db.cachedStatement(sql: "SELECT json FROM vault_schema ORDER BY type")).map { try schemaCache.schema(decoding: $0) }
    }

    func tierKey(tier: String, version: Int) throws -> WrappedTierKey? {
        try Data.fetchOne(db, sql: "SELECT wrapped FROM vault_tier_key WHERE tier = ? AND version = ?", arguments: [tier, version])
            .map { WrappedTierKey(tier: tier, version: version, wrapped: [UInt8]($0)) }
    }

    func record(id: String) throws -> RecordRow? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM vault_record WHERE id = ?"), arguments: [id]).map(Self.record)
    }

    func records(citizen: Pseudonym) throws -> [RecordRow] {
        try Row.fetchAll(db, sql: "SELECT * FROM vault_record WHERE citizen = ? ORDER BY created_at_ms, id", arguments: [Data(citizen.bytes)])
            .map(Self.record)
    }

    static func record(_ row: Row) -> RecordRow {
        RecordRow(
            id: row["id"], type: row["type"], schemaVersion: row["schema_version"], version: row["version"],
            citizen: Pseudonym(bytes: [UInt8](row["citizen"] as Data)), createdAtMs: UInt64(row["created_at_ms"] as Int64),
            shredded: row["shredded"])
    }

    func fields(recordID: String) throws -> [FieldRow] {
        try Row.fetchAll(db, sql: "SELECT * FROM vault_field WHERE record_id = ? ORDER BY field", arguments: [recordID]).map {
            FieldRow(recordID: recordID, field: $0["field"], tier: $0["tier"], ciphertext: [UInt8]($0["ciphertext"] as Data))
        }
    }

    func dataKeys(recordID: String) throws -> [WrappedDataKey] {
        try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM vault_data_key WHERE record_id = ? ORDER BY tier"), arguments: [recordID]).map(Self.dataKey)
    }

    func dataKeys(tier: String, wrappedBelow version: Int, limit: Int) throws -> [WrappedDataKey] {
        try Row.fetchAll(
            db,
            sql: "SELECT * FROM vault_data_key WHERE tier = ? AND tier_key_version < ? ORDER BY record_id LIMIT ?",
            arguments: [tier, version, limit]
        ).map(Self.dataKey)
    }

    func countDataKeys(tier: String, wrappedBelow version: Int) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM vault_data_key WHERE tier = ? AND tier_key_version < ?", arguments: [tier, version]) ?? 0
    }

    static func dataKey(_ row: Row) -> WrappedDataKey {
        WrappedDataKey(recordID: row["record_id"], tier: row["tier"], tierKeyVersion: row["tier_key_version"], wrapped: [UInt8](row["wrapped"] as Data))
    }

    func openings(recordID: String) throws -> [OpeningRow] {
        try Row.fetchAll(db, sql: "SELECT * FROM vault_opening WHERE record_id = ? ORDER BY field", arguments: [recordID]).map {
            OpeningRow(recordID: recordID, field: $0["field"], tier: $0["tier"], commitment: [UInt8]($0["commitment"] as Data),
                       ciphertext: [UInt8]($0["ciphertext"] as Data))
        }
    }

    func member(id: String) throws -> Member? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM vault_member WHERE id = ?"), arguments: [id]).map(Self.member)
    }

    func members() throws -> [Member] {
        try Row.fetchAll(db, sql: "SELECT * FROM vault_member ORDER BY id").map(Self.member)
    }

    static func member(_ row: Row) -> Member {
        Member(id: row["id"], role: Role(rawValue: row["role"]) ?? .requester, clearance: row["clearance"], revoked: row["revoked"])
    }

    func policy() throws -> Policy? {
        try Data.fetchOne(db, sql: "SELECT json FROM vault_policy ORDER BY version DESC LIMIT 1").map {
            do { return try JSONDecoder().decode(Policy.self, from: $0) } catch { throw VaultError.corrupt("stored policy") }
        }
    }

    func approval(id: String) throws -> Approval? {
        try Row.fetchOne(db, sql: "SELECT * FROM vault_approval WHERE id = ?", arguments: [id]).map(Self.approval)
    }

    func approvals(status: Approval.Status?) throws -> [Approval] {
        try Row.fetchAll(
            db, sql: "SELECT * FROM vault_approval WHERE ?1 IS NULL OR status = ?1 ORDER BY created_at_ms DESC, id",
            arguments: [status?.rawValue]
        ).map(Self.approval)
    }

    static func approval(_ row: Row) throws -> Approval {
        do {
            return Approval(
                id: row["id"], request: try JSONDecoder().decode(AttestationRequest.self, from: row["request"] as Data), rule: row["rule"],
                status: try Approval.status(stored: row["status"]), decidedBy: row["decided_by"],
                bundle: try (row["bundle"] as Data?).map { try JSONDecoder().decode(AttestationBundle.self, from: $0) },
                createdAtMs: UInt64(row["created_at_ms"] as Int64), filedBy: row["filed_by"],
                approvers: try JSONDecoder().decode([String].self, from: Data((row["approvers"] as String).utf8)), required: row["required"])
        } catch { throw VaultError.corrupt("stored approval") }
    }

    func citizenEvents(citizen: Pseudonym) throws -> [UInt64] {
        try Int64.fetchAll(db, sql: "SELECT ledger_idx FROM vault_citizen_event WHERE citizen = ? ORDER BY ledger_idx", arguments: [Data(citizen.bytes)])
            .map { UInt64($0) }
    }

    func ledgerEntry(at index: UInt64) throws -> LedgerEntry {
        try EntryCodec.decode(try SQLiteLedgerReader(db).entry(at: index).bytes)
    }

    func ledgerEntryBytes(at index: UInt64) throws -> [UInt8] {
        try SQLiteLedgerReader(db).entry(at: index).bytes
    }

    func ledgerCheckpoint() throws -> String? { try SQLiteLedgerReader(db).checkpointNote() }

    func ledgerEntries(from index: UInt64, limit: Int) throws -> [[UInt8]] {
        try SQLiteLedgerReader(db).entries(from: index, limit: limit).map(\.bytes)
    }

    func inclusionProof(index: UInt64, treeSize: UInt64) throws -> InclusionProof {
        try SQLiteLedgerReader(db).inclusionProof(index: index, treeSize: treeSize)
    }

    // MARK: writing

    func revokeTokens(actor: String) throws -> Int {
        try db.execute(sql: "UPDATE vault_token SET revoked = 1 WHERE actor = ? AND revoked = 0", arguments: [actor])
        return db.changesCount
    }

    func revokeToken(id: String) throws -> Bool {
        guard try Bool.fetchOne(db, sql: "SELECT 1 FROM vault_token WHERE id = ?", arguments: [id]) != nil else { return false }
        try db.execute(sql: "UPDATE vault_token SET revoked = 1 WHERE id = ?", arguments: [id])
        return true
    }

    func saveTier(_ tier: TierState) throws {
        try db.execute(
            sql: """
                INSERT INTO vault_tier (name, rank, current_version, min_decryption_version, rotating) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT(name) DO UPDATE SET current_version = excluded.current_version,
                    min_decryption_version = excluded.min_decryption_version, rotating = excluded.rotating
                """,
            arguments: [tier.name, tier.rank, tier.currentVersion, tier.minDecryptionVersion, tier.rotating])
    }

    func saveSchema(_ schema: RecordSchema) throws {
        try db.execute(
            sql: "INSERT OR REPLACE INTO vault_schema (type, version, json) VALUES (?, ?, ?)",
            arguments: [schema.type, schema.version, try JSONEncoder().encode(schema)])
    }

    func insertTierKey(_ key: WrappedTierKey) throws {
        try db.execute(sql: "INSERT INTO vault_tier_key (tier, version, wrapped) VALUES (?, ?, ?)", arguments: [key.tier, key.version, Data(key.wrapped)])
    }

    func deleteTierKeys(tier: String, below version: Int) throws {
        try db.execute(sql: "DELETE FROM vault_tier_key WHERE tier = ? AND version < ?", arguments: [tier, version])
    }

    func saveRecord(_ record: RecordRow) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO vault_record (id, type, schema_version, version, citizen, created_at_ms, shredded) VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(id) DO UPDATE SET version = excluded.version, shredded = excluded.shredded
                """
        ).execute(
            arguments: [record.id, record.type, record.schemaVersion, record.version, Data(record.citizen.bytes), Int64(record.createdAtMs), record.shredded])
    }

    func replaceFields(recordID: String, with fields: [FieldRow]) throws {
        try db.cachedStatement(sql: "DELETE FROM vault_field WHERE record_id = ?").execute(arguments: [recordID])
        let insert = try db.cachedStatement(sql: "INSERT INTO vault_field (record_id, field, tier, ciphertext) VALUES (?, ?, ?, ?)")
        for f in fields { try insert.execute(arguments: [recordID, f.field, f.tier, Data(f.ciphertext)]) }
    }

    func replaceDataKeys(recordID: String, with keys: [WrappedDataKey]) throws {
        try db.cachedStatement(sql: "DELETE FROM vault_data_key WHERE record_id = ?").execute(arguments: [recordID])
        for k in keys { try updateDataKey(k) }
    }

    func updateDataKey(_ key: WrappedDataKey) throws {
        try db.cachedStatement(sql: "INSERT OR REPLACE INTO vault_data_key (record_id, tier, tier_key_version, wrapped) VALUES (?, ?, ?, ?)").execute(
            arguments: [key.recordID, key.tier, key.tierKeyVersion, Data(key.wrapped)])
    }

    func replaceOpenings(recordID: String, with openings: [OpeningRow]) throws {
        try db.cachedStatement(sql: "DELETE FROM vault_opening WHERE record_id = ?").execute(arguments: [recordID])
        let insert = try db.cachedStatement(sql: "INSERT INTO vault_opening (record_id, field, tier, commitment, ciphertext) VALUES (?, ?, ?, ?, ?)")
        for o in openings { try insert.execute(arguments: [recordID, o.field, o.tier, Data(o.commitment), Data(o.ciphertext)]) }
    }

    func saveMember(_ member: Member) throws {
        try db.execute(
            sql: "INSERT OR REPLACE INTO vault_member (id, role, clearance, revoked) VALUES (?, ?, ?, ?)",
            arguments: [member.id, member.role.rawValue, member.clearance, member.revoked])
    }

    func savePolicy(_ policy: Policy) throws {
        try db.execute(sql: "INSERT INTO vault_policy (version, json) VALUES (?, ?)", arguments: [policy.version, try JSONEncoder().encode(policy)])
    }

    func saveApproval(_ approval: Approval) throws {
        try db.execute(
            sql: """
                INSERT INTO vault_approval (id, request, rule, status, requester, decided_by, bundle, created_at_ms, filed_by, approvers, required)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [approval.id, try JSONEncoder().encode(approval.request), approval.rule, approval.status.rawValue, approval.request.requester,
                        approval.decidedBy, try approval.bundle.map { try JSONEncoder().encode($0) }, Int64(approval.createdAtMs),
                        approval.filedBy, try Approval.encodeApprovers(approval.approvers), approval.required])
    }

    func updateApproval(_ approval: Approval, from previous: Approval) throws -> Bool {
        try db.execute(
            sql: """
                UPDATE vault_approval SET status = ?, decided_by = ?, bundle = ?, approvers = ?
                WHERE id = ? AND status = 'pending' AND approvers = ?
                """,
            arguments: [approval.status.rawValue, approval.decidedBy, try approval.bundle.map { try JSONEncoder().encode($0) },
                        try Approval.encodeApprovers(approval.approvers), previous.id, try Approval.encodeApprovers(previous.approvers)])
        return db.changesCount == 1
    }

    func savepoint<T>(_ body: () throws -> T) throws -> T {
        var result: T?
        do {
            try db.inSavepoint {
                result = try body()
                return .commit
            }
        } catch {
            // Subtrees read in the savepoint may have covered its own (now undone) entries.
            ledger.cache.removeAll()
            throw error
        }
        return result!
    }

    func appendLedger(_ entries: [LedgerEntry], citizens: [Pseudonym?]) throws -> AppendReceipt {
        let receipt = try ledger.append(entries, in: db)
        for (offset, citizen) in citizens.enumerated() {
            guard let citizen else { continue }
            try db.cachedStatement(sql: "INSERT INTO vault_citizen_event (citizen, ledger_idx) VALUES (?, ?)").execute(
                arguments: [Data(citizen.bytes), Int64(receipt.firstIndex) + Int64(offset)])
        }
        return receipt
    }
}
