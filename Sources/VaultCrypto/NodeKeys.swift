/// The secrets of one CivicVault node: the ledger signing key, the master key-encryption key (KEK) and the
/// key of citizen pseudonyms, plus the node's public name (the checkpoint origin and note key name).
public struct NodeKeys: Sendable {
    /// Length of the KEK and of the pseudonym key.
    public static let symmetricKeyByteCount = 32

    /// The node's name, e.g. `civicvault.example/dept-health`; public.
    public let name: String
    /// Signs ledger blocks and checkpoints.
    public let signingKey: Ed25519SigningKey
    /// Wraps every tier key.
    public let keyEncryptionKey: SecureBytes
    /// Keys the BLAKE2b pseudonyms of national ids on the ledger.
    public let pseudonymKey: SecureBytes

    /// Assembles node keys, checking every length.
    public init(name: String, signingKey: Ed25519SigningKey, keyEncryptionKey: SecureBytes, pseudonymKey: SecureBytes) throws {
        guard keyEncryptionKey.count == Self.symmetricKeyByteCount else {
            throw CryptoError.invalidLength(what: "KEK", expected: Self.symmetricKeyByteCount, actual: keyEncryptionKey.count)
        }
        guard pseudonymKey.count == Self.symmetricKeyByteCount else {
            throw CryptoError.invalidLength(what: "pseudonym key", expected: Self.symmetricKeyByteCount, actual: pseudonymKey.count)
        }
        self.name = name
        self.signingKey = signingKey
        self.keyEncryptionKey = keyEncryptionKey
        self.pseudonymKey = pseudonymKey
    }

    /// Fresh random keys for a node called `name`.
    public static func generate(name: String) -> NodeKeys {
        try! NodeKeys(
            name: name, signingKey: .generate(),
            keyEncryptionKey: .random(count: symmetricKeyByteCount),
            pseudonymKey: .random(count: symmetricKeyByteCount))
    }
}
