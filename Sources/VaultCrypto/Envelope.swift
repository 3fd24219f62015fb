/// An authenticated-encryption envelope: XChaCha20-Poly1305-IETF with a random 24-byte nonce.
///
/// Bytes: `version (1) || nonce (24) || ciphertext || tag (16)`. The AEAD associated data is
/// `"CivicVault/v1/envelope" || version || caller AAD`, so altering the header, nonce, ciphertext, tag or
/// the caller's associated data makes `open` throw `CryptoError.authenticationFailed`; it never returns bytes.
public enum Envelope {
    /// Key length in bytes.
    public static let keyByteCount = XChaCha20Poly1305.keyByteCount
    /// Nonce length in bytes.
    public static let nonceByteCount = XChaCha20Poly1305.nonceByteCount
    /// Bytes added to the plaintext: version, nonce and tag.
    public static let overhead = 1 + nonceByteCount + XChaCha20Poly1305.tagByteCount

    /// Encrypts `plaintext` under `key`, binding `associatedData`, with a fresh random nonce.
    public static func seal(_ plaintext: [UInt8], key: SecureBytes, associatedData: [UInt8]) throws -> [UInt8] {
        try seal(plaintext, key: key, associatedData: associatedData, nonce: RandomBytes.generate(nonceByteCount))
    }

    /// Encrypts `plaintext` from secure memory with a fresh random nonce; the plaintext is not copied out.
    public static func seal(_ plaintext: SecureBytes, key: SecureBytes, associatedData: [UInt8]) throws -> [UInt8] {
        let nonce = RandomBytes.generate(nonceByteCount)
        let body = try plaintext.withUnsafeBytes {
            try XChaCha20Poly1305.encrypt($0, key: key, nonce: nonce, associatedData: aad(associatedData))
        }
        return [CryptoLabels.envelopeVersion] + nonce + body
    }

    /// Encrypts with a caller-chosen nonce. Only for test vectors: reusing a nonce under one key breaks secrecy.
    public static func seal(
        _ plaintext: [UInt8], key: SecureBytes, associatedData: [UInt8], nonce: [UInt8]
    ) throws -> [UInt8] {
        let body = try XChaCha20Poly1305.encrypt(plaintext, key: key, nonce: nonce, associatedData: aad(associatedData))
        return [CryptoLabels.envelopeVersion] + nonce + body
    }

    /// Authenticates and decrypts `envelope` into secure memory.
    public static func open(_ envelope: [UInt8], key: SecureBytes, associatedData: [UInt8]) throws -> SecureBytes {
        guard envelope.count >= overhead else {
            throw CryptoError.invalidLength(what: "envelope", expected: overhead, actual: envelope.count)
        }
        guard envelope[0] == CryptoLabels.envelopeVersion else {
            throw CryptoError.unknownVersion(what: "envelope", version: envelope[0])
        }
        let nonce = Array(envelope[1..<(1 + nonceByteCount)])
        return try XChaCha20Poly1305.decrypt(
            envelope[(1 + nonceByteCount)...], key: key, nonce: nonce, associatedData: aad(associatedData))
    }

    private static func aad(_ caller: [UInt8]) -> [UInt8] {
        CryptoLabels.envelope + [CryptoLabels.envelopeVersion] + caller
    }
}
