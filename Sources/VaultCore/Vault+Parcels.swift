import Foundation
import VaultCrypto
import VaultLedger

/// What registering a parcel returned: its title record and the ledger index of its `parcel.registered` entry.
public struct ParcelReceipt: Sendable, Equatable {
    public let parcel: String
    public let recordID: String
    public let ledgerIndex: UInt64
}

extension Vault {
    /// The record type of land titles (scenarios/land-registry/schemas/title.json).
    public static let titleType = "title"

    /// Registers a parcel's title for its owner (departments and officers): a `title` record of the citizen
    /// `ownerNationalID` whose `owner_ref` is that national id (set here, never taken from input), and a
    /// `parcel.registered` entry naming the parcel, the record and the hash of its public-tier fields, in one
    /// transaction. A parcel is registered once (`parcelExists`).
    public func registerParcel(ownerNationalID: String, values: [String: JSONValue], by caller: Caller) async throws -> ParcelReceipt {
        let owner = try pseudonym(of: ownerNationalID)
        return try await store.write { tx in
            try authorize(caller, [.department, .officer], tx, action: "register parcels")
            guard case let .string(parcel)? = values["parcel_id"], LedgerEntry.isValidIdentifier(parcel) else {
                throw VaultError.wrongType(field: "parcel_id", expected: "a parcel code of 1-64 characters of a-z 0-9 . _ -")
            }
            if let given = values["owner_ref"], given != .string(ownerNationalID) {
                throw VaultError.forbidden("owner_ref is the owner's national id; leave it out")
            }
            guard anchor.withState({ $0.parcels[parcel] }) == nil else { throw VaultError.parcelExists(parcel) }
            var input = values
            input["owner_ref"] = .string(ownerNationalID)
            let receipt = try insertRecord(type: Self.titleType, citizen: owner, input: input, tx: tx, caller: caller)
            let schema = try schema(Self.titleType, tx)
            let publicFields = try schema.validate(input).filter { schema.field(named: $0.key)?.tier == Tier.publicName }.mapValues(\.json)
            let entry = try entry(LedgerEntry.Kind.parcelRegistered, caller, [
                "parcel": .string(parcel), "record": .string(receipt.recordID), "public_hash": .bytes(ParcelHistory.publicHash(publicFields)),
            ])
            let appended = try tx.appendLedger([entry], citizens: [nil])
            return ParcelReceipt(parcel: parcel, recordID: receipt.recordID, ledgerIndex: appended.firstIndex)
        }
    }

    /// Refuses a write that would change a public-tier field of a registered parcel's current title (its public
    /// fields are hashed into the parcel's history: they change only by a transfer). A full replace (PUT) names
    /// every field, so it is refused on such titles; PATCH the other fields.
    func checkNotRegisteredTitle(_ recordID: String, changing names: Set<String>, schema: RecordSchema) throws {
        let publicNames = Set(schema.fields.filter { $0.tier == Tier.publicName }.map(\.name))
        guard !names.isDisjoint(with: publicNames), anchor.withState({ $0.parcels.values.contains { $0.record == recordID } }) else { return }
        throw VaultError.forbidden("the public fields of a registered parcel's title change only by a transfer; patch the others")
    }

    /// A parcel's public history, for anyone without a token: the public-tier fields of its current title (never
    /// the owner), the entries of its history (registration, transfers, and the title record's latest entry) with
    /// inclusion proofs, and the signed checkpoint they are proven against. Nothing is logged: the answer says
    /// nothing about the owner.
    public func publicParcel(_ parcel: String) async throws -> ParcelHistory {
        try await store.read { tx in
            guard let anchored = anchor.withState({ $0.parcels[parcel] }) else { throw VaultError.parcelNotFound(parcel) }
            guard let record = try tx.record(id: anchored.record) else { throw VaultError.parcelNotFound(parcel) }
            let schema = try schema(record.type, tx)
            let (tiers, _) = try tierLevels(tx)
            var fields: [String: JSONValue] = [:]
            if !record.shredded {
                let rows = try tx.fields(recordID: record.id)
                try (tx as? AnchoredReader)?.checkFields(rows, of: record, schema: schema)
                let keys = Dictionary(uniqueKeysWithValues: try tx.dataKeys(recordID: record.id).map { ($0.tier, $0) })
                for row in rows where row.tier == Tier.publicName {
                    guard let tier = tiers[row.tier], let wrapped = keys[row.tier] else { throw VaultError.corrupt("public data key of record \(record.id)") }
                    let dek = try wrapped.unwrap(tierKey: try tierKey(tx, tier: tier, version: wrapped.tierKeyVersion))
                    fields[row.field] = try FieldCipher.open(
                        row.ciphertext, recordID: record.id, field: row.field, tier: row.tier, recordVersion: record.version, dek: dek).json
                }
            }
            guard let note = try tx.ledgerCheckpoint() else { throw VaultError.parcelNotFound(parcel) }
            let checkpoint = try Checkpoint.open(note, keys: [anchor.verifierKey], origin: anchor.origin).0
            let recordEntry = anchor.withState { $0.records[record.id]?.entryIndex }
            let indices = Set(anchored.entries + (recordEntry.map { [$0] } ?? [])).sorted()
            let entries = try indices.map { index in
                let proof = try tx.inclusionProof(index: index, treeSize: checkpoint.treeSize)
                return ParcelHistory.Entry(
                    index: index, entry: Base64.encode(try tx.ledgerEntryBytes(at: index)), proof: proof.hashes.map { Base64.encode($0) })
            }
            return ParcelHistory(parcel: parcel, record: record.id, fields: fields, checkpoint: note, entries: entries)
        }
    }
}
