import VaultCrypto
import VaultProofs

/// Turns attestable field values into the scalars their commitments hide, and stores openings (v, r) encrypted
/// under the record's tier DEK: AAD = "CivicVault/v1/opening" || record id || field || tier || record version.
public enum OpeningCipher {
    /// The committed scalar of a field value (VaultProofs' AttributeEncoding; enums and strings are bound to the field name).
    public static func scalar(of value: FieldValue, field: String) -> Scalar {
        switch value {
        case let .integer(i): return AttributeEncoding.signedInteger(i)
        case let .date(days): return AttributeEncoding.signedInteger(days)
        case let .enumeration(s): return AttributeEncoding.enumeration(s, type: field)
        case let .string(s): return AttributeEncoding.string(s, field: field)
        }
    }

    /// Envelope of `value (32) || blinding (32)`.
    public static func seal(_ opening: Opening, recordID: String, field: String, tier: String, recordVersion: Int, dek: SecureBytes) throws -> [UInt8] {
        let secret = SecureBytes(count: 64) { out in
            opening.value.bytes.withUnsafeBytes { out.baseAddress!.copyMemory(from: $0.baseAddress!, byteCount: 32) }
            opening.blinding.bytes.withUnsafeBytes { out.baseAddress!.advanced(by: 32).copyMemory(from: $0.baseAddress!, byteCount: 32) }
        }
        return try Envelope.seal(secret, key: dek, associatedData: aad(recordID, field, tier, recordVersion))
    }

    /// The opening in an envelope, or `corrupt` naming the record and field.
    public static func open(_ envelope: [UInt8], recordID: String, field: String, tier: String, recordVersion: Int, dek: SecureBytes) throws -> Opening {
        do {
            let secret = try Envelope.open(envelope, key: dek, associatedData: aad(recordID, field, tier, recordVersion))
            let bytes = secret.unsafeCopy()
            guard bytes.count == 64 else { throw VaultError.corrupt("opening length") }
            return Opening(value: try Scalar(canonical: Array(bytes[0..<32])), blinding: try Scalar(canonical: Array(bytes[32..<64])))
        } catch {
            throw VaultError.corrupt("opening of field \(field) of record \(recordID) does not decrypt")
        }
    }

    static func aad(_ recordID: String, _ field: String, _ tier: String, _ version: Int) -> [UInt8] {
        AssociatedData.make(VaultLabels.opening, [recordID, field, tier, String(version)])
    }
}
