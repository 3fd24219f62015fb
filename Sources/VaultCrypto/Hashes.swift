import CSodium

/// SHA-256 (libsodium `crypto_hash_sha256`). Used for RFC 6962 leaf and node hashes and key ids.
public enum SHA256 {
    /// Digest length in bytes.
    public static let byteCount = 32

    /// SHA-256 of the concatenation of `parts`, without building the concatenation.
    public static func hash(_ parts: [UInt8]...) -> [UInt8] { hash(parts: parts) }

    /// SHA-256 of the concatenation of `parts`.
    public static func hash(parts: [[UInt8]]) -> [UInt8] {
        Sodium.ensureInitialized()
        var state = crypto_hash_sha256_state()
        crypto_hash_sha256_init(&state)
        for part in parts {
            _ = part.withUnsafeBufferPointer { crypto_hash_sha256_update(&state, $0.baseAddress, UInt64($0.count)) }
        }
        var out = [UInt8](repeating: 0, count: byteCount)
        crypto_hash_sha256_final(&state, &out)
        return out
    }
}

/// SHA-512 (libsodium `crypto_hash_sha512`). Used where a 64-byte hash is reduced to a scalar or point.
public enum SHA512 {
    /// Digest length in bytes.
    public static let byteCount = 64

    /// SHA-512 of the concatenation of `parts`.
    public static func hash(_ parts: [UInt8]...) -> [UInt8] { hash(parts: parts) }

    /// SHA-512 of the concatenation of `parts`.
    public static func hash(parts: [[UInt8]]) -> [UInt8] {
        Sodium.ensureInitialized()
        var state = crypto_hash_sha512_state()
        crypto_hash_sha512_init(&state)
        for part in parts {
            _ = part.withUnsafeBufferPointer { crypto_hash_sha512_update(&state, $0.baseAddress, UInt64($0.count)) }
        }
        var out = [UInt8](repeating: 0, count: byteCount)
        crypto_hash_sha512_final(&state, &out)
        return out
    }
}

/// BLAKE2b (libsodium `crypto_generichash`), keyed or unkeyed, with an output of 16 to 64 bytes.
public enum BLAKE2b {
    /// Default output length in bytes.
    public static let defaultLength = 32

    /// Unkeyed BLAKE2b of `message` with `length` output bytes (16...64).
    public static func hash(_ message: [UInt8], length: Int = defaultLength) throws -> [UInt8] {
        try compute(message, key: nil, length: length)
    }

    /// Keyed BLAKE2b (a MAC / PRF) of `message` under `key` (16...64 bytes).
    public static func hash(_ message: [UInt8], key: SecureBytes, length: Int = defaultLength) throws -> [UInt8] {
        try key.withUnsafeBytes { keyBytes in
            try compute(message, key: keyBytes, length: length)
        }
    }

    private static func compute(_ message: [UInt8], key: UnsafeRawBufferPointer?, length: Int) throws -> [UInt8] {
        Sodium.ensureInitialized()
        guard length >= Int(crypto_generichash_BYTES_MIN), length <= Int(crypto_generichash_BYTES_MAX) else {
            throw CryptoError.invalidLength(what: "BLAKE2b output", expected: defaultLength, actual: length)
        }
        if let key, key.count < Int(crypto_generichash_KEYBYTES_MIN) || key.count > Int(crypto_generichash_KEYBYTES_MAX) {
            throw CryptoError.invalidLength(what: "BLAKE2b key", expected: 32, actual: key.count)
        }
        var out = [UInt8](repeating: 0, count: length)
        let rc = message.withUnsafeBufferPointer { msg in
            crypto_generichash(
                &out, length, msg.baseAddress, UInt64(msg.count),
                key?.baseAddress?.assumingMemoryBound(to: UInt8.self), key?.count ?? 0)
        }
        guard rc == 0 else { throw CryptoError.sodiumFailure(function: "crypto_generichash") }
        return out
    }
}
