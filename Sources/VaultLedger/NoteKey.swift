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
        self.keyID = VerifierKeyText.keyID(name: name, algorithm: Self.ed25519Algorithm, publicKey: publicKey)
    }

    /// A key with a given id, unchecked: only for tests of impostor keys (same name and id, other key).
    init(unchecked name: String, keyID: UInt32, publicKey: Ed25519PublicKey) {
        self.name = name
        self.keyID = keyID
        self.publicKey = publicKey
    }

    /// Parses a verifier key string, strictly: the key id must match the name and key.
    public init(parsing text: String) throws {
        let (name, publicKey) = try VerifierKeyText.parse(text, algorithm: Self.ed25519Algorithm)
        try self.init(name: name, publicKey: publicKey)
    }

    /// The key id as 4 big-endian bytes, as it prefixes a note signature.
    public var keyIDBytes: [UInt8] { VerifierKeyText.bytes(of: keyID) }

    /// The verifier key string.
    public var description: String {
        VerifierKeyText.format(name: name, keyID: keyID, algorithm: Self.ed25519Algorithm, publicKey: publicKey)
    }

    /// A note key name is non-empty UTF-8 without Unicode spaces or '+'.
    public static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && !name.unicodeScalars.contains { $0 == "+" || $0.properties.isWhitespace }
    }
}
