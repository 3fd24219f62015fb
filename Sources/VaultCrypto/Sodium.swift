import CSodium

/// Initialises libsodium exactly once, thread-safely, before any other call into it.
///
/// Every public entry point of VaultCrypto calls `Sodium.ensureInitialized()`; `sodium_init` is itself
/// idempotent and thread-safe, and a failure stops the process, because no crypto can be trusted after it.
public enum Sodium {
    private static let initialized: Bool = {
        let rc = sodium_init()
        // 0 = initialised now, 1 = already initialised; -1 = failure.
        precondition(rc >= 0, "CivicVault: sodium_init() failed; libsodium cannot be used")
        return true
    }()

    /// Runs `sodium_init` on first use; later calls are free.
    @inline(__always)
    public static func ensureInitialized() {
        _ = initialized
    }

    /// The libsodium version string, e.g. "1.0.18".
    public static var version: String {
        ensureInitialized()
        return String(cString: sodium_version_string())
    }
}
