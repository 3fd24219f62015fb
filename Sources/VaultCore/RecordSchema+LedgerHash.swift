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

    /// SHA-256 over every field row ordered by field name (bytewise UTF-8), each as `u32(len) || name || u32(len) ||
    /// tier || u32(len) || ciphertext` (lengths big-endian): the `ciphertext_hash` of entries with `ciphertext_order`
    /// = `name`. No schema change can reorder it, and a row moved to another field or tier, or two rows run together,
    /// changes it.
    public static func ciphertextHash(byName fields: [FieldRow]) -> [UInt8] {
        func framed(_ bytes: [UInt8]) -> [UInt8] {
            let n = UInt32(bytes.count)
            return [UInt8(n >> 24), UInt8((n >> 16) & 0xff), UInt8((n >> 8) & 0xff), UInt8(n & 0xff)] + bytes
        }
        return SHA256.hash(parts: fields.sorted { $0.field.utf8.lexicographicallyPrecedes($1.field.utf8) }.map {
            framed(Array($0.field.utf8)) + framed(Array($0.tier.utf8)) + framed($0.ciphertext)
        })
    }
}
