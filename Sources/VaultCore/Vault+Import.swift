import VaultCrypto
import VaultLedger

/// One record of a bulk import: an idempotency key, the citizen's national id and the field values (as JSON).
public struct RecordImport: Sendable, Equatable {
    /// The caller's name for this item (1-128 bytes of printable ASCII); the same key names the same record on
    /// every attempt, so a rerun of an interrupted import skips what was already written.
    public let key: String
    public let nationalID: String
    public let values: [String: JSONValue]

    public init(key: String, nationalID: String, values: [String: JSONValue]) {
        self.key = key
        self.nationalID = nationalID
        self.values = values
    }
}

/// What an import did with one item: created its record now, or found it already imported.
public struct ImportedRecord: Sendable, Equatable {
    public enum Status: String, Sendable { case created, existing }
    public let key: String
    /// For an `existing` record: its current version and the index of the entry that wrote that version.
    public let receipt: RecordReceipt
    public let status: Status
}

extension Vault {
    /// The most records one `importRecords` call (one transaction, one ledger append) takes.
    public static let maxImportBatch = 1000

    /// Writes a batch of new records of `type` in ONE write transaction with ONE ledger append (a `record.created`
    /// entry per record), all or nothing (departments and officers).
    ///
    /// Every item is checked before anything is written (its key, national id, schema and the caller's write
    /// clearance); the first bad one fails the whole batch with `importItemInvalid` naming its index and field.
    ///
    /// Idempotent: an item's record id is derived from its key (`importRecordID`), and an item whose record the
    /// verified ledger already has is not written again but answered `existing`. Whether a record exists is read
    /// through the anchored store, so a database writer who deletes a record row makes the rerun refuse
    /// (`stateTampered`) rather than import it twice.
    public func importRecords(type: String, _ items: [RecordImport], by caller: Caller) async throws -> [ImportedRecord] {
        guard items.count <= Self.maxImportBatch else { throw VaultError.importBatchTooLarge(count: items.count, limit: Self.maxImportBatch) }
        var firstOfKey: [String: Int] = [:]
        var ids: [String] = []
        var citizens: [Pseudonym] = []
        for (index, item) in items.enumerated() {
            guard Self.isImportKey(item.key) else {
                throw VaultError.importItemInvalid(index: index, field: "key", reason: "a key is 1-128 bytes of printable ASCII")
            }
            if let first = firstOfKey[item.key] {
                throw VaultError.importItemInvalid(index: index, field: "key", reason: "the same key as item \(first) of this batch")
            }
            firstOfKey[item.key] = index
            guard !item.nationalID.isEmpty, item.nationalID.utf8.count <= 64 else {
                throw VaultError.importItemInvalid(index: index, field: "national_id", reason: "a national id is 1-64 bytes")
            }
            ids.append(importRecordID(type: type, key: item.key))
            citizens.append(try pseudonym(of: item.nationalID))
        }
        return try await store.write { tx in
            try authorize(caller, [.department, .officer], tx, action: "write records")
            let schema = try schema(type, tx)
            let (tierStates, _) = try tierLevels(tx)
            let rank = try clearanceRank(caller, tierStates, tx)
            // Everything is checked first: nothing is sealed or stored for a batch that will fail.
            var plans: [ImportPlan] = []
            for (index, item) in items.enumerated() {
                if let existing = try tx.record(id: ids[index]) {
                    guard existing.type == type, existing.citizen == citizens[index] else {
                        throw VaultError.importItemInvalid(index: index, field: "key", reason: "this key was already imported for another citizen")
                    }
                    plans.append(.existing(existing))
                    continue
                }
                do {
                    try checkWriteClearance(item.values.keys, schema: schema, tiers: tierStates, rank: rank)
                    plans.append(.create(try schema.validate(item.values)))
                } catch let error as VaultError {
                    throw VaultError.importItemInvalid(index: index, field: error.fieldName ?? "values", reason: error.description)
                }
            }
            var entries: [LedgerEntry] = []
            var created: [Int: Int] = [:]
            for (index, plan) in plans.enumerated() {
                guard case let .create(values) = plan else { continue }
                let record = RecordRow(
                    id: ids[index], type: type, schemaVersion: schema.version, version: 1, citizen: citizens[index], createdAtMs: clock(), shredded: false)
                created[index] = entries.count
                entries.append(try stage(record, values, schema: schema, kind: LedgerEntry.Kind.recordCreated, tiers: tierStates, tx: tx, caller: caller))
            }
            let first = entries.isEmpty ? 0 : try tx.appendLedger(entries, citizens: created.keys.sorted().map { citizens[$0] }).firstIndex
            return try plans.enumerated().map { index, plan in
                switch plan {
                case .create:
                    return ImportedRecord(
                        key: items[index].key, receipt: RecordReceipt(recordID: ids[index], version: 1, ledgerIndex: first + UInt64(created[index]!)),
                        status: .created)
                case let .existing(existing):
                    guard let entryIndex = anchor.withState({ $0.records[existing.id]?.entryIndex }) else {
                        throw VaultError.stateTampered(table: "vault_record", key: existing.id)
                    }
                    return ImportedRecord(
                        key: items[index].key, receipt: RecordReceipt(recordID: existing.id, version: existing.version, ledgerIndex: entryIndex),
                        status: .existing)
                }
            }
        }
    }

