/// An in-memory RFC 6962 Merkle tree over leaf hashes: every level is kept, so any subtree, root or proof is
/// available. For tests, vectors and verifiers of small logs; the stored log uses the same algorithms.
public struct MerkleTree: SubtreeHashSource, Sendable {
    /// levels[0] are the leaf hashes; levels[l][i] is the hash of the perfect subtree (l, i).
    public private(set) var levels: [[[UInt8]]] = [[]]

    /// An empty tree.
    public init() {}

    /// A tree over the given encoded entries.
    public init(entries: [[UInt8]]) {
        for e in entries { append(leafHash: MerkleMath.leafHash(e)) }
    }

    /// Number of leaves.
    public var size: UInt64 { UInt64(levels[0].count) }

    /// Root of the whole tree.
    public var root: [UInt8] { (try? root(size: size)) ?? MerkleMath.emptyRoot }

    /// Appends a leaf hash and completes every perfect subtree it closes.
    public mutating func append(leafHash: [UInt8]) {
        levels[0].append(leafHash)
        var level = 0
        while levels[level].count % 2 == 0 {
            let n = levels[level].count
            let parent = MerkleMath.nodeHash(levels[level][n - 2], levels[level][n - 1])
            if levels.count == level + 1 { levels.append([]) }
            levels[level + 1].append(parent)
            level += 1
        }
    }

    public func subtreeHash(level: Int, index: UInt64) throws -> [UInt8] {
        guard level < levels.count, index < UInt64(levels[level].count) else {
            throw LedgerError.subtreeMissing(level: level, index: index)
        }
        return levels[level][Int(index)]
    }
}
