import CSodium

/// The raw XChaCha20-Poly1305-IETF AEAD primitive (libsodium `crypto_aead_xchacha20poly1305_ietf_*`).
///
/// Prefer `Envelope`, which picks the nonce and versions the bytes; this type exists for the envelope and
/// for known-answer tests against draft-irtf-cfrg-xchacha.
public enum XChaCha20Poly1305 {
    /// Key length in bytes.
    public static let keyByteCount = Int(crypto_aead_xchacha20poly1305_ietf_KEYBYTES)
    /// Nonce length in bytes.
    public static let nonceByteCount = Int(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES)
    /// Tag length in bytes.
    public static let tagByteCount = Int(crypto_aead_xchacha20poly1305_ietf_ABYTES)

    /// Returns `ciphertext || tag` of `plaintext` under `key` and `nonce`, binding `associatedData`.
    public static func encrypt(
        _ plaintext: UnsafeRawBufferPointer, key: SecureBytes, nonce: [UInt8], associatedData: [UInt8]
    ) throws -> [UInt8] {
        Sodium.ensureInitialized()
        try check(key: key, nonce: nonce)
        var out = [UInt8](repeating: 0, count: plaintext.count + tagByteCount)
        var written: UInt64 = 0
        let rc = key.withUnsafeBytes { k in
            crypto_aead_xchacha20poly1305_ietf_encrypt(
                &out, &written,
                plaintext.baseAddress?.assumingMemoryBound(to: UInt8.self), UInt64(plaintext.count),
                associatedData, UInt64(associatedData.count), nil, nonce,
                k.baseAddress!.assumingMemoryBound(to: UInt8.self))
        }
        guard rc == 0 else { throw CryptoError.sodiumFailure(function: "crypto_aead_xchacha20poly1305_ietf_encrypt") }
        return out
    }

    /// Convenience for public or test plaintexts held in an array.
    public static func encrypt(
        _ plaintext: [UInt8], key: SecureBytes, nonce: [UInt8], associatedData: [UInt8]
    ) throws -> [UInt8] {
        try plaintext.withUnsafeBytes { try encrypt($0, key: key, nonce: nonce, associatedData: associatedData) }
    }

    /// Authenticates and decrypts `ciphertextAndTag` into secure memory, or throws `authenticationFailed`.
    public static func decrypt(
        _ ciphertextAndTag: ArraySlice<UInt8>, key: SecureBytes, nonce: [UInt8], associatedData: [UInt8]
    ) throws -> SecureBytes {
        Sodium.ensureInitialized()
        try check(key: key, nonce: nonce)
        guard ciphertextAndTag.count >= tagByteCount else {
            throw CryptoError.invalidLength(what: "ciphertext", expected: tagByteCount, actual: ciphertextAndTag.count)
        }
        return try SecureBytes(count: ciphertextAndTag.count - tagByteCount) { out in
            var written: UInt64 = 0
            let rc = ciphertextAndTag.withUnsafeBufferPointer { ct in
                key.withUnsafeBytes { k in
                    crypto_aead_xchacha20poly1305_ietf_decrypt(
                        out.baseAddress?.assumingMemoryBound(to: UInt8.self), &written, nil,
                        ct.baseAddress!, UInt64(ct.count), associatedData, UInt64(associatedData.count), nonce,
                        k.baseAddress!.assumingMemoryBound(to: UInt8.self))
                }
            }
            guard rc == 0 else { throw CryptoError.authenticationFailed }
        }
    }

    private static func check(key: SecureBytes, nonce: [UInt8]) throws {
        guard key.count == keyByteCount else {
            throw CryptoError.invalidLength(what: "AEAD key", expected: keyByteCount, actual: key.count)
        }
        guard nonce.count == nonceByteCount else {
            throw CryptoError.invalidLength(what: "AEAD nonce", expected: nonceByteCount, actual: nonce.count)
        }
    }
}
