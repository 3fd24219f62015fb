import VaultCrypto
import VaultLedger
import VaultProofs

/// What a write returned: the record id, its version and the ledger index of its entry.
public struct RecordReceipt: Sendable, Equatable {
    public let recordID: String
    public let version: Int
    public let ledgerIndex: UInt64
}

/// What a read returned: the fields the caller may see, the names of those withheld, and the ledger index of
/// the `field.read` entry that logged the read.
public struct RecordView: Sendable, Equatable {
    public let recordID: String
    public let type: String
    public let version: Int
    public let fields: [String: FieldValue]
    public let withheld: [String]
    public let ledgerIndex: UInt64
}

extension Vault {
    /// Stores a new record of `type` for the citizen `nationalID` (departments and officers). Every field is
    /// encrypted under a fresh DEK of its tier, attestable fields are committed, and the `record.created` entry
    /// (pseudonym, commitments, ciphertext hash, never values) commits in the same transaction.
    public func createRecord(type: String, nationalID: String, input: [String: JSONValue], by caller: Caller) throws -> RecordReceipt {
        let citizen = try pseudonym(of: nationalID)
        return try store.write { tx in
            try authorize(caller, [.department, .officer], tx, action: "write records")
            let id = "r-" + Hex.encode(RandomBytes.generate(16))
            let schema = try schema(type, tx)
            let record = RecordRow(
                id: id, type: type, schemaVersion: schema.version, version: 1, citizen: citizen, createdAtMs: clock(), shredded: false)
            return try write(record, schema.validate(input), schema: schema, kind: LedgerEntry.Kind.recordCreated, tx: tx, caller: caller)
        }
    }

    /// Replaces a record's values with a new version. The old version is destroyed, not kept: new DEKs are made,
    /// the old field ciphertexts, DEKs and openings are deleted, and a `record.updated` entry carries the new
    /// commitments (the old ones stay on the ledger, hiding).
    public func updateRecord(id: String, input: [String: JSONValue], by caller: Caller) throws -> RecordReceipt {
        try store.write { tx in
            try authorize(caller, [.department, .officer], tx, action: "write records")
            guard var record = try tx.record(id: id) else { throw VaultError.recordNotFound(id) }
            guard !record.shredded else { throw VaultError.recordShredded(id) }
            let schema = try schema(record.type, tx)
            record.version += 1
            return try write(record, schema.validate(input), schema: schema, kind: LedgerEntry.Kind.recordUpdated, tx: tx, caller: caller)
        }
    }

    func schema(_ type: String, _ tx: any VaultReading) throws -> RecordSchema {
        guard let schema = try tx.schemas().first(where: { $0.type == type }) else { throw VaultError.unknownRecordType(type) }
        return schema
    }

    private func write(
        _ record: RecordRow, _ values: [String: FieldValue], schema: RecordSchema, kind: String, tx: any VaultWriting, caller: Caller
    ) throws -> RecordReceipt {
        let (tierStates, _) = try tierLevels(tx)
        var deks: [String: SecureBytes] = [:]
        var wrapped: [WrappedDataKey] = []
        var fields: [FieldRow] = []
        var openings: [OpeningRow] = []
        var attributes: [String: LedgerEntry.Value] = [
            "record": .string(record.id), "type": .string(record.type), "version": .u64(UInt64(record.version)),
            "citizen": .bytes(record.citizen.bytes),
        ]
        for field in schema.fields {
            guard let value = values[field.name] else { continue }
            guard let tier = tierStates[field.tier] else { throw VaultError.unknownTier(field.tier) }
            if deks[tier.name] == nil {
                let dek = SecureBytes.random(count: Envelope.keyByteCount)
                deks[tier.name] = dek
                wrapped.append(try WrappedDataKey.wrap(
                    dek, recordID: record.id, tier: tier.name, tierKey: try tierKey(tx, tier: tier, version: tier.currentVersion),
                    tierKeyVersion: tier.currentVersion))
            }
            let dek = deks[tier.name]!
            fields.append(FieldRow(
                recordID: record.id, field: field.name, tier: tier.name,
                ciphertext: try FieldCipher.seal(value, recordID: record.id, field: field.name, tier: tier.name, recordVersion: record.version, dek: dek)))
            if field.attestable {
                let (commitment, opening) = Commitment.commit(to: OpeningCipher.scalar(of: value, field: field.name))
                openings.append(OpeningRow(
                    recordID: record.id, field: field.name, tier: tier.name, commitment: commitment.bytes,
                    ciphertext: try OpeningCipher.seal(opening, recordID: record.id, field: field.name, tier: tier.name, recordVersion: record.version, dek: dek)))
                attributes["commitment." + field.name] = .bytes(commitment.bytes)
            }
        }
        attributes["ciphertext_hash"] = .bytes(SHA256.hash(parts: fields.map(\.ciphertext)))
        try tx.saveRecord(record)
        try tx.replaceFields(recordID: record.id, with: fields)
        try tx.replaceDataKeys(recordID: record.id, with: wrapped)
        try tx.replaceOpenings(recordID: record.id, with: openings)
        let receipt = try tx.appendLedger([try entry(kind, caller, attributes)], citizens: [record.citizen])
        return RecordReceipt(recordID: record.id, version: record.version, ledgerIndex: receipt.firstIndex)
    }

