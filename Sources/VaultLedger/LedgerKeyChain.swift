import VaultCrypto

/// The chain of a log's signing keys (docs/format/key-chain.md): the first key, trusted out of band (node.pub),
/// then each later key with the tree size after which it signs, announced by a `log.key_rotated` entry that is
/// the last leaf of a checkpoint signed by the key before it. A chain is only ever built verified: parsing checks
/// every link from the trusted first key, so `key(forTreeSize:)` names the one key whose signature counts.
public struct LedgerKeyChain: Equatable, Sendable, CustomStringConvertible {
    /// What proves a later key: the announcing entry, its inclusion proof and the previous key's checkpoint.
    public struct Announcement: Equatable, Sendable {
        /// The encoded `log.key_rotated` entry (leaf `signsAfter - 1`).
        public let entry: [UInt8]
        /// The RFC 6962 inclusion proof of that leaf in the tree of `signsAfter` leaves.
        public let inclusion: [[UInt8]]
        /// The checkpoint of size `signsAfter`, signed by the previous key (other signature lines allowed).
        public let checkpoint: String

        public init(entry: [UInt8], inclusion: [[UInt8]], checkpoint: String) {
            self.entry = entry
            self.inclusion = inclusion
            self.checkpoint = checkpoint
        }
    }

    /// One key of the chain.
    public struct Link: Equatable, Sendable {
        public let key: NoteVerifierKey
        /// The key signs every block and checkpoint whose tree size is greater than this (0 for the first key,
        /// which also signs size 0), up to the next link's `signsAfter`.
        public let signsAfter: UInt64
        /// Nil for the first key only.
        public let announcement: Announcement?
    }

    /// The first line of the text form.
    public static let header = "civicvault/key-chain/v1"
    /// The entry type that announces a new key.
    public static let announcementType = "log.key_rotated"

    /// The links, first (trusted) key first.
    public let links: [Link]

    /// A chain of one key: a log that never rotated.
    public init(root: NoteVerifierKey) {
        links = [Link(key: root, signsAfter: 0, announcement: nil)]
    }

    /// The trusted first key.
    public var root: NoteVerifierKey { links[0].key }
    /// The key that signs new blocks and checkpoints.
    public var current: NoteVerifierKey { links[links.count - 1].key }
    /// The log's origin (every key's name).
    public var origin: String { root.name }
    /// Every key, oldest first.
    public var keys: [NoteVerifierKey] { links.map(\.key) }

    /// The key that signs blocks and checkpoints of `treeSize` leaves.
    public func key(forTreeSize treeSize: UInt64) -> NoteVerifierKey {
        links.last(where: { $0.signsAfter < treeSize })?.key ?? root
    }

    /// The announcement entry of `next` after `previous`, by `actor` at `timestampMs`.
    public static func announcementEntry(previous: NoteVerifierKey, next: NoteVerifierKey, actor: String, timestampMs: UInt64) throws -> LedgerEntry {
        try LedgerEntry(type: announcementType, timestampMs: timestampMs, actor: actor, attributes: [
            "key": .string(next.description), "previous": .string(previous.description),
        ])
    }

    /// Opens a checkpoint of this log: parses it, picks the key in force at its tree size and checks that key signed
    /// it. A checkpoint signed only by another key of the chain throws `keyNotInForce`.
    public func openCheckpoint(_ note: String) throws -> (Checkpoint, SignedNote) {
        let parsed = try SignedNote(parsing: note)
        let checkpoint = try Checkpoint(parsing: parsed.text)
        guard checkpoint.origin == origin else { throw LedgerError.wrongOrigin(expected: origin, actual: checkpoint.origin) }
        let key = key(forTreeSize: checkpoint.treeSize)
        do {
            try parsed.verify(keys: [key])
        } catch LedgerError.notEnoughSignatures(let valid, let required) {
            if parsed.signatures.contains(where: { sig in links.contains { $0.key.name == sig.name && $0.key.keyID == sig.keyID } }) {
                throw LedgerError.keyNotInForce(treeSize: checkpoint.treeSize, expected: key.description)
            }
            throw LedgerError.notEnoughSignatures(valid: valid, required: required)
        }
        return (checkpoint, parsed)
    }

    /// This chain with `next` appended, announced by `entry` (leaf `checkpoint.treeSize - 1`) under the current key.
    /// Checks the new link as `parsing` does.
    public func appending(_ next: NoteVerifierKey, announcement: Announcement) throws -> LedgerKeyChain {
        var links = self.links
        let signsAfter = try Self.check(link: links.count, key: next, announcement: announcement, previous: links)
        links.append(Link(key: next, signsAfter: signsAfter, announcement: announcement))
        return LedgerKeyChain(checkedLinks: links)
    }

    private init(checkedLinks: [Link]) { links = checkedLinks }

