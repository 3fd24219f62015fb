import VaultCrypto

/// A C2SP signed note (https://c2sp.org/signed-note) with Ed25519 signatures: text ending in a newline, a
/// blank line, then signature lines `— <key name> <base64(key id || signature)>`. Opening checks the
/// signatures of known keys against a k-of-n threshold, as golang.org/x/mod/sumdb/note does.
public struct SignedNote: Equatable, Sendable {
    /// One signature line.
    public struct Signature: Equatable, Sendable {
        /// The key name on the line.
        public let name: String
        /// The 32-bit key id (first 4 bytes of the decoded blob).
        public let keyID: UInt32
        /// The signature bytes after the key id.
        public let signature: [UInt8]

        public init(name: String, keyID: UInt32, signature: [UInt8]) {
            self.name = name
            self.keyID = keyID
            self.signature = signature
        }

        /// The line, with its final newline.
        public var line: String {
            let id = (0..<4).map { UInt8(truncatingIfNeeded: keyID >> (24 - 8 * UInt32($0))) }
            return LedgerLabels.noteSignaturePrefix + name + " " + Base64.encode(id + signature) + "\n"
        }
    }

    /// The signed text (every line ends in "\n").
    public let text: String
    /// Every signature line, in order (known and unknown keys alike).
    public let signatures: [Signature]

    public init(text: String, signatures: [Signature]) {
        self.text = text
        self.signatures = signatures
    }

    /// Signs `text` with `key` under the note key name `name`.
    public static func sign(text: String, name: String, key: Ed25519SigningKey) throws -> SignedNote {
        try checkText(text)
        let verifier = try NoteVerifierKey(name: name, publicKey: key.publicKey)
        return SignedNote(text: text, signatures: [Signature(name: name, keyID: verifier.keyID, signature: key.sign(Array(text.utf8)))])
    }

    /// A copy with one more signature line (a cosignature) by `key` under `name`.
    public func adding(name: String, key: Ed25519SigningKey) throws -> SignedNote {
        let verifier = try NoteVerifierKey(name: name, publicKey: key.publicKey)
        return SignedNote(text: text, signatures: signatures + [Signature(name: name, keyID: verifier.keyID, signature: key.sign(Array(text.utf8)))])
    }

    /// The serialized note: text, blank line, signature lines.
    public var serialized: String { text + "\n" + signatures.map(\.line).joined() }

    /// Parses a note strictly, without checking signatures.
    public init(parsing note: String) throws {
        let bytes = Array(note.utf8)
        // Valid UTF-8 is guaranteed by String; no ASCII control characters other than newline.
        guard !note.unicodeScalars.contains(where: { $0.value < 0x20 && $0 != "\n" }) else {
            throw LedgerError.malformedNote("control character")
        }
        // The signature block starts after the last blank line.
        var split: Int? = nil
        if bytes.count >= 2 {
            for i in stride(from: bytes.count - 2, through: 0, by: -1) where bytes[i] == 0x0a && bytes[i + 1] == 0x0a {
                split = i
                break
            }
        }
        guard let split else { throw LedgerError.malformedNote("no blank line before the signatures") }
        let text = String(decoding: bytes[...split], as: UTF8.self)
        let sigBlock = bytes[(split + 2)...]
        guard let last = sigBlock.last, last == 0x0a else { throw LedgerError.malformedNote("no signature lines, or no final newline") }
        var signatures: [Signature] = []
        for rawLine in sigBlock.dropLast().split(separator: 0x0a, omittingEmptySubsequences: false) {
            let line = String(decoding: rawLine, as: UTF8.self)
            guard line.hasPrefix(LedgerLabels.noteSignaturePrefix) else { throw LedgerError.malformedNote("signature line without \"— \"") }
            let rest = line.dropFirst(LedgerLabels.noteSignaturePrefix.count)
            guard let space = rest.firstIndex(of: " ") else { throw LedgerError.malformedNote("signature line without a space") }
            let name = String(rest[..<space]), b64 = String(rest[rest.index(after: space)...])
            guard NoteVerifierKey.isValidName(name), !b64.isEmpty, let blob = Base64.decode(b64), blob.count >= 5 else {
                throw LedgerError.malformedNote("bad signature line for \"\(name)\"")
            }
            signatures.append(Signature(name: name, keyID: blob[0..<4].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }, signature: Array(blob[4...])))
            guard signatures.count <= LedgerLabels.maxNoteSignatures else { throw LedgerError.malformedNote("more than \(LedgerLabels.maxNoteSignatures) signatures") }
        }
        self.init(text: text, signatures: signatures)
    }

    /// Checks the signatures against `keys`: lines of unknown keys are ignored; a line of a known key that
    /// does not verify throws; at least `threshold` distinct known keys must have signed. Returns those keys.
    @discardableResult
    public func verify(keys: [NoteVerifierKey], threshold: Int = 1) throws -> [NoteVerifierKey] {
        guard threshold >= 1 else { throw LedgerError.notEnoughSignatures(valid: 0, required: threshold) }
        let message = Array(text.utf8)
        var verified: [NoteVerifierKey] = []
        for sig in signatures {
            guard let key = keys.first(where: { $0.name == sig.name && $0.keyID == sig.keyID }) else { continue }
            guard key.publicKey.isValidSignature(sig.signature, for: message) else { throw LedgerError.invalidNoteSignature(keyName: sig.name) }
            if !verified.contains(key) { verified.append(key) }
        }
        guard verified.count >= threshold else { throw LedgerError.notEnoughSignatures(valid: verified.count, required: threshold) }
        return verified
    }

    /// Parses and verifies in one step.
    public static func open(_ note: String, keys: [NoteVerifierKey], threshold: Int = 1) throws -> SignedNote {
        let parsed = try SignedNote(parsing: note)
        try parsed.verify(keys: keys, threshold: threshold)
        return parsed
    }

    static func checkText(_ text: String) throws {
        guard text.hasSuffix("\n") else {
            throw LedgerError.malformedNote("text must end in a newline")
        }
        guard !text.unicodeScalars.contains(where: { $0.value < 0x20 && $0 != "\n" }) else { throw LedgerError.malformedNote("control character") }
    }
}
