import VaultCrypto

/// One version of a tier's key, as stored: the 32-byte tier key sealed under one version of the node's KEK.
public struct WrappedTierKey: Sendable, Equatable {
    /// The tier it belongs to.
    public let tier: String
    /// Its version (1, 2, ...).
    public let version: Int
    /// The version of the KEK that wraps it (column `kek_version`; 1 for rows written before KEK rotation existed).
    public let kekVersion: Int
    /// Envelope of the key under the KEK; associated data binds tier, version and KEK version (`TierKeyring.aad`).
    public let wrapped: [UInt8]

    /// A stored tier key version.
    public init(tier: String, version: Int, kekVersion: Int = 1, wrapped: [UInt8]) {
        self.tier = tier
        self.version = version
        self.kekVersion = kekVersion
        self.wrapped = wrapped
    }
}

/// Creates and opens tier keys under the node's key-encryption keys. A wrapped key moved to another tier, version
/// or KEK version fails to open; one wrapped under a KEK the node has dropped is refused by name
/// (`VaultError.keyEncryptionKeyDropped`).
public struct TierKeyring: Sendable {
    /// The KEKs by version; the highest wraps new keys.
    let keks: [Int: SecureBytes]
    /// The version of the KEK that wraps new tier keys.
    public let currentKEKVersion: Int

    /// A keyring over the KEKs of `keys` (one, or two during a KEK rotation).
    public init(keys: NodeKeys) {
        keks = Dictionary(uniqueKeysWithValues: keys.keyEncryptionKeys.map { ($0.version, $0.key) })
        currentKEKVersion = keys.currentKeyEncryptionKey.version
    }

    /// A keyring over a single KEK of version 1.
    public init(keyEncryptionKey: SecureBytes) {
        keks = [1: keyEncryptionKey]
        currentKEKVersion = 1
    }

    /// True when the keyring holds a KEK older than the current one (a KEK rotation is re-wrapping).
    public var holdsPreviousKEK: Bool { keks.count > 1 }

    /// A fresh random key for `tier` at `version`, wrapped under the current KEK.
    public func newKey(tier: String, version: Int) throws -> WrappedTierKey {
        try wrap(SecureBytes.random(count: Envelope.keyByteCount), tier: tier, version: version)
    }

    /// The same tier key wrapped under the current KEK (a KEK rotation).
    public func rewrapped(_ stored: WrappedTierKey) throws -> WrappedTierKey {
        try wrap(try open(stored), tier: stored.tier, version: stored.version)
    }

    func wrap(_ key: SecureBytes, tier: String, version: Int) throws -> WrappedTierKey {
        WrappedTierKey(
            tier: tier, version: version, kekVersion: currentKEKVersion,
            wrapped: try Envelope.seal(key, key: keks[currentKEKVersion]!, associatedData: Self.aad(tier: tier, version: version, kekVersion: currentKEKVersion)))
    }

    /// The plaintext tier key of a stored version.
    public func open(_ stored: WrappedTierKey) throws -> SecureBytes {
        guard let kek = keks[stored.kekVersion] else {
            throw VaultError.keyEncryptionKeyDropped(tier: stored.tier, version: stored.version, kekVersion: stored.kekVersion)
        }
        do {
            return try Envelope.open(
                stored.wrapped, key: kek, associatedData: Self.aad(tier: stored.tier, version: stored.version, kekVersion: stored.kekVersion))
        } catch {
            throw VaultError.corrupt("tier key \(stored.tier) v\(stored.version) does not open under this node's KEK v\(stored.kekVersion)")
        }
    }

    /// `CivicVault/v1/tier-key || str16(tier) || str16(version)` under KEK version 1 (the layout before KEK
    /// rotation, kept so existing rows open), else `CivicVault/v1/tier-key-kek || str16(tier) || str16(version) ||
    /// str16(KEK version)`, versions in decimal.
    static func aad(tier: String, version: Int, kekVersion: Int) -> [UInt8] {
        kekVersion == 1
            ? AssociatedData.make(VaultLabels.tierKey, [tier, String(version)])
            : AssociatedData.make(VaultLabels.tierKeyUnderKEK, [tier, String(version), String(kekVersion)])
    }
}
