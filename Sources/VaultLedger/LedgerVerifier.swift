import VaultCrypto

/// Checks a whole stored ledger from its raw rows: every leaf hash, every stored subtree hash, every block's
/// height, link, signature, sizes and root, and the checkpoint's signature, size and root. Stops at the
/// first failure, which names the entry index or block height and the check (a `LedgerError`).
public struct LedgerVerifier: Sendable {
    /// What a successful verification saw.
    public struct Summary: Equatable, Sendable {
        public let treeSize: UInt64
        public let blockCount: UInt64
        public let root: [UInt8]
        public let checkpointSize: UInt64?
    }

    /// The log's key chain: block and checkpoint signatures are checked under the key in force at their tree size.
    public let keyChain: LedgerKeyChain
    /// The node's first (trusted) verifier key; its name is the expected checkpoint origin.
    public var verifierKey: NoteVerifierKey { keyChain.root }
    /// Entries (and blocks) read per page.
    public var pageSize = 4096

    /// A verifier of a log that never rotated its key.
    public init(verifierKey: NoteVerifierKey) {
        self.keyChain = LedgerKeyChain(root: verifierKey)
    }

    /// A verifier following `keyChain`: every rotation must fall on a block boundary whose root is the announcing
    /// checkpoint's, and every later block must be signed by the new key.
    public init(keyChain: LedgerKeyChain) {
        self.keyChain = keyChain
    }

    /// Verifies `snapshot`; calls `progress(entriesChecked)` after every entry (keep it cheap).
    public func verify(_ snapshot: some LedgerSnapshot, progress: (UInt64) -> Void = { _ in }) throws -> Summary {
        var range = CompactRange()
        var entryPage: [StoredEntry] = [], entryAt = 0
        var height: UInt64 = 0, previousHash = BlockHeader.genesisPrevious
        var blockPage: [StoredBlock] = [], blockAt = 0
        let rotations: [(size: UInt64, root: [UInt8])] = keyChain.links.dropFirst().compactMap { link in
            guard let note = link.announcement?.checkpoint, let text = try? SignedNote(parsing: note).text,
                  let checkpoint = try? Checkpoint(parsing: text) else { return nil }
            return (link.signsAfter, checkpoint.root)
        }

        /// Consumes entries until the range covers `size` leaves.
        func consume(upTo size: UInt64) throws {
            while range.size < size {
                if entryAt == entryPage.count {
                    entryPage = try snapshot.entries(from: range.size, limit: pageSize)
                    entryAt = 0
                    guard !entryPage.isEmpty else { throw LedgerError.entryMissing(index: range.size) }
                }
                let e = entryPage[entryAt]
                entryAt += 1
                guard e.index == range.size else { throw LedgerError.entryMissing(index: range.size) }
                let leaf = MerkleMath.leafHash(e.bytes)
                guard leaf == e.leafHash else { throw LedgerError.leafHashMismatch(index: e.index) }
                try range.append(leafHash: leaf) { level, index, hash in
                    guard level >= LedgerLabels.firstStoredLevel else { return }
                    guard let stored = try snapshot.storedSubtreeHash(level: level, index: index) else {
                        throw LedgerError.subtreeMissing(level: level, index: index)
                    }
                    guard ConstantTime.equals(stored, hash) else { throw LedgerError.subtreeHashMismatch(level: level, index: index) }
                }
                progress(range.size)
            }
        }

        while true {
            if blockAt == blockPage.count {
                blockPage = try snapshot.blocks(from: height, limit: pageSize)
                blockAt = 0
                if blockPage.isEmpty { break }
            }
            let stored = blockPage[blockAt]
            blockAt += 1
            guard stored.height == height else { throw LedgerError.blockMissing(height: height) }
            let header: BlockHeader
            do { header = try BlockHeader(decoding: stored.header) } catch { throw LedgerError.blockInvalid(height: height, check: "malformed header") }
            guard header.height == height else { throw LedgerError.blockInvalid(height: height, check: "height field \(header.height) does not match") }
            guard ConstantTime.equals(header.previousHash, previousHash) else { throw LedgerError.blockInvalid(height: height, check: "link to the previous block broken") }
            guard header.firstIndex == range.size else { throw LedgerError.blockInvalid(height: height, check: "first index \(header.firstIndex), want \(range.size)") }
            guard header.entryCount >= 1, header.firstIndex.addingReportingOverflow(header.entryCount) == (header.treeSize, false) else {
                throw LedgerError.blockInvalid(height: height, check: "tree size mismatch")
            }
            guard SignedBlock(header: header, signature: stored.signature).hasValidSignature(keyChain.key(forTreeSize: header.treeSize).publicKey) else {
                throw LedgerError.blockInvalid(height: height, check: "signature invalid")
            }
            if let split = rotations.first(where: { $0.size > header.firstIndex && $0.size < header.treeSize }) {
                throw LedgerError.blockInvalid(height: height, check: "spans the key rotation at tree size \(split.size)")
            }
            try consume(upTo: header.treeSize)
            guard range.root == header.root else { throw LedgerError.blockInvalid(height: height, check: "root mismatch") }
            if let rotation = rotations.first(where: { $0.size == header.treeSize }), rotation.root != header.root {
                throw LedgerError.blockInvalid(height: height, check: "root differs from the key chain's announcing checkpoint")
            }
            previousHash = header.hash
            height += 1
        }
        if let extra = try snapshot.entries(from: range.size, limit: 1).first {
            throw LedgerError.unexpectedEntry(index: extra.index)
        }
        if let beyond = keyChain.links.firstIndex(where: { $0.signsAfter > range.size }) {
            throw LedgerError.keyChainBroken(link: beyond, reason: "announced at tree size \(keyChain.links[beyond].signsAfter), beyond the ledger's \(range.size) entries")
        }

        var checkpointSize: UInt64? = nil
        if let note = try snapshot.checkpointNote() {
            let checkpoint: Checkpoint
            do {
                (checkpoint, _) = try keyChain.openCheckpoint(note)
            } catch let error as LedgerError {
                switch error {
                case .invalidNoteSignature, .notEnoughSignatures: throw LedgerError.checkpointInvalid("signature invalid")
                case .keyNotInForce: throw LedgerError.checkpointInvalid("\(error)")
                case .wrongOrigin: throw LedgerError.checkpointInvalid("wrong origin")
                default: throw LedgerError.checkpointInvalid("malformed (\(error))")
                }
            }
            guard checkpoint.treeSize == range.size else {
                throw LedgerError.checkpointInvalid("tree size \(checkpoint.treeSize) does not match the last block's \(range.size)")
            }
            guard checkpoint.root == range.root else { throw LedgerError.checkpointInvalid("root mismatch") }
            checkpointSize = checkpoint.treeSize
        } else if range.size > 0 {
            throw LedgerError.checkpointInvalid("missing")
        }
        return Summary(treeSize: range.size, blockCount: height, root: range.root, checkpointSize: checkpointSize)
    }
}
