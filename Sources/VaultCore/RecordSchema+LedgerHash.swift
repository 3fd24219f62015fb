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
    /// `ciphertext_hash` of a record version's entry.
    public func ciphertextHash(of fields: [FieldRow]) -> [UInt8] {
        let byName = Dictionary(fields.map { ($0.field, $0.ciphertext) }, uniquingKeysWith: { first, _ in first })
        return SHA256.hash(parts: self.fields.compactMap { byName[$0.name] })
    }
}
