import Foundation
import VaultCore
import VaultLedger

/// One read or write transaction of `PostgresVaultStore`: the same rows as `SQLiteVaultTransaction`, in SQL
/// PostgreSQL understands (numbered parameters, BOOLEAN, upserts instead of INSERT OR REPLACE).
struct PostgresVaultTransaction: VaultWriting {
    let session: PostgresSession
    let ledger: PostgresLedgerStore

    private var reader: PostgresLedgerReader { PostgresLedgerReader(session) }

    // MARK: reading

    func tiers() throws -> [TierState] {
        try session.rows("SELECT * FROM vault_tier ORDER BY rank").map {
            TierState(name: try $0.text("name"), rank: Int(try $0.int("rank")), currentVersion: Int(try $0.int("current_version")),
                      minDecryptionVersion: Int(try $0.int("min_decryption_version")), rotating: try $0.bool("rotating"))
        }
    }

    func schemas() throws -> [RecordSchema] {
        try session.rows("SELECT json FROM vault_schema ORDER BY type").map { try Self.decode(RecordSchema.self, try $0.bytes("json"), "stored schema") }
    }

    func tierKey(tier: String, version: Int) throws -> WrappedTierKey? {
        try session.rows("SELECT wrapped FROM vault_tier_key WHERE tier = $1 AND version = $2", [.text(tier), .int(version)]).first
            .map { WrappedTierKey(tier: tier, version: version, wrapped: try $0.bytes("wrapped")) }
    }

    func record(id: String) throws -> RecordRow? {
        try session.rows("SELECT * FROM vault_record WHERE id = $1", [.text(id)]).first.map(Self.record)
    }

    func records(citizen: Pseudonym) throws -> [RecordRow] {
        try session.rows("SELECT * FROM vault_record WHERE citizen = $1 ORDER BY created_at_ms, id", [.bytes(citizen.bytes)]).map(Self.record)
    }

    static func record(_ row: PostgresRowReader) throws -> RecordRow {
        RecordRow(
            id: try row.text("id"), type: try row.text("type"), schemaVersion: Int(try row.int("schema_version")), version: Int(try row.int("version")),
            citizen: Pseudonym(bytes: try row.bytes("citizen")), createdAtMs: UInt64(try row.int("created_at_ms")), shredded: try row.bool("shredded"))
    }

    func fields(recordID: String) throws -> [FieldRow] {
        try session.rows("SELECT * FROM vault_field WHERE record_id = $1 ORDER BY field", [.text(recordID)]).map {
            FieldRow(recordID: recordID, field: try $0.text("field"), tier: try $0.text("tier"), ciphertext: try $0.bytes("ciphertext"))
        }
    }

    func dataKeys(recordID: String) throws -> [WrappedDataKey] {
        try session.rows("SELECT * FROM vault_data_key WHERE record_id = $1 ORDER BY tier", [.text(recordID)]).map(Self.dataKey)
    }

    func dataKeys(tier: String, wrappedBelow version: Int, limit: Int) throws -> [WrappedDataKey] {
        try session.rows(
            "SELECT * FROM vault_data_key WHERE tier = $1 AND tier_key_version < $2 ORDER BY record_id LIMIT $3",
            [.text(tier), .int(version), .int(limit)]
        ).map(Self.dataKey)
    }

    func countDataKeys(tier: String, wrappedBelow version: Int) throws -> Int {
        Int(try session.rows("SELECT COUNT(*) AS n FROM vault_data_key WHERE tier = $1 AND tier_key_version < $2", [.text(tier), .int(version)])
            .first?.int("n") ?? 0)
    }

    static func dataKey(_ row: PostgresRowReader) throws -> WrappedDataKey {
        WrappedDataKey(recordID: try row.text("record_id"), tier: try row.text("tier"), tierKeyVersion: Int(try row.int("tier_key_version")),
                       wrapped: try row.bytes("wrapped"))
    }

    func openings(recordID: String) throws -> [OpeningRow] {
        try session.rows("SELECT * FROM vault_opening WHERE record_id = $1 ORDER BY field", [.text(recordID)]).map {
            OpeningRow(recordID: recordID, field: try $0.text("field"), tier: try $0.text("tier"), commitment: try $0.bytes("commitment"),
                       ciphertext: try $0.bytes("ciphertext"))
        }
    }

    func member(id: String) throws -> Member? {
        try session.rows("SELECT * FROM vault_member WHERE id = $1", [.text(id)]).first.map(Self.member)
    }

    func members() throws -> [Member] {
        try session.rows("SELECT * FROM vault_member ORDER BY id").map(Self.member)
    }

    static func member(_ row: PostgresRowReader) throws -> Member {
        Member(id: try row.text("id"), role: Role(rawValue: try row.text("role")) ?? .requester, clearance: try row.optionalText("clearance"),
               revoked: try row.bool("revoked"))
    }

