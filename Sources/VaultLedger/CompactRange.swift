/// The right edge of a growing tree: the perfect subtrees (largest first) that cover leaves [0, size).
/// Appending a leaf merges equal-level subtrees and reports each completed subtree, so a store can keep the
/// ones it persists; `root` folds the edge in O(log n).
public struct CompactRange: Sendable {
    /// Number of leaves covered.
    public private(set) var size: UInt64
    /// Hashes of the covering perfect subtrees, left to right (levels strictly decreasing).
    public private(set) var hashes: [[UInt8]]

    /// The empty range.
    public init() {
        size = 0
        hashes = []
    }

    /// The range of `size` leaves, its covering subtree hashes read from `source`.
    public init(size: UInt64, source: some SubtreeHashSource) throws {
        self.size = size
        self.hashes = try MerkleMath.decompose(begin: 0, end: size).map { try source.subtreeHash(level: $0.level, index: $0.index) }
    }

    /// Appends a leaf hash; calls `completed(level, index, hash)` for every perfect subtree this closes (level 0 included).
    public mutating func append(leafHash: [UInt8], completed: (Int, UInt64, [UInt8]) throws -> Void = { _, _, _ in }) rethrows {
        var hash = leafHash
        var level = 0
        var index = size
        try completed(0, index, hash)
        while (index & 1) == 1 {
            hash = MerkleMath.nodeHash(hashes.removeLast(), hash)
            level += 1
            index >>= 1
            try completed(level, index, hash)
        }
        hashes.append(hash)
        size += 1
    }

    /// MTH of the leaves [0, size).
    public var root: [UInt8] { MerkleMath.foldRight(hashes) }
}
