/// A store's reader over one consistent snapshot that keeps leaf hashes and the subtrees of stored levels:
/// everything else a log node serves (entries, proofs, roots) follows from these, the same for every backend.
public protocol TiledLedgerReader: StoredHashReader, LedgerSnapshot {
    /// The tip: tree size, next height and last block hash (the empty tip before the first append).
    func tip() throws -> LedgerTip
    /// Complete subtree hashes already read, shared across snapshots of one store (nil: read everything).
    var cache: SubtreeHashCache? { get }
}

extension TiledLedgerReader {
    /// Hashes of any complete subtree, from the stored tiles (and the cache).
    public var subtrees: TiledSubtreeSource<Self> { TiledSubtreeSource(reader: self, cache: cache) }

    /// The stored entry at `index`.
    public func entry(at index: UInt64) throws -> StoredEntry {
        guard let e = try entries(from: index, limit: 1).first, e.index == index else { throw LedgerError.entryMissing(index: index) }
        return e
    }

    /// An inclusion proof from the stored tiles (O(log n) reads).
    public func inclusionProof(index: UInt64, treeSize: UInt64) throws -> InclusionProof {
        let size = try tip().treeSize
        guard treeSize <= size else { throw LedgerError.sizeBeyondLog(size: treeSize, treeSize: size) }
        let source = subtrees
        try source.prefetch(try InclusionProof.subtreesNeeded(leafIndex: index, treeSize: treeSize))
        return try InclusionProof.generate(leafIndex: index, treeSize: treeSize, from: source)
    }

    /// A consistency proof from the stored tiles (O(log n) reads).
    public func consistencyProof(oldSize: UInt64, treeSize: UInt64) throws -> ConsistencyProof {
        let size = try tip().treeSize
        guard treeSize <= size else { throw LedgerError.sizeBeyondLog(size: treeSize, treeSize: size) }
        let source = subtrees
        try source.prefetch(try ConsistencyProof.subtreesNeeded(oldSize: oldSize, treeSize: treeSize))
        return try ConsistencyProof.generate(oldSize: oldSize, treeSize: treeSize, from: source)
    }

    /// The root of the tree of `treeSize` entries.
    public func root(treeSize: UInt64) throws -> [UInt8] {
        let source = subtrees
        try source.prefetch(MerkleMath.decompose(begin: 0, end: treeSize).map { SubtreeID(level: $0.level, index: $0.index) })
        return try source.root(size: treeSize)
    }

    /// The right edge of the tree, ready to extend: what an append builds on.
    public func frontier(of tip: LedgerTip) throws -> CompactRange {
        let source = subtrees
        try source.prefetch(MerkleMath.decompose(begin: 0, end: tip.treeSize).map { SubtreeID(level: $0.level, index: $0.index) })
        return try CompactRange(size: tip.treeSize, source: source)
    }
}