    /// The record id an import item of `type` with idempotency `key` gets on this node: `r-` and the hex of the
    /// first 16 bytes of HMAC-SHA-256 under a key derived from the node's fixed derivation root (not the rotatable KEK, so ids survive a KEK rotation) (purpose `import-id`) over
    /// `type` 0x00 `key`. It has the shape of a random record id and, being keyed, says nothing about the key (which
    /// for the CLI hashes the line's bytes) to whoever lacks the node's keys.
    public func importRecordID(type: String, key: String) -> String {
        let macKey = HMACSHA256.deriveKey(from: keys.derivationRoot, purpose: "import-id")
        return "r-" + Hex.encode(Array(HMACSHA256.mac(Array(type.utf8) + [0x00] + Array(key.utf8), key: macKey).prefix(16)))
    }

    /// Import keys are 1-128 bytes of printable ASCII (0x21-0x7e).
    public static func isImportKey(_ key: String) -> Bool {
        let bytes = Array(key.utf8)
        return (1...128).contains(bytes.count) && bytes.allSatisfy { (0x21...0x7E).contains($0) }
    }
}

/// What a batch does with one item, decided before anything is written.
private enum ImportPlan {
    case create([String: FieldValue])
    case existing(RecordRow)
}

extension VaultError {
    /// The field a record-validation error names, if it names one.
    var fieldName: String? {
        switch self {
        case let .unknownField(name), let .missingField(name): return name
        case let .wrongType(field, _), let .notAllowedValue(field), let .valueOutOfRange(field): return field
        case let .writeAboveClearance(field, _), let .insufficientClearance(field, _): return field
        default: return nil
        }
    }
}

extension JSONValue {
    /// The value of strictly parsed JSON: a number written as an integer (within Int64) is `integer`, any other
    /// number `number`, so `1.0` is never taken for the integer 1.
    public init(_ strict: StrictJSON) {
        switch strict {
        case .null: self = .null
        case let .bool(b): self = .bool(b)
        case let .number(text):
            if let i: Int64 = try? strict.integer("value") {
                self = .integer(i)
            } else {
                self = .number(Double(text) ?? .nan)
            }
        case let .string(s): self = .string(s)
        case let .array(items): self = .array(items.map(JSONValue.init))
        case let .object(members): self = .object(Dictionary(members.map { ($0.name, JSONValue($0.value)) }, uniquingKeysWith: { a, _ in a }))
        }
    }
}
