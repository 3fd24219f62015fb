import CSodium

/// Cryptographically secure random bytes from libsodium's `randombytes_buf`.
public enum RandomBytes {
    /// `count` random bytes, for public values such as nonces and ids. Use `SecureBytes.random` for secrets.
    public static func generate(_ count: Int) -> [UInt8] {
        Sodium.ensureInitialized()
        var out = [UInt8](repeating: 0, count: count)
        if count > 0 { out.withUnsafeMutableBytes { randombytes_buf($0.baseAddress!, count) } }
        return out
    }
}
