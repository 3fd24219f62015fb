import VaultCrypto

/// Encrypts and decrypts one field value under its record's tier DEK.
///
/// AAD = "CivicVault/v1/field" || record id || field name || tier || record version (each length-prefixed), so a
/// ciphertext copied to another record, field, tier or version fails to decrypt. The DEK's wrapping version is not
/// in the AAD: rotation rewraps DEKs without touching field ciphertexts.
public enum FieldCipher {
    /// The envelope of `value`.
    public static func seal(
        _ value: FieldValue, recordID: String, field: String, tier: String, recordVersion: Int, dek: SecureBytes
    ) throws -> [UInt8] {
        let plaintext = SecureBytes(copying: value.canonicalBytes)
        return try Envelope.seal(plaintext, key: dek, associatedData: aad(recordID, field, tier, recordVersion))
    }

    /// The value of an envelope, or `corrupt` naming the record and field (never the content).
    public static func open(
        _ envelope: [UInt8], recordID: String, field: String, tier: String, recordVersion: Int, dek: SecureBytes
    ) throws -> FieldValue {
        let plaintext: SecureBytes
        do {
            plaintext = try Envelope.open(envelope, key: dek, associatedData: aad(recordID, field, tier, recordVersion))
        } catch {
            throw VaultError.corrupt("field \(field) of record \(recordID) does not decrypt")
        }
        return try FieldValue(canonical: plaintext.unsafeCopy())
    }

    static func aad(_ recordID: String, _ field: String, _ tier: String, _ version: Int) -> [UInt8] {
        AssociatedData.make(VaultLabels.field, [recordID, field, tier, String(version)])
    }
}