    /// Checks link number `index` against the links before it; returns its `signsAfter`.
    private static func check(link index: Int, key: NoteVerifierKey, announcement a: Announcement, previous: [Link]) throws -> UInt64 {
        let before = previous[previous.count - 1]
        guard key.name == before.key.name else { throw LedgerError.keyChainBroken(link: index, reason: "key name \(key.name) is not the origin \(before.key.name)") }
        guard !previous.contains(where: { $0.key.publicKey == key.publicKey }) else { throw LedgerError.keyChainBroken(link: index, reason: "key reused") }
        let checkpoint: Checkpoint
        do {
            checkpoint = try Checkpoint.open(a.checkpoint, keys: [before.key], origin: before.key.name).0
        } catch {
            throw LedgerError.keyAnnouncementUnsigned(link: index)
        }
        guard checkpoint.treeSize > before.signsAfter else {
            throw LedgerError.keyChainBroken(link: index, reason: "announced at tree size \(checkpoint.treeSize), not after \(before.signsAfter)")
        }
        do {
            try InclusionProof(leafIndex: checkpoint.treeSize - 1, treeSize: checkpoint.treeSize, hashes: a.inclusion)
                .verify(leafHash: MerkleMath.leafHash(a.entry), root: checkpoint.root)
        } catch {
            throw LedgerError.keyAnnouncementNotIncluded(link: index)
        }
        let entry: LedgerEntry
        do { entry = try EntryCodec.decode(a.entry) } catch { throw LedgerError.keyNotAnnounced(link: index) }
        guard entry.type == announcementType, entry.attributes.count == 2,
              entry.attributes["key"] == .string(key.description), entry.attributes["previous"] == .string(before.key.description)
        else { throw LedgerError.keyNotAnnounced(link: index) }
        return checkpoint.treeSize
    }

    /// The text form (docs/format/key-chain.md): the header line, then per key a `key` line and, after the first,
    /// `entry`, `inclusion` and `checkpoint` lines.
    public var description: String {
        var out = Self.header + "\n"
        for link in links {
            out += "key \(link.signsAfter) \(link.key)\n"
            guard let a = link.announcement else { continue }
            out += "entry \(Base64.encode(a.entry))\n"
            out += "inclusion" + a.inclusion.map { " " + Base64.encode($0) }.joined() + "\n"
            out += "checkpoint \(Base64.encode(Array(a.checkpoint.utf8)))\n"
        }
        return out
    }

    /// Parses the text form strictly and checks every link from `trusted`, which must be the chain's first key.
    public init(parsing text: String, trusting trusted: NoteVerifierKey) throws {
        func malformed(_ line: Int, _ reason: String) -> LedgerError { .keyChainMalformed(line: line, reason: reason) }
        guard text.utf8.count <= 1 << 20 else { throw malformed(0, "longer than 1 MiB") }
        guard text.hasSuffix("\n") else { throw malformed(0, "no final newline") }
        let lines = text.dropLast().split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard lines.first == Self.header else { throw malformed(1, "first line is not \(Self.header)") }
        var at = 1
        func take(_ word: String) throws -> [String] {
            guard at < lines.count else { throw malformed(at + 1, "missing \(word) line") }
            let parts = lines[at].split(separator: " ", omittingEmptySubsequences: false).map(String.init)
            guard parts.first == word else { throw malformed(at + 1, "expected a \(word) line") }
            at += 1
            return Array(parts.dropFirst())
        }
        func base64(_ text: String, _ what: String) throws -> [UInt8] {
            guard let bytes = Base64.decode(text), Base64.encode(bytes) == text else { throw malformed(at, "\(what) is not canonical base64") }
            return bytes
        }
        func keyLine() throws -> (UInt64, NoteVerifierKey) {
            let parts = try take("key")
            guard parts.count == 2, let size = UInt64(parts[0]), String(size) == parts[0] else { throw malformed(at, "a key line is `key <tree size> <verifier key>`") }
            do { return (size, try NoteVerifierKey(parsing: parts[1])) } catch { throw malformed(at, "bad verifier key") }
        }
        let (rootSize, root) = try keyLine()
        guard rootSize == 0 else { throw malformed(at, "the first key signs after 0") }
        guard root.name == trusted.name, root.publicKey == trusted.publicKey else { throw LedgerError.keyChainUntrustedRoot }
        var links = [Link(key: root, signsAfter: 0, announcement: nil)]
        while at < lines.count {
            let (signsAfter, key) = try keyLine()
            let entryParts = try take("entry")
            guard entryParts.count == 1 else { throw malformed(at, "an entry line holds one base64 value") }
            let entry = try base64(entryParts[0], "the entry")
            let inclusion = try take("inclusion").map { try base64($0, "an inclusion hash") }
            let checkpointParts = try take("checkpoint")
            guard checkpointParts.count == 1 else { throw malformed(at, "a checkpoint line holds one base64 value") }
            let noteBytes = try base64(checkpointParts[0], "the checkpoint")
            guard let note = String(validating: noteBytes, as: UTF8.self) else { throw malformed(at, "the checkpoint is not UTF-8") }
            let announcement = Announcement(entry: entry, inclusion: inclusion, checkpoint: note)
            let checked = try Self.check(link: links.count, key: key, announcement: announcement, previous: links)
            guard checked == signsAfter else {
                throw LedgerError.keyChainBroken(link: links.count, reason: "key line says \(signsAfter), the announcing checkpoint has size \(checked)")
            }
            links.append(Link(key: key, signsAfter: signsAfter, announcement: announcement))
        }
        self.links = links
    }
}
