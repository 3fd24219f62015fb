import VaultCrypto
import VaultProofs

/// A value a write keeps from the record's previous version (a field the caller did not name, or may not see):
/// decrypted inside the vault only to be sealed again for the new version. An attestable field keeps its opening,
/// so its commitment, and the `commitment.<field>` of the new ledger entry, stay the same.
struct KeptField {
    let value: FieldValue
    let commitment: [UInt8]?
    let opening: Opening?
}

extension Vault {
    /// Refuses a write naming a field the schema does not have (`unknownField`) or one above the caller's
    /// clearance `rank` (`writeAboveClearance`, naming the field and its tier, never a value); unknown names first,
    /// then in name order.
    func checkWriteClearance(
        _ names: some Sequence<String>, schema: RecordSchema, tiers: [String: TierState], rank: Int
    ) throws {
        let names = names.sorted()
        if let unknown = names.first(where: { schema.field(named: $0) == nil }) { throw VaultError.unknownField(unknown) }
        for field in names.compactMap(schema.field(named:)) {
            guard let tier = tiers[field.tier] else { throw VaultError.unknownTier(field.tier) }
            guard tier.rank <= rank else { throw VaultError.writeAboveClearance(field: field.name, tier: tier.name) }
        }
    }

    /// Refuses a write that would drop any of `rows` (stored values) above the caller's clearance `rank`.
    func checkKeepsAboveClearance(_ rows: [FieldRow], dropping dropped: Set<String>, tiers: [String: TierState], rank: Int) throws {
        for row in rows.sorted(by: { $0.field < $1.field }) where dropped.contains(row.field) {
            // A field under a tier that no longer exists counts as above everyone's clearance but an officer's.
            guard (tiers[row.tier]?.rank ?? Int.max) <= rank else { throw VaultError.writeAboveClearance(field: row.field, tier: row.tier) }
        }
    }

    /// The current values (and openings) of `record`'s fields `names`, decrypted with the record's DEKs for the
    /// record's current version. A field the caller may read or not: it never leaves the vault.
    func keptFields(of record: RecordRow, _ names: Set<String>, tiers: [String: TierState], tx: any VaultReading) throws -> [String: KeptField] {
        guard !names.isEmpty else { return [:] }
        let wrappedKeys = Dictionary(uniqueKeysWithValues: try tx.dataKeys(recordID: record.id).map { ($0.tier, $0) })
        var deks: [String: SecureBytes] = [:]
        func dek(_ tierName: String) throws -> SecureBytes {
            if let dek = deks[tierName] { return dek }
            guard let tier = tiers[tierName] else { throw VaultError.corrupt("field of record \(record.id) names an unknown tier") }
            guard let wrapped = wrappedKeys[tierName] else { throw VaultError.corrupt("data key of record \(record.id) tier \(tierName) is missing") }
            let dek = try wrapped.unwrap(tierKey: try tierKey(tx, tier: tier, version: wrapped.tierKeyVersion))
            deks[tierName] = dek
            return dek
        }
        var openings: [String: OpeningRow] = [:]
        for row in try tx.openings(recordID: record.id) where names.contains(row.field) { openings[row.field] = row }
        var kept: [String: KeptField] = [:]
        for row in try tx.fields(recordID: record.id) where names.contains(row.field) {
            let value = try FieldCipher.open(
                row.ciphertext, recordID: record.id, field: row.field, tier: row.tier, recordVersion: record.version, dek: try dek(row.tier))
            let opening = try openings[row.field].map {
                try OpeningCipher.open($0.ciphertext, recordID: record.id, field: $0.field, tier: $0.tier, recordVersion: record.version, dek: try dek($0.tier))
            }
            kept[row.field] = KeptField(value: value, commitment: openings[row.field]?.commitment, opening: opening)
        }
        return kept
    }
}
