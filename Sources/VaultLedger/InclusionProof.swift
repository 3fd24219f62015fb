/// An RFC 9162 section 2.1.3 inclusion proof: the audit path of leaf `leafIndex` in the tree of `treeSize`
/// leaves, ordered from the leaf upwards. Generated and verified exactly as RFC 9162 / transparency-dev/merkle.
public struct InclusionProof: Equatable, Sendable {
    /// The leaf's index (0-based).
    public let leafIndex: UInt64
    /// The size of the tree the proof is for.
    public let treeSize: UInt64
    /// The audit path, bottom-up.
    public let hashes: [[UInt8]]

    public init(leafIndex: UInt64, treeSize: UInt64, hashes: [[UInt8]]) {
        self.leafIndex = leafIndex
        self.treeSize = treeSize
        self.hashes = hashes
    }

    /// PATH(m, D[0:n]) of RFC 9162, reading O(log n) subtree hashes from `source`.
    public static func generate(leafIndex m: UInt64, treeSize n: UInt64, from source: some SubtreeHashSource) throws -> InclusionProof {
        guard m < n else { throw LedgerError.indexOutOfRange(index: m, treeSize: n) }
        var siblings: [[UInt8]] = []  // top-down
        var lo: UInt64 = 0, hi = n
        while hi - lo > 1 {
            let k = MerkleMath.split(hi - lo)
            if m - lo < k {
                siblings.append(try source.rangeHash(begin: lo + k, end: hi))
                hi = lo + k
            } else {
                siblings.append(try source.rangeHash(begin: lo, end: lo + k))
                lo += k
            }
        }
        return InclusionProof(leafIndex: m, treeSize: n, hashes: siblings.reversed())
    }

    /// The root this proof yields for `leafHash` (transparency-dev RootFromInclusionProof); throws when the
    /// index is outside the tree, a hash is not 32 bytes, or the proof has the wrong length.
    public func root(forLeafHash leafHash: [UInt8]) throws -> [UInt8] {
        guard leafIndex < treeSize else { throw LedgerError.indexOutOfRange(index: leafIndex, treeSize: treeSize) }
        try MerkleMath.checkLength(leafHash)
        for h in hashes { try MerkleMath.checkLength(h) }
        let (inner, border) = MerkleMath.decomposeInclusionProof(index: leafIndex, size: treeSize)
        guard hashes.count == inner + border else { throw LedgerError.wrongProofSize(expected: inner + border, actual: hashes.count) }
        let res = MerkleMath.chainInner(leafHash, hashes[..<inner], index: leafIndex)
        return MerkleMath.chainBorderRight(res, hashes[inner...])
    }

    /// Throws unless this proof shows `leafHash` at `leafIndex` in the tree with `root`.
    public func verify(leafHash: [UInt8], root expected: [UInt8]) throws {
        let calculated = try root(forLeafHash: leafHash)
        guard calculated == expected else { throw LedgerError.rootMismatch }
    }
}
