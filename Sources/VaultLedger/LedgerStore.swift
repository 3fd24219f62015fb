/// What one append did: the indices given to the entries, the new tree size and the sealed block.
public struct AppendReceipt: Equatable, Sendable {
    /// Index of the first appended entry.
    public let firstIndex: UInt64
    /// Number of entries appended.
    public let count: UInt64
    /// Tree size after the append.
    public let treeSize: UInt64
    /// The block that seals the append.
    public let block: SignedBlock
    /// The signed checkpoint of the new tree size.
    public let checkpoint: SignedNote

    public init(firstIndex: UInt64, count: UInt64, treeSize: UInt64, block: SignedBlock, checkpoint: SignedNote) {
        self.firstIndex = firstIndex
        self.count = count
        self.treeSize = treeSize
        self.block = block
        self.checkpoint = checkpoint
    }

    /// The indices of the appended entries.
    public var indices: Range<UInt64> { firstIndex..<(firstIndex + count) }
}

/// An entry as stored: its index, canonical bytes and the leaf hash stored beside them.
public struct StoredEntry: Equatable, Sendable {
    public let index: UInt64
    public let bytes: [UInt8]
    public let leafHash: [UInt8]

    public init(index: UInt64, bytes: [UInt8], leafHash: [UInt8]) {
        self.index = index
        self.bytes = bytes
        self.leafHash = leafHash
    }
}

/// A block as stored: its height, encoded header and signature, undecoded, so a verifier sees what is there.
public struct StoredBlock: Equatable, Sendable {
    public let height: UInt64
    public let header: [UInt8]
    public let signature: [UInt8]

    public init(height: UInt64, header: [UInt8], signature: [UInt8]) {
        self.height = height
        self.header = header
        self.signature = signature
    }
}

/// The storage of a transparency ledger. An append is atomic (all entries, their subtree hashes, one block
/// and the new checkpoint, or nothing) and durable once it returns; proofs and roots take O(log n) reads.
public protocol LedgerStore {
    /// Appends `entries` (at least one) as one block and returns what was assigned.
    func append(_ entries: [LedgerEntry]) throws -> AppendReceipt
    /// The number of entries.
    func treeSize() throws -> UInt64
    /// The entry at `index`, as stored.
    func entry(at index: UInt64) throws -> StoredEntry
    /// The latest signed checkpoint, byte for byte as stored (nil before the first append).
    func latestCheckpoint() throws -> String?
    /// An inclusion proof of `index` in the tree of `treeSize` entries.
    func inclusionProof(index: UInt64, treeSize: UInt64) throws -> InclusionProof
    /// A consistency proof from `oldSize` to `treeSize`.
    func consistencyProof(oldSize: UInt64, treeSize: UInt64) throws -> ConsistencyProof
}

/// A read-only, consistent view of everything a store holds, for `LedgerVerifier`. Pages are ordered by
/// index or height and start at the first row at or after the one asked for.
public protocol LedgerSnapshot {
    /// Up to `limit` entries with index >= `from`, ordered by index.
    func entries(from: UInt64, limit: Int) throws -> [StoredEntry]
    /// Up to `limit` blocks with height >= `from`, ordered by height.
    func blocks(from: UInt64, limit: Int) throws -> [StoredBlock]
    /// The stored hash of the subtree (level, index), for levels that are positive multiples of the tile height.
    func storedSubtreeHash(level: Int, index: UInt64) throws -> [UInt8]?
    /// The stored checkpoint note.
    func checkpointNote() throws -> String?
}
