import VaultCrypto

/// The RFC 6962 / RFC 9162 hashing rules and the index arithmetic of the tree, as small pure functions.
public enum MerkleMath {
    /// Leaf hash: SHA-256(0x00 || entry bytes).
    public static func leafHash(_ entry: [UInt8]) -> [UInt8] {
        SHA256.hash(leafPrefixBytes, entry)
    }

    private static let leafPrefixBytes = [LedgerLabels.leafPrefix]
    private static let nodePrefixBytes = [LedgerLabels.nodePrefix]

    /// Interior node hash: SHA-256(0x01 || left || right).
    public static func nodeHash(_ left: [UInt8], _ right: [UInt8]) -> [UInt8] {
        SHA256.hash(nodePrefixBytes, left, right)
    }

    /// Root of the empty tree: SHA-256 of the empty string.
    public static let emptyRoot: [UInt8] = SHA256.hash([])

    /// The largest power of two strictly less than `n` (n >= 2): the split point k of RFC 6962.
    public static func split(_ n: UInt64) -> UInt64 {
        precondition(n >= 2)
        return UInt64(1) << UInt64(63 - (n - 1).leadingZeroBitCount)
    }

    /// The perfect subtrees (level, index), left to right, whose leaves together are exactly [begin, end):
    /// at each step the largest aligned subtree that starts at `begin` and fits. For the ranges of RFC 6962
    /// recursion (an aligned start, or an end at the tree size) folding them right to left gives MTH(D[begin:end]).
    public static func decompose(begin: UInt64, end: UInt64) -> [(level: Int, index: UInt64)] {
        var out: [(level: Int, index: UInt64)] = []
        var at = begin
        while at < end {
            var level = at == 0 ? 63 : at.trailingZeroBitCount
            while level > 0 && (level >= 64 || end - at < UInt64(1) << UInt64(level)) { level -= 1 }
            out.append((level, at >> UInt64(level)))
            at += UInt64(1) << UInt64(level)
        }
        return out
    }

    /// Folds subtree hashes right to left: h0 ⊕ (h1 ⊕ (... ⊕ hk)), where ⊕ is `nodeHash`.
    public static func foldRight(_ hashes: [[UInt8]]) -> [UInt8] {
        guard var acc = hashes.last else { return emptyRoot }
        for h in hashes.dropLast().reversed() { acc = nodeHash(h, acc) }
        return acc
    }

    /// Checks that `hash` is 32 bytes.
    static func checkLength(_ hash: [UInt8]) throws {
        guard hash.count == LedgerLabels.hashByteCount else { throw LedgerError.invalidHashLength(hash.count) }
    }

    /// (inner, border) of transparency-dev/merkle: how many proof hashes are siblings below the point where
    /// the paths to `index` and to `size - 1` meet, and how many are left-hand border hashes above it.
    static func decomposeInclusionProof(index: UInt64, size: UInt64) -> (inner: Int, border: Int) {
        let x = index ^ (size - 1)
        let inner = 64 - x.leadingZeroBitCount
        let border = (inner >= 64 ? 0 : index >> UInt64(inner)).nonzeroBitCount
        return (inner, border)
    }

    static func chainInner(_ seed: [UInt8], _ proof: ArraySlice<[UInt8]>, index: UInt64) -> [UInt8] {
        var seed = seed
        for (i, h) in proof.enumerated() {
            seed = (index >> UInt64(i)) & 1 == 0 ? nodeHash(seed, h) : nodeHash(h, seed)
        }
        return seed
    }

    static func chainInnerRight(_ seed: [UInt8], _ proof: ArraySlice<[UInt8]>, index: UInt64) -> [UInt8] {
        var seed = seed
        for (i, h) in proof.enumerated() where (index >> UInt64(i)) & 1 == 1 { seed = nodeHash(h, seed) }
        return seed
    }

    static func chainBorderRight(_ seed: [UInt8], _ proof: ArraySlice<[UInt8]>) -> [UInt8] {
        var seed = seed
        for h in proof { seed = nodeHash(h, seed) }
        return seed
    }
}
