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
    /// (pseudonym, commitments, ciphertext hash, never values) commits in the same transaction. A field above the
    /// caller's clearance is refused (`writeAboveClearance`).
    public func createRecord(type: String, nationalID: String, input: [String: JSONValue], by caller: Caller) async throws -> RecordReceipt {
        let citizen = try pseudonym(of: nationalID)
        return try await store.write { tx in
            try authorize(caller, [.department, .officer], tx, action: "write records")
            return try insertRecord(type: type, citizen: citizen, input: input, tx: tx, caller: caller)
        }
    }

    /// `createRecord`'s work inside a write transaction whose caller is already authorized.
    func insertRecord(type: String, citizen: Pseudonym, input: [String: JSONValue], tx: any VaultWriting, caller: Caller) throws -> RecordReceipt {
        let id = "r-" + Hex.encode(RandomBytes.generate(16))
        let schema = try schema(type, tx)
        let (tierStates, _) = try tierLevels(tx)
        try checkWriteClearance(input.keys, schema: schema, tiers: tierStates, rank: try clearanceRank(caller, tierStates, tx))
        let record = RecordRow(
            id: id, type: type, schemaVersion: schema.version, version: 1, citizen: citizen, createdAtMs: clock(), shredded: false)
        return try write(record, schema.validate(input), schema: schema, kind: LedgerEntry.Kind.recordCreated, tx: tx, caller: caller)
    }

    /// Replaces a record's values with a new version (a full replace: fields not in `input` are dropped). The old
    /// version is destroyed, not kept: new DEKs are made, the old field ciphertexts, DEKs and openings are deleted,
    /// and a `record.updated` entry carries the new commitments (the old ones stay on the ledger, hiding).
    ///
    /// A caller may replace only a record whose every value is at or below its clearance: naming a field above it,
    /// or dropping a value above it, is refused (`writeAboveClearance`), even when the value given would be the
    /// same (comparing would let a caller guess values it cannot read). `patchRecord` changes only named fields.
    public func updateRecord(id: String, input: [String: JSONValue], by caller: Caller) async throws -> RecordReceipt {
        try await store.write { tx in
            var (record, schema, tierStates, rank, current) = try writable(id, by: caller, tx)
            try checkWriteClearance(input.keys, schema: schema, tiers: tierStates, rank: rank)
            try checkNotRegisteredTitle(id, changing: Set(schema.fields.filter { $0.tier == Tier.publicName }.map(\.name)), schema: schema)
            try checkKeepsAboveClearance(current, dropping: Set(current.map(\.field)), tiers: tierStates, rank: rank)
            let values = try schema.validate(input)
            record.version += 1
            return try write(record, values, schema: schema, kind: LedgerEntry.Kind.recordUpdated, tx: tx, caller: caller)
        }
    }

    /// Changes only the fields `changes` names (`null` removes an optional one) in a new version of the record;
    /// every other field keeps its value, re-encrypted for the new version under the new DEKs, and an attestable
    /// kept field keeps its commitment and opening. A named field above the caller's clearance is refused
    /// (`writeAboveClearance`); fields above it that are not named are kept, never shown to the caller, and the
    /// `record.updated` entry holds no values.
    public func patchRecord(id: String, changes: [String: JSONValue], by caller: Caller) async throws -> RecordReceipt {
        try await store.write { tx in
            var (record, schema, tierStates, rank, current) = try writable(id, by: caller, tx)
            try checkWriteClearance(changes.keys, schema: schema, tiers: tierStates, rank: rank)
            try checkNotRegisteredTitle(id, changing: Set(changes.keys), schema: schema)
            // Unnamed values are kept, except those of fields a newer schema no longer has (only a caller cleared for them drops them).
            let unnamed = current.filter { changes[$0.field] == nil }
            let gone = Set(unnamed.filter { schema.field(named: $0.field) == nil }.map(\.field))
            try checkKeepsAboveClearance(current, dropping: gone, tiers: tierStates, rank: rank)
            let kept = try keptFields(of: record, Set(unnamed.map(\.field)).subtracting(gone), tiers: tierStates, tx: tx)
            let values = try schema.validatePatch(changes, keeping: Set(kept.keys))
            record.version += 1
            return try write(record, values, kept: kept, schema: schema, kind: LedgerEntry.Kind.recordUpdated, tx: tx, caller: caller)
        }
    }

    /// What a write to record `id` starts from: the caller authorized, the live record, its schema, the tiers, the
    /// caller's clearance rank, and its current field rows (checked against the ledger's ciphertext hash, so a
    /// damaged or rolled-back version is refused rather than carried into a new, authentic-looking one).
    func writable(_ id: String, by caller: Caller, _ tx: any VaultWriting) throws
        -> (record: RecordRow, schema: RecordSchema, tiers: [String: TierState], rank: Int, fields: [FieldRow]) {
        try authorize(caller, [.department, .officer], tx, action: "write records")
        guard let record = try tx.record(id: id) else { throw VaultError.recordNotFound(id) }
        guard !record.shredded else { throw VaultError.recordShredded(id) }
        let schema = try schema(record.type, tx)
        let (tierStates, _) = try tierLevels(tx)
        let fields = try tx.fields(recordID: id)
        try (tx as? AnchoredReader)?.checkFields(fields, of: record, schema: schema)
        return (record, schema, tierStates, try clearanceRank(caller, tierStates, tx), fields)
    }

    func schema(_ type: String, _ tx: any VaultReading) throws -> RecordSchema {
        guard let schema = try tx.schemas().first(where: { $0.type == type }) else { throw VaultError.unknownRecordType(type) }
        return schema
    }

    /// Seals `values` and the `kept` values (re-encrypted, keeping their commitments) as `record`'s version.
    private func write(
        _ record: RecordRow, _ values: [String: FieldValue], kept: [String: KeptField] = [:], schema: RecordSchema, kind: String,
        tx: any VaultWriting, caller: Caller
    ) throws -> RecordReceipt {
        let entry = try stage(record, values, kept: kept, schema: schema, kind: kind, tiers: try tierLevels(tx).levels, tx: tx, caller: caller)
        let receipt = try tx.appendLedger([entry], citizens: [record.citizen])
        return RecordReceipt(recordID: record.id, version: record.version, ledgerIndex: receipt.firstIndex)
    }

    /// `write`'s work short of the ledger: stores `record`'s rows sealed and returns its entry, for the caller to
    /// append (alone, or with the other records of a batch in one append).
    func stage(
        _ record: RecordRow, _ values: [String: FieldValue], kept: [String: KeptField] = [:], schema: RecordSchema, kind: String,
        tiers tierStates: [String: TierState], tx: any VaultWriting, caller: Caller
    ) throws -> LedgerEntry {
        var deks: [String: SecureBytes] = [:]
        var wrapped: [WrappedDataKey] = []
        var fields: [FieldRow] = []
        var openings: [OpeningRow] = []
        var attributes: [String: LedgerEntry.Value] = [
            "record": .string(record.id), "type": .string(record.type), "version": .u64(UInt64(record.version)),
            "citizen": .bytes(record.citizen.bytes),
        ]
        for field in schema.fields {
            let keep = values[field.name] == nil ? kept[field.name] : nil
            guard let value = values[field.name] ?? keep?.value else { continue }
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
                let commitment: [UInt8], opening: Opening
                if let keep, let keptCommitment = keep.commitment, let keptOpening = keep.opening {
                    (commitment, opening) = (keptCommitment, keptOpening)
                } else {
                    let made = Commitment.commit(to: OpeningCipher.scalar(of: value, field: field.name))
                    (commitment, opening) = (made.commitment.bytes, made.opening)
                }
                openings.append(OpeningRow(
                    recordID: record.id, field: field.name, tier: tier.name, commitment: commitment,
                    ciphertext: try OpeningCipher.seal(opening, recordID: record.id, field: field.name, tier: tier.name, recordVersion: record.version, dek: dek)))
                attributes["commitment." + field.name] = .bytes(commitment)
            }
        }
        attributes["ciphertext_hash"] = .bytes(RecordSchema.ciphertextHash(byName: fields))
        attributes["ciphertext_order"] = .string("name")
        try tx.saveRecord(record)
        try tx.replaceFields(recordID: record.id, with: fields)
        try tx.replaceDataKeys(recordID: record.id, with: wrapped)
        try tx.replaceOpenings(recordID: record.id, with: openings)
        return try entry(kind, caller, attributes)
    }

    /// Reads a record for `purpose` (a code). Fields above the caller's clearance are withheld; the read, with
    /// the fields read and withheld, is a `field.read` ledger entry. A caller who may read nothing is refused,
    /// and the refusal is logged too.
    public func readRecord(id: String, purpose: String, by caller: Caller) async throws -> RecordView {
        try Self.checkPurpose(purpose)
        // A role that can never read records is refused before the record is touched: no ledger entry, so a token
        // holder cannot flood a citizen's log with refusals.
        guard Self.recordReaders.contains(caller.role) else { throw VaultError.forbidden("role \(caller.role.rawValue) may not read records") }
        let outcome: Result<RecordView, VaultError> = try await store.write { tx in
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
    public func records(ofCitizen nationalID: String, by caller: Caller) async throws -> [RecordRow] {
        let citizen = try pseudonym(of: nationalID)
        return try await store.read { tx in
            try authorize(caller, [.department, .officer, .auditor], tx, action: "list records")
            return try tx.records(citizen: citizen)
        }
    }

    /// Crypto-shreds a record (officers): its DEKs, field ciphertexts and openings are destroyed, a
    /// `record.shredded` entry is appended, and the ledger's old commitments stay (they are hiding).
    @discardableResult
    public func shred(id: String, by caller: Caller) async throws -> UInt64 {
        try await store.write { tx in
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
