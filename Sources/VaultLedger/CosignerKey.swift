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
        let digest = SHA256.hash(Array(name.utf8), [0x0a, Self.algorithm], publicKey.bytes)
        keyID = digest[0..<4].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
    }

    /// Parses a cosigner verifier key string strictly (algorithm 0x04, matching key id).
    public init(parsing text: String) throws {
        // Names never contain '+', the key id is 8 hex digits, and base64 may contain '+'.
        let parts = text.split(separator: "+", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3 else { throw LedgerError.invalidVerifierKey(text) }
        let name = String(parts[0]), id = String(parts[1]), b64 = String(parts[2])
        guard id.count == 8, let idBytes = Hex.decode(id), let keyBytes = Base64.decode(b64), keyBytes.count == 33,
              keyBytes[0] == Self.algorithm
        else { throw LedgerError.invalidVerifierKey(text) }
        let key = try CosignerKey(name: name, publicKey: Ed25519PublicKey(bytes: Array(keyBytes[1...])))
        guard idBytes.reduce(UInt32(0), { $0 << 8 | UInt32($1) }) == key.keyID else { throw LedgerError.invalidVerifierKey(text) }
        self = key
    }

    /// The key id as 4 big-endian bytes.
    public var keyIDBytes: [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: keyID >> (24 - 8 * UInt32($0))) } }

    public var description: String { "\(name)+\(Hex.encode(keyIDBytes))+\(Base64.encode([Self.algorithm] + publicKey.bytes))" }
}
