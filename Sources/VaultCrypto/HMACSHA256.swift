import CSodium

/// HMAC-SHA-256 (RFC 2104 over SHA-256, libsodium `crypto_auth_hmacsha256`): the MAC of the node's authenticated
/// state and the keyed hash of bearer tokens. Chosen over keyed BLAKE2b where a browser must recompute it
/// (WebCrypto has HMAC-SHA-256 and no BLAKE2b).
public enum HMACSHA256 {
    /// Output length in bytes.
    public static let byteCount = 32

    /// HMAC-SHA-256 of `message` under `key` (any length; 32 bytes recommended).
    public static func mac(_ message: [UInt8], key: SecureBytes) -> [UInt8] {
        Sodium.ensureInitialized()
        var state = crypto_auth_hmacsha256_state()
        var out = [UInt8](repeating: 0, count: byteCount)
        key.withUnsafeBytes { k in
            _ = crypto_auth_hmacsha256_init(&state, k.bindMemory(to: UInt8.self).baseAddress!, k.count)
        }
        if !message.isEmpty {
            message.withUnsafeBufferPointer { m in _ = crypto_auth_hmacsha256_update(&state, m.baseAddress!, UInt64(m.count)) }
        }
        _ = crypto_auth_hmacsha256_final(&state, &out)
        withUnsafeMutableBytes(of: &state) { sodium_memzero($0.baseAddress, $0.count) }
        return out
    }

    /// True when `tag` is the MAC of `message` under `key`, compared in constant time.
    public static func verify(_ tag: [UInt8], _ message: [UInt8], key: SecureBytes) -> Bool {
        ConstantTime.equals(tag, mac(message, key: key))
    }

    /// A 32-byte subkey of `key` for one purpose: HMAC-SHA-256(key, "CivicVault/v1/" + purpose), so each use of a
    /// node secret (state MACs, token hashes, citizen trail keys) has a key of its own.
    public static func deriveKey(from key: SecureBytes, purpose: String) -> SecureBytes {
        secretMAC(Array(("CivicVault/v1/" + purpose).utf8), key: key)
    }

    /// HMAC-SHA-256 of `message` under `key` when the result is itself a key: returned as `SecureBytes`, the
    /// intermediate copy zeroed.
    public static func secretMAC(_ message: [UInt8], key: SecureBytes) -> SecureBytes {
        var bytes = mac(message, key: key)
        defer { sodium_memzero(&bytes, bytes.count) }
        return SecureBytes(copying: bytes)
    }
}