    /// Reads a record for `purpose` (a code). Fields above the caller's clearance are withheld; the read, with
    /// the fields read and withheld, is a `field.read` ledger entry. A caller who may read nothing is refused,
    /// and the refusal is logged too.
    public func readRecord(id: String, purpose: String, by caller: Caller) throws -> RecordView {
        try Self.checkPurpose(purpose)
        // A role that can never read records is refused before the record is touched: no ledger entry, so a token
        // holder cannot flood a citizen's log with refusals.
        guard Self.recordReaders.contains(caller.role) else { throw VaultError.forbidden("role \(caller.role.rawValue) may not read records") }
        let outcome: Result<RecordView, VaultError> = try store.write { tx in
            guard let record = try tx.record(id: id) else { return .failure(.recordNotFound(id)) }
            guard !record.shredded else { return .failure(.recordShredded(id)) }
            let (tierStates, _) = try tierLevels(tx)
            let rows = try tx.fields(recordID: id)
            try (tx as? AnchoredReader)?.checkFields(rows, of: record, schema: try schema(record.type, tx))
            var refusal: VaultError?
            do { try authorize(caller, Self.recordReaders, tx, action: "read records") } catch let error as VaultError { refusal = error }
            let allowed = refusal == nil
            let clearanceRank = try clearanceRank(caller, tierStates, tx)
            let keys = Dictionary(uniqueKeysWithValues: try tx.dataKeys(recordID: id).map { ($0.tier, $0) })
            var values: [String: FieldValue] = [:]
            var withheld: [String] = []
            for row in rows {
                // A field under a tier that does not exist is damage: withholding it would hide that from everyone.
                guard let tier = tierStates[row.tier] else { throw VaultError.corrupt("field \(row.field) of record \(id) names an unknown tier") }
                guard allowed, tier.rank <= clearanceRank else {
                    withheld.append(row.field)
                    continue
                }
                // A field the caller may read whose data key is gone is damage, not a clearance matter.
                guard let wrapped = keys[row.tier] else { throw VaultError.corrupt("data key of record \(id) tier \(row.tier) is missing") }
                let dek = try wrapped.unwrap(tierKey: try tierKey(tx, tier: tier, version: wrapped.tierKeyVersion))
                values[row.field] = try FieldCipher.open(
                    row.ciphertext, recordID: id, field: row.field, tier: row.tier, recordVersion: record.version, dek: dek)
            }
            var attributes: [String: LedgerEntry.Value] = [
                "record": .string(id), "citizen": .bytes(record.citizen.bytes), "purpose": .string(purpose),
                "fields": .string(values.keys.sorted().joined(separator: ",")),
            ]
            if !withheld.isEmpty { attributes["refused"] = .string(withheld.sorted().joined(separator: ",")) }
            let receipt = try tx.appendLedger([try entry(LedgerEntry.Kind.fieldRead, caller, attributes)], citizens: [record.citizen])
            if values.isEmpty && !withheld.isEmpty {
                return .failure(refusal ?? .insufficientClearance(field: withheld.sorted()[0], tier: "above \(caller.clearance ?? "none")"))
            }
            return .success(RecordView(
                recordID: id, type: record.type, version: record.version, fields: values, withheld: withheld.sorted(), ledgerIndex: receipt.firstIndex))
        }
        return try outcome.get()
    }

    /// The roles that may read record values (within their clearance).
    static let recordReaders: Set<Role> = [.department, .officer]

    /// The records of a citizen (metadata only; reading values goes through `readRecord`).
    public func records(ofCitizen nationalID: String, by caller: Caller) throws -> [RecordRow] {
        let citizen = try pseudonym(of: nationalID)
        return try store.read { tx in
            try authorize(caller, [.department, .officer, .auditor], tx, action: "list records")
            return try tx.records(citizen: citizen)
        }
    }

    /// Crypto-shreds a record (officers): its DEKs, field ciphertexts and openings are destroyed, a
    /// `record.shredded` entry is appended, and the ledger's old commitments stay (they are hiding).
    @discardableResult
    public func shred(id: String, by caller: Caller) throws -> UInt64 {
        try store.write { tx in
            try authorize(caller, [.officer], tx, action: "shred records")
            guard var record = try tx.record(id: id) else { throw VaultError.recordNotFound(id) }
            guard !record.shredded else { throw VaultError.recordShredded(id) }
            record.shredded = true
            try tx.saveRecord(record)
            try tx.replaceDataKeys(recordID: id, with: [])
            try tx.replaceFields(recordID: id, with: [])
            try tx.replaceOpenings(recordID: id, with: [])
            let receipt = try tx.appendLedger(
                [try entry(LedgerEntry.Kind.recordShredded, caller, ["record": .string(id), "citizen": .bytes(record.citizen.bytes)])],
                citizens: [record.citizen])
            return receipt.firstIndex
        }
    }
}