    func policy() throws -> Policy? {
        try session.rows("SELECT json FROM vault_policy ORDER BY version DESC LIMIT 1").first
            .map { try Self.decode(Policy.self, try $0.bytes("json"), "stored policy") }
    }

    func approval(id: String) throws -> Approval? {
        try session.rows("SELECT * FROM vault_approval WHERE id = $1", [.text(id)]).first.map(Self.approval)
    }

    func approvals(status: Approval.Status?) throws -> [Approval] {
        try session.rows(
            "SELECT * FROM vault_approval WHERE $1::text IS NULL OR status = $1::text ORDER BY created_at_ms DESC, id", [.text(status?.rawValue)]
        ).map(Self.approval)
    }

    static func approval(_ row: PostgresRowReader) throws -> Approval {
        Approval(
            id: try row.text("id"), request: try decode(AttestationRequest.self, try row.bytes("request"), "stored approval"), rule: try row.text("rule"),
            status: try Approval.status(stored: try row.text("status")), decidedBy: try row.optionalText("decided_by"),
            bundle: try row.optionalBytes("bundle").map { try decode(AttestationBundle.self, $0, "stored approval") },
            createdAtMs: UInt64(try row.int("created_at_ms")), filedBy: try row.text("filed_by"),
            approvers: try decode([String].self, Array(try row.text("approvers").utf8), "stored approval"), required: Int(try row.int("required")))
    }

    static func decode<T: Decodable>(_ type: T.Type, _ bytes: [UInt8], _ place: String) throws -> T {
        do { return try JSONDecoder().decode(T.self, from: Data(bytes)) } catch { throw VaultError.corrupt(place) }
    }

    func citizenEvents(citizen: Pseudonym) throws -> [UInt64] {
        try session.rows("SELECT ledger_idx FROM vault_citizen_event WHERE citizen = $1 ORDER BY ledger_idx", [.bytes(citizen.bytes)])
            .map { UInt64(try $0.int("ledger_idx")) }
    }

    func ledgerEntry(at index: UInt64) throws -> LedgerEntry { try EntryCodec.decode(try reader.entry(at: index).bytes) }
    func ledgerEntryBytes(at index: UInt64) throws -> [UInt8] { try reader.entry(at: index).bytes }
    func ledgerCheckpoint() throws -> String? { try reader.checkpointNote() }
    func ledgerEntries(from index: UInt64, limit: Int) throws -> [[UInt8]] { try reader.entries(from: index, limit: limit).map(\.bytes) }

    func inclusionProof(index: UInt64, treeSize: UInt64) throws -> InclusionProof {
        try reader.inclusionProof(index: index, treeSize: treeSize)
    }

    // MARK: writing

    func revokeTokens(actor: String) throws -> Int {
        try session.execute("UPDATE vault_token SET revoked = TRUE WHERE actor = $1 AND NOT revoked", [.text(actor)])
    }

    func revokeToken(id: String) throws -> Bool {
        guard !(try session.rows("SELECT 1 FROM vault_token WHERE id = $1", [.text(id)])).isEmpty else { return false }
        _ = try session.execute("UPDATE vault_token SET revoked = TRUE WHERE id = $1", [.text(id)])
        return true
    }

    func saveTier(_ tier: TierState) throws {
        try session.execute(
            """
            INSERT INTO vault_tier (name, rank, current_version, min_decryption_version, rotating) VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (name) DO UPDATE SET current_version = excluded.current_version,
                min_decryption_version = excluded.min_decryption_version, rotating = excluded.rotating
            """, [.text(tier.name), .int(tier.rank), .int(tier.currentVersion), .int(tier.minDecryptionVersion), .bool(tier.rotating)])
    }

    func saveSchema(_ schema: RecordSchema) throws {
        try session.execute(
            """
            INSERT INTO vault_schema (type, version, json) VALUES ($1, $2, $3)
            ON CONFLICT (type) DO UPDATE SET version = excluded.version, json = excluded.json
            """, [.text(schema.type), .int(schema.version), .bytes([UInt8](try JSONEncoder().encode(schema)))])
    }

    func insertTierKey(_ key: WrappedTierKey) throws {
        try session.execute("INSERT INTO vault_tier_key (tier, version, wrapped) VALUES ($1, $2, $3)", [.text(key.tier), .int(key.version), .bytes(key.wrapped)])
    }

    func deleteTierKeys(tier: String, below version: Int) throws {
        try session.execute("DELETE FROM vault_tier_key WHERE tier = $1 AND version < $2", [.text(tier), .int(version)])
    }

    func saveRecord(_ record: RecordRow) throws {
        try session.execute(
            """
            INSERT INTO vault_record (id, type, schema_version, version, citizen, created_at_ms, shredded) VALUES ($1, $2, $3, $4, $5, $6, $7)
            ON CONFLICT (id) DO UPDATE SET version = excluded.version, shredded = excluded.shredded
            """,
            [.text(record.id), .text(record.type), .int(record.schemaVersion), .int(record.version), .bytes(record.citizen.bytes),
             .int(record.createdAtMs), .bool(record.shredded)])
    }

