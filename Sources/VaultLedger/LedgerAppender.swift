/// The tip of a ledger: what the next append builds on (tree size, next block height, last block hash).
public struct LedgerTip: Equatable, Sendable {
    /// The empty ledger.
    public static let empty = LedgerTip(treeSize: 0, nextHeight: 0, previousHash: BlockHeader.genesisPrevious)

    public let treeSize: UInt64
    public let nextHeight: UInt64
    public let previousHash: [UInt8]

    public init(treeSize: UInt64, nextHeight: UInt64, previousHash: [UInt8]) {
        self.treeSize = treeSize
        self.nextHeight = nextHeight
        self.previousHash = previousHash
    }

    /// The tip after `block`.
    public init(after block: BlockHeader) {
        self.init(treeSize: block.treeSize, nextHeight: block.height + 1, previousHash: block.hash)
    }
}

/// Everything one append writes: the entry rows, the completed subtree hashes at stored levels (4 and up),
/// the signed block and the signed checkpoint of the new tree size.
public struct AppendBatch: Sendable {
    public let entries: [StoredEntry]
    public let subtrees: [(level: Int, index: UInt64, hash: [UInt8])]
    public let block: SignedBlock
    public let checkpoint: SignedNote
}

/// Turns entries into the rows of one append, purely: encodes and hashes the entries, extends the right
/// edge of the tree, and seals one signed block and checkpoint. Stores only have to write what it returns.
public enum LedgerAppender {
    /// Seals `entries` (1 or more) on top of `tip`, whose right edge is `frontier` (frontier.size == tip.treeSize).
    public static func seal(
        _ entries: [LedgerEntry], after tip: LedgerTip, frontier: CompactRange, signer: LedgerSigner, timestampMs: UInt64
    ) throws -> AppendBatch {
        guard !entries.isEmpty else { throw LedgerError.invalidEntry("nothing to append") }
        guard frontier.size == tip.treeSize else { throw LedgerError.storeFailure("right edge of size \(frontier.size) does not match the tree size \(tip.treeSize)") }
        var range = frontier
        var rows: [StoredEntry] = []
        rows.reserveCapacity(entries.count)
        var subtrees: [(level: Int, index: UInt64, hash: [UInt8])] = []
        for entry in entries {
            let bytes = EntryCodec.encode(entry)
            guard bytes.count <= LedgerLabels.maxEntryByteCount else {
                throw LedgerError.invalidEntry("encoded entry longer than \(LedgerLabels.maxEntryByteCount) bytes")
            }
            let leaf = MerkleMath.leafHash(bytes)
            rows.append(StoredEntry(index: range.size, bytes: bytes, leafHash: leaf))
            range.append(leafHash: leaf) { level, index, hash in
                if level >= LedgerLabels.firstStoredLevel { subtrees.append((level, index, hash)) }
            }
        }
        let header = BlockHeader(
            height: tip.nextHeight, previousHash: tip.previousHash, timestampMs: timestampMs,
            firstIndex: tip.treeSize, entryCount: UInt64(entries.count), treeSize: range.size, root: range.root)
        let block = SignedBlock.sign(header, with: signer.key)
        let checkpoint = try signer.checkpoint(treeSize: range.size, root: range.root)
        return AppendBatch(entries: rows, subtrees: subtrees, block: block, checkpoint: checkpoint)
    }
}
