/// An RFC 9162 section 2.1.4 consistency proof between the tree of `oldSize` leaves and the tree of
/// `treeSize` leaves: proves the old tree is a prefix of the new one. Verified as transparency-dev/merkle.
public struct ConsistencyProof: Equatable, Sendable {
    /// The size of the older tree.
    public let oldSize: UInt64
    /// The size of the newer tree.
    public let treeSize: UInt64
    /// The proof hashes, in RFC 9162 order.
    public let hashes: [[UInt8]]

    public init(oldSize: UInt64, treeSize: UInt64, hashes: [[UInt8]]) {
        self.oldSize = oldSize
        self.treeSize = treeSize
        self.hashes = hashes
    }

    /// SUBPROOF(m, D[0:n], true) of RFC 9162 (empty when m == n or m == 0), from O(log n) subtree hashes.
    public static func generate(oldSize m: UInt64, treeSize n: UInt64, from source: some SubtreeHashSource) throws -> ConsistencyProof {
        guard m <= n else { throw LedgerError.invalidTreeSizes(old: m, new: n) }
        guard m > 0, m < n else { return ConsistencyProof(oldSize: m, treeSize: n, hashes: []) }
        var siblings: [[UInt8]] = []  // top-down
        var lo: UInt64 = 0, hi = n, complete = true
        while m - lo != hi - lo {
            let k = MerkleMath.split(hi - lo)
            if m - lo <= k {
                siblings.append(try source.rangeHash(begin: lo + k, end: hi))
                hi = lo + k
            } else {
                siblings.append(try source.rangeHash(begin: lo, end: lo + k))
                lo += k
                complete = false
            }
        }
        var hashes: [[UInt8]] = complete ? [] : [try source.rangeHash(begin: lo, end: hi)]
        hashes.append(contentsOf: siblings.reversed())
        return ConsistencyProof(oldSize: m, treeSize: n, hashes: hashes)
    }

    /// The new root this proof yields from `oldRoot` (for equal sizes: `oldRoot` itself, as transparency-dev), after checking that it also reproduces `oldRoot`
    /// (transparency-dev VerifyConsistency). Throws on sizes that do not go together, bad lengths, a wrong
    /// proof size, or when the proof does not lead back to `oldRoot`.
    public func newRoot(fromOldRoot oldRoot: [UInt8]) throws -> [UInt8] {
        guard oldSize <= treeSize else { throw LedgerError.invalidTreeSizes(old: oldSize, new: treeSize) }
        guard oldSize > 0 else { throw LedgerError.invalidTreeSizes(old: oldSize, new: treeSize) }
        if oldSize == treeSize {
            guard hashes.isEmpty else { throw LedgerError.wrongProofSize(expected: 0, actual: hashes.count) }
            return oldRoot
        }
        guard !hashes.isEmpty else { throw LedgerError.wrongProofSize(expected: 1, actual: 0) }
        try MerkleMath.checkLength(oldRoot)
        for h in hashes { try MerkleMath.checkLength(h) }
        var (inner, border) = MerkleMath.decomposeInclusionProof(index: oldSize - 1, size: treeSize)
        let shift = oldSize.trailingZeroBitCount
        inner -= shift
        var seed = hashes[0], start = 1
        if oldSize == UInt64(1) << UInt64(shift) { seed = oldRoot; start = 0 }
        guard hashes.count == start + inner + border else {
            throw LedgerError.wrongProofSize(expected: start + inner + border, actual: hashes.count)
        }
        let rest = hashes[start...]
        let mask = (oldSize - 1) >> UInt64(shift)
        var hash1 = MerkleMath.chainInnerRight(seed, rest.prefix(inner), index: mask)
        hash1 = MerkleMath.chainBorderRight(hash1, rest.dropFirst(inner))
        guard hash1 == oldRoot else { throw LedgerError.rootMismatch }
        var hash2 = MerkleMath.chainInner(seed, rest.prefix(inner), index: mask)
        hash2 = MerkleMath.chainBorderRight(hash2, rest.dropFirst(inner))
        return hash2
    }

    /// Throws unless this proof shows the tree with `oldRoot` is a prefix of the tree with `newRoot`.
    public func verify(oldRoot: [UInt8], newRoot expected: [UInt8]) throws {
        guard try newRoot(fromOldRoot: oldRoot) == expected else { throw LedgerError.rootMismatch }
    }
}
