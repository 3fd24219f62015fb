import VaultCrypto

/// The C2SP signed-note verifier key text shared by note keys (algorithm 0x01) and cosigner keys (0x04):
/// `<name>+<8 hex key id>+<base64(algorithm || 32-byte Ed25519 key)>`, key id = SHA-256(name || "\n" ||
/// algorithm || key)[:4] big-endian.
enum VerifierKeyText {
    static func keyID(name: String, algorithm: UInt8, publicKey: Ed25519PublicKey) -> UInt32 {
        SHA256.hash(Array(name.utf8), [0x0a, algorithm], publicKey.bytes)[0..<4].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
    }

    static func bytes(of keyID: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: keyID >> (24 - 8 * UInt32($0))) } }

    static func format(name: String, keyID: UInt32, algorithm: UInt8, publicKey: Ed25519PublicKey) -> String {
        "\(name)+\(Hex.encode(bytes(of: keyID)))+\(Base64.encode([algorithm] + publicKey.bytes))"
    }

    /// Parses strictly: the algorithm byte must be `algorithm` and the key id must match name and key.
    static func parse(_ text: String, algorithm: UInt8) throws -> (name: String, publicKey: Ed25519PublicKey) {
        // Split at the first two "+" only: names never contain "+", the base64 key may.
        let parts = text.split(separator: "+", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, parts[1].count == 8, let idBytes = Hex.decode(String(parts[1])),
            let keyBytes = Base64.decode(String(parts[2])), keyBytes.count == 33, keyBytes[0] == algorithm,
            let publicKey = try? Ed25519PublicKey(bytes: Array(keyBytes[1...]))
        else { throw LedgerError.invalidVerifierKey(text) }
        let name = String(parts[0])
        guard NoteVerifierKey.isValidName(name) else { throw LedgerError.invalidKeyName(name) }
        guard idBytes.reduce(UInt32(0), { $0 << 8 | UInt32($1) }) == keyID(name: name, algorithm: algorithm, publicKey: publicKey) else {
            throw LedgerError.invalidVerifierKey(text)
        }
        return (name, publicKey)
    }
}
