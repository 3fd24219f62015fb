/// The secrets of one CivicVault node: the ledger signing key, the derivation root, the key-encryption key(s) (KEK)
/// and the key of citizen pseudonyms, plus the node's public name (the checkpoint origin and note key name).
///
/// The derivation root and the KEK are apart so the KEK can be rotated: every key derived for a MAC, a tag or a
/// sealed answer (K_state, K_token, K_citizen, K_box, K_ph) comes from the root, which never changes; the KEK only
/// wraps tier keys, and each wrapped tier key names the KEK version that wraps it (docs/format/envelope.md,
/// "Key file"). A node made before the split has root = KEK version 1.
public struct NodeKeys: Sendable {
    /// Length of the derivation root, of each KEK and of the pseudonym key.
    public static let symmetricKeyByteCount = 32
    /// At most this many KEKs are held: the current one, and the previous one during a rotation.
    public static let maxKeyEncryptionKeys = 2

    /// One version of the key-encryption key.
    public struct KeyEncryptionKey: Sendable {
        /// Its version, 1, 2, ... (recorded on every tier key row it wraps).
        public let version: Int
        /// The 32-byte key.
        public let key: SecureBytes

        /// A KEK version, checking its length and that the version is positive and fits 32 bits.
        public init(version: Int, key: SecureBytes) throws {
            guard version >= 1, version <= Int(UInt32.max) else { throw CryptoError.invalidKeyEncryptionKeys("version \(version) is outside 1...4294967295") }
            guard key.count == NodeKeys.symmetricKeyByteCount else {
                throw CryptoError.invalidLength(what: "KEK", expected: NodeKeys.symmetricKeyByteCount, actual: key.count)
            }
            self.version = version
            self.key = key
        }
    }

    /// The node's name, e.g. `civicvault.example/dept-health`; public.
    public let name: String
    /// Signs ledger blocks and checkpoints.
    public let signingKey: Ed25519SigningKey
    /// The fixed root every derived key (HMAC-SHA-256 of a purpose label) is derived from; never rotated.
    public let derivationRoot: SecureBytes
    /// The KEKs, by ascending version: the last is current (wraps new tier keys); an earlier one is present only
    /// while a KEK rotation is re-wrapping the tier keys it wrapped.
    public let keyEncryptionKeys: [KeyEncryptionKey]
    /// Keys the BLAKE2b pseudonyms of national ids on the ledger.
    public let pseudonymKey: SecureBytes

    /// The KEK that wraps new tier keys.
    public var currentKeyEncryptionKey: KeyEncryptionKey { keyEncryptionKeys[keyEncryptionKeys.count - 1] }
    /// True while node.key holds a previous KEK too (a KEK rotation is unfinished).
    public var isRotatingKeyEncryptionKey: Bool { keyEncryptionKeys.count > 1 }

    /// Assembles node keys, checking every length and that KEK versions strictly ascend (one or two of them).
    public init(
        name: String, signingKey: Ed25519SigningKey, derivationRoot: SecureBytes, keyEncryptionKeys: [KeyEncryptionKey],
        pseudonymKey: SecureBytes
    ) throws {
        guard derivationRoot.count == Self.symmetricKeyByteCount else {
            throw CryptoError.invalidLength(what: "derivation root", expected: Self.symmetricKeyByteCount, actual: derivationRoot.count)
        }
        guard pseudonymKey.count == Self.symmetricKeyByteCount else {
            throw CryptoError.invalidLength(what: "pseudonym key", expected: Self.symmetricKeyByteCount, actual: pseudonymKey.count)
        }
        guard (1...Self.maxKeyEncryptionKeys).contains(keyEncryptionKeys.count),
              zip(keyEncryptionKeys, keyEncryptionKeys.dropFirst()).allSatisfy({ $0.version < $1.version }) else {
            throw CryptoError.invalidKeyEncryptionKeys("node keys hold one or two KEKs of strictly ascending versions")
        }
        self.name = name
        self.signingKey = signingKey
        self.derivationRoot = derivationRoot
        self.keyEncryptionKeys = keyEncryptionKeys
        self.pseudonymKey = pseudonymKey
    }

    /// Node keys of the first layout (payload version 1): one 32-byte secret that is both the derivation root and
    /// KEK version 1.
    public init(name: String, signingKey: Ed25519SigningKey, keyEncryptionKey: SecureBytes, pseudonymKey: SecureBytes) throws {
        try self.init(
            name: name, signingKey: signingKey, derivationRoot: keyEncryptionKey,
            keyEncryptionKeys: [try KeyEncryptionKey(version: 1, key: keyEncryptionKey)], pseudonymKey: pseudonymKey)
    }

    /// The same keys with another signing key (a log-key rotation).
    public func replacingSigningKey(_ key: Ed25519SigningKey) throws -> NodeKeys {
        try NodeKeys(name: name, signingKey: key, derivationRoot: derivationRoot, keyEncryptionKeys: keyEncryptionKeys, pseudonymKey: pseudonymKey)
    }

    /// The same keys with a fresh random KEK of the next version beside the current one (a KEK rotation begins).
    /// Refused while a rotation is unfinished.
    public func addingKeyEncryptionKey() throws -> NodeKeys {
        guard !isRotatingKeyEncryptionKey else { throw CryptoError.invalidKeyEncryptionKeys("a KEK rotation is already unfinished") }
        let next = try KeyEncryptionKey(version: currentKeyEncryptionKey.version + 1, key: .random(count: Self.symmetricKeyByteCount))
        return try NodeKeys(
            name: name, signingKey: signingKey, derivationRoot: derivationRoot,
            keyEncryptionKeys: keyEncryptionKeys + [next], pseudonymKey: pseudonymKey)
    }

    /// The same keys holding only the current KEK (a KEK rotation ends: the previous one is dropped).
    public func droppingPreviousKeyEncryptionKeys() throws -> NodeKeys {
        try NodeKeys(
            name: name, signingKey: signingKey, derivationRoot: derivationRoot,
            keyEncryptionKeys: [currentKeyEncryptionKey], pseudonymKey: pseudonymKey)
    }

    /// Fresh random keys for a node called `name`: a random derivation root and a separate random KEK version 1.
    public static func generate(name: String) -> NodeKeys {
        try! NodeKeys(
            name: name, signingKey: .generate(),
            derivationRoot: .random(count: symmetricKeyByteCount),
            keyEncryptionKeys: [try! KeyEncryptionKey(version: 1, key: .random(count: symmetricKeyByteCount))],
            pseudonymKey: .random(count: symmetricKeyByteCount))
    }
}
