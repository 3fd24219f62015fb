import VaultCrypto

/// A C2SP tlog-checkpoint (https://c2sp.org/tlog-checkpoint): the body "<origin>\n<tree size>\n<base64 root>\n"
/// (plus optional extension lines) of a signed note. Sizes are decimal without leading zeros; roots 32 bytes.
public struct Checkpoint: Equatable, Sendable {
    /// The log's origin: the node's name.
    public let origin: String
    /// Number of entries in the tree.
    public let treeSize: UInt64
    /// The RFC 6962 root of that tree.
    public let root: [UInt8]
    /// Extension lines after the root, each without its newline (we write none).
    public let extensions: [String]

    public init(origin: String, treeSize: UInt64, root: [UInt8], extensions: [String] = []) {
        self.origin = origin
        self.treeSize = treeSize
        self.root = root
        self.extensions = extensions
    }

    /// The note text.
    public var body: String {
        "\(origin)\n\(treeSize)\n\(Base64.encode(root))\n" + extensions.map { $0 + "\n" }.joined()
    }

    /// Parses a checkpoint body strictly.
    public init(parsing body: String) throws {
        guard body.hasSuffix("\n") else { throw LedgerError.malformedCheckpoint("no final newline") }
        let lines = body.dropLast().split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard lines.count >= 3 else { throw LedgerError.malformedCheckpoint("fewer than 3 lines") }
        guard !lines[0].isEmpty else { throw LedgerError.malformedCheckpoint("empty origin") }
        let sizeText = lines[1]
        guard !sizeText.isEmpty, sizeText.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), sizeText == "0" || !sizeText.hasPrefix("0"),
            let size = UInt64(sizeText)
        else { throw LedgerError.malformedCheckpoint("bad tree size \"\(sizeText)\"") }
        guard let root = Base64.decode(lines[2]), root.count == LedgerLabels.hashByteCount else {
            throw LedgerError.malformedCheckpoint("bad root hash")
        }
        let extensions = Array(lines[3...])
        guard !extensions.contains(where: \.isEmpty) else { throw LedgerError.malformedCheckpoint("empty extension line") }
        self.init(origin: lines[0], treeSize: size, root: root, extensions: extensions)
    }

    /// Signs this checkpoint as a note with `key` under the note key name `name`.
    public func sign(name: String, key: Ed25519SigningKey) throws -> SignedNote {
        try SignedNote.sign(text: body, name: name, key: key)
    }

    /// Opens a signed checkpoint: parses the note, checks `threshold` of `keys` signed it, parses the body and
    /// checks the origin when `origin` is given.
    public static func open(_ note: String, keys: [NoteVerifierKey], threshold: Int = 1, origin: String? = nil) throws -> (Checkpoint, SignedNote) {
        let signed = try SignedNote.open(note, keys: keys, threshold: threshold)
        let checkpoint = try Checkpoint(parsing: signed.text)
        if let origin, checkpoint.origin != origin { throw LedgerError.wrongOrigin(expected: origin, actual: checkpoint.origin) }
        return (checkpoint, signed)
    }
}