    func replaceFields(recordID: String, with fields: [FieldRow]) throws {
        try session.execute("DELETE FROM vault_field WHERE record_id = $1", [.text(recordID)])
        try session.insert(into: "vault_field", columns: ["record_id", "field", "tier", "ciphertext"],
                           rows: fields.map { [.text(recordID), .text($0.field), .text($0.tier), .bytes($0.ciphertext)] })
    }

    func replaceDataKeys(recordID: String, with keys: [WrappedDataKey]) throws {
        try session.execute("DELETE FROM vault_data_key WHERE record_id = $1", [.text(recordID)])
        try session.insert(into: "vault_data_key", columns: ["record_id", "tier", "tier_key_version", "wrapped"],
                           rows: keys.map { [.text($0.recordID), .text($0.tier), .int($0.tierKeyVersion), .bytes($0.wrapped)] })
    }

    func updateDataKey(_ key: WrappedDataKey) throws {
        try session.execute(
            """
            INSERT INTO vault_data_key (record_id, tier, tier_key_version, wrapped) VALUES ($1, $2, $3, $4)
            ON CONFLICT (record_id, tier) DO UPDATE SET tier_key_version = excluded.tier_key_version, wrapped = excluded.wrapped
            """, [.text(key.recordID), .text(key.tier), .int(key.tierKeyVersion), .bytes(key.wrapped)])
    }

    func replaceOpenings(recordID: String, with openings: [OpeningRow]) throws {
        try session.execute("DELETE FROM vault_opening WHERE record_id = $1", [.text(recordID)])
        try session.insert(into: "vault_opening", columns: ["record_id", "field", "tier", "commitment", "ciphertext"],
                           rows: openings.map { [.text(recordID), .text($0.field), .text($0.tier), .bytes($0.commitment), .bytes($0.ciphertext)] })
    }

    func saveMember(_ member: Member) throws {
        try session.execute(
            """
            INSERT INTO vault_member (id, role, clearance, revoked) VALUES ($1, $2, $3, $4)
            ON CONFLICT (id) DO UPDATE SET role = excluded.role, clearance = excluded.clearance, revoked = excluded.revoked
            """, [.text(member.id), .text(member.role.rawValue), .text(member.clearance), .bool(member.revoked)])
    }

    func savePolicy(_ policy: Policy) throws {
        try session.execute("INSERT INTO vault_policy (version, json) VALUES ($1, $2)", [.int(policy.version), .bytes([UInt8](try JSONEncoder().encode(policy)))])
    }

    func saveApproval(_ approval: Approval) throws {
        try session.execute(
            """
            INSERT INTO vault_approval (id, request, rule, status, requester, decided_by, bundle, created_at_ms, filed_by, approvers, required)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
            """,
            [.text(approval.id), .bytes([UInt8](try JSONEncoder().encode(approval.request))), .text(approval.rule), .text(approval.status.rawValue),
             .text(approval.request.requester), .text(approval.decidedBy), .bytes(try approval.bundle.map { [UInt8](try JSONEncoder().encode($0)) }),
             .int(approval.createdAtMs), .text(approval.filedBy), .text(try Approval.encodeApprovers(approval.approvers)), .int(approval.required)])
    }

    func updateApproval(_ approval: Approval, from previous: Approval) throws -> Bool {
        try session.execute(
            """
            UPDATE vault_approval SET status = $1, decided_by = $2, bundle = $3, approvers = $4
            WHERE id = $5 AND status = 'pending' AND approvers = $6
            """,
            [.text(approval.status.rawValue), .text(approval.decidedBy), .bytes(try approval.bundle.map { [UInt8](try JSONEncoder().encode($0)) }),
             .text(try Approval.encodeApprovers(approval.approvers)), .text(previous.id), .text(try Approval.encodeApprovers(previous.approvers))]) == 1
    }

    func savepoint<T>(_ body: () throws -> T) throws -> T {
        _ = try session.execute("SAVEPOINT cv_writer")
        let result: T
        do {
            result = try body()
        } catch {
            // Subtrees read in the savepoint may have covered its own (now undone) entries.
            ledger.cache.removeAll()
            _ = try session.execute("ROLLBACK TO SAVEPOINT cv_writer")
            _ = try session.execute("RELEASE SAVEPOINT cv_writer")
            throw error
        }
        _ = try session.execute("RELEASE SAVEPOINT cv_writer")
        return result
    }

    func appendLedger(_ entries: [LedgerEntry], citizens: [Pseudonym?]) throws -> AppendReceipt {
        let receipt = try ledger.append(entries, in: session)
        for (offset, citizen) in citizens.enumerated() {
            guard let citizen else { continue }
            try session.execute("INSERT INTO vault_citizen_event (citizen, ledger_idx) VALUES ($1, $2)",
                                [.bytes(citizen.bytes), .int(receipt.firstIndex + UInt64(offset))])
        }
        return receipt
    }
}
