import VaultCrypto

/// A witness's Ed25519 cosigner key (https://c2sp.org/tlog-cosignature): name, public key and the key id
/// SHA-256(name || "\n" || 0x04 || public key)[:4]; written as the verifier key string
/// `<name>+<hex key id>+<base64(0x04 || public key)>`. Distinct from the log's note key (algorithm 0x01), so a
/// cosignature line can never be taken for the log's own signature.
public struct CosignerKey: Hashable, Sendable, CustomStringConvertible {
    /// The signature type byte of timestamped Ed25519 cosignatures (cosignature/v1).
    public static let algorithm: UInt8 = 0x04

    public let name: String
    public let publicKey: Ed25519PublicKey
    public let keyID: UInt32

    /// The cosigner key for `name` and `publicKey`.
    public init(name: String, publicKey: Ed25519PublicKey) throws {
        guard NoteVerifierKey.isValidName(name) else { throw LedgerError.invalidKeyName(name) }
        self.name = name
        self.publicKey = publicKey
        keyID = VerifierKeyText.keyID(name: name, algorithm: Self.algorithm, publicKey: publicKey)
    }

    /// Parses a cosigner verifier key string strictly (algorithm 0x04, matching key id).
    public init(parsing text: String) throws {
        let (name, publicKey) = try VerifierKeyText.parse(text, algorithm: Self.algorithm)
        try self.init(name: name, publicKey: publicKey)
    }

    /// The key id as 4 big-endian bytes.
    public var keyIDBytes: [UInt8] { VerifierKeyText.bytes(of: keyID) }

    public var description: String { VerifierKeyText.format(name: name, keyID: keyID, algorithm: Self.algorithm, publicKey: publicKey) }
}
