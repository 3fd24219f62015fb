import VaultCrypto

/// An Ed25519 key of a C2SP signed note (https://c2sp.org/signed-note): a name, a 32-bit key id and the
/// public key, written as the verifier key string `<name>+<hex key id>+<base64(0x01 || public key)>`.
///
/// The key id is the first four bytes (big-endian) of SHA-256(name || "\n" || 0x01 || public key), so Go's
/// golang.org/x/mod/sumdb/note accepts our keys and signatures.
public struct NoteVerifierKey: Hashable, Sendable, CustomStringConvertible {
    /// The signature algorithm byte of Ed25519 in signed notes.
    public static let ed25519Algorithm: UInt8 = 0x01

    /// The key name (no whitespace, no '+').
    public let name: String
    /// The Ed25519 public key.
    public let publicKey: Ed25519PublicKey
    /// The 32-bit key id.
    public let keyID: UInt32

    /// Builds the verifier key for `name` and `publicKey`; throws when the name is not a valid note key name.
    public init(name: String, publicKey: Ed25519PublicKey) throws {
        guard Self.isValidName(name) else { throw LedgerError.invalidKeyName(name) }
        self.name = name
        self.publicKey = publicKey
        let digest = SHA256.hash(Array(name.utf8), [0x0a, Self.ed25519Algorithm], publicKey.bytes)
        self.keyID = digest[0..<4].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
    }

    /// A key with a given id, unchecked: only for tests of impostor keys (same name and id, other key).
    init(unchecked name: String, keyID: UInt32, publicKey: Ed25519PublicKey) {
        self.name = name
        self.keyID = keyID
        self.publicKey = publicKey
    }

    /// Parses a verifier key string, strictly: the key id must match the name and key.
    public init(parsing text: String) throws {
        // Split at the first two "+" only: the base64 key may contain "+" itself.
        let parts = text.split(separator: "+", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, parts[1].count == 8, let idBytes = Hex.decode(String(parts[1])),
            let keyBytes = Base64.decode(String(parts[2])), keyBytes.count == 33,
            keyBytes[0] == Self.ed25519Algorithm
        else { throw LedgerError.invalidVerifierKey(text) }
        let key = try NoteVerifierKey(name: String(parts[0]), publicKey: Ed25519PublicKey(bytes: Array(keyBytes[1...])))
        let claimed = idBytes.reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        guard claimed == key.keyID else { throw LedgerError.invalidVerifierKey(text) }
        self = key
    }

    /// The key id as 4 big-endian bytes, as it prefixes a note signature.
    public var keyIDBytes: [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: keyID >> (24 - 8 * UInt32($0))) } }

    /// The verifier key string.
    public var description: String {
        "\(name)+\(Hex.encode(keyIDBytes))+\(Base64.encode([Self.ed25519Algorithm] + publicKey.bytes))"
    }

    /// A note key name is non-empty UTF-8 without Unicode spaces or '+'.
    public static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && !name.unicodeScalars.contains { $0 == "+" || $0.properties.isWhitespace }
    }
}
