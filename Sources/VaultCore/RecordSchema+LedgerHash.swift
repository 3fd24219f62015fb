import Foundation
import VaultCrypto

extension RecordSchema {
    /// SHA-256 of the schema's canonical JSON (sorted keys): the `schema_hash` of its `schema.registered` entry.
    public var ledgerHash: [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return SHA256.hash(Array((try? encoder.encode(self)) ?? Data()))
    }

    /// SHA-256 over the ciphertexts of `fields` in this schema's field order, without length prefixes: the
    /// `ciphertext_hash` of entries written before `ciphertext_order` (a later schema that reorders fields changes it).
    public func ciphertextHash(of fields: [FieldRow]) -> [UInt8] {
        let byName = Dictionary(fields.map { ($0.field, $0.ciphertext) }, uniquingKeysWith: { first, _ in first })
        return SHA256.hash(parts: self.fields.compactMap { byName[$0.name] })
    }

    /// SHA-256 over the ciphertexts of `fields` ordered by field name (bytewise UTF-8), without length prefixes: the
    /// `ciphertext_hash` of entries with `ciphertext_order` = `name`, which no schema change can reorder.
    public static func ciphertextHash(byName fields: [FieldRow]) -> [UInt8] {
        SHA256.hash(parts: fields.sorted { $0.field.utf8.lexicographicallyPrecedes($1.field.utf8) }.map(\.ciphertext))
    }
}
