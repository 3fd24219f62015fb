import VaultCrypto

/// One version of a tier's key, as stored: the 32-byte tier key sealed under the master KEK.
public struct WrappedTierKey: Sendable, Equatable {
    /// The tier it belongs to.
    public let tier: String
    /// Its version (1, 2, ...).
    public let version: Int
    /// Envelope of the key under the KEK, AAD = label || tier || version.
    public let wrapped: [UInt8]

    /// A stored tier key version.
    public init(tier: String, version: Int, wrapped: [UInt8]) {
        self.tier = tier
        self.version = version
        self.wrapped = wrapped
    }
}

/// Creates and opens tier keys under the node's master key-encryption key. A wrapped key moved to another tier or
/// version fails to open.
public struct TierKeyring: Sendable {
    let kek: SecureBytes

    /// A keyring over the node's KEK.
    public init(keyEncryptionKey: SecureBytes) { kek = keyEncryptionKey }

    /// A fresh random key for `tier` at `version`, wrapped.
    public func newKey(tier: String, version: Int) throws -> WrappedTierKey {
        let key = SecureBytes.random(count: Envelope.keyByteCount)
        return WrappedTierKey(
            tier: tier, version: version,
            wrapped: try Envelope.seal(key, key: kek, associatedData: Self.aad(tier: tier, version: version)))
    }

    /// The plaintext tier key of a stored version.
    public func open(_ stored: WrappedTierKey) throws -> SecureBytes {
        do {
            return try Envelope.open(stored.wrapped, key: kek, associatedData: Self.aad(tier: stored.tier, version: stored.version))
        } catch {
            throw VaultError.corrupt("tier key \(stored.tier) v\(stored.version) does not open under this node's KEK")
        }
    }

    static func aad(tier: String, version: Int) -> [UInt8] {
        AssociatedData.make(VaultLabels.tierKey, [tier, String(version)])
    }
}
