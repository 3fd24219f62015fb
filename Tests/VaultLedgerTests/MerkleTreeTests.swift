import Testing
import VaultTestSupport
import VaultCrypto
@testable import VaultLedger

/// The committed RFC 6962 reference-tree vectors (recomputed independently by scripts/ledger_vectors.py).
struct MerkleVectors: Decodable {
    struct Root: Decodable { let tree_size: UInt64; let root: String }
    struct Inclusion: Decodable { let leaf_index: UInt64; let tree_size: UInt64; let hashes: [String] }
    struct Consistency: Decodable { let old_size: UInt64; let tree_size: UInt64; let hashes: [String] }
    let leaves: [String]
    let leaf_hashes: [String]
    let roots: [Root]
    let empty_root: String
    let inclusion: [Inclusion]
    let consistency: [Consistency]
}

@Suite struct MerkleTreeTests {
    let vectors: MerkleVectors
    init() throws { vectors = try loadVectors("merkle", as: MerkleVectors.self) }

    @Test func leafAndNodeHashesAndRootsMatchTheReferenceTree() throws {
        let leaves = vectors.leaves.map(hex)
        #expect(leaves.map(MerkleMath.leafHash) == vectors.leaf_hashes.map(hex))
        #expect(MerkleMath.emptyRoot == hex(vectors.empty_root))
        #expect(MerkleTree().root == hex(vectors.empty_root))
        for r in vectors.roots {
            let tree = MerkleTree(entries: Array(leaves.prefix(Int(r.tree_size))))
            #expect(tree.root == hex(r.root), "size \(r.tree_size)")
        }
        #expect(Hex.encode(MerkleTree(entries: leaves).root) == "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328")
    }

    @Test func compactRangeAgreesWithTheFullTree() throws {
        var range = CompactRange()
        var tree = MerkleTree()
        for i in 0..<300 {
            let leaf = MerkleMath.leafHash([UInt8(i & 0xff), UInt8(i >> 8)])
            tree.append(leafHash: leaf)
            var completed: [(Int, UInt64)] = []
            range.append(leafHash: leaf) { level, index, hash in
                completed.append((level, index))
                #expect(hash == tree.levels[level][Int(index)])
            }
            #expect(range.root == tree.root)
            #expect(completed.count == 1 + (i + 1).trailingZeroBitCount)
            let rebuilt = try CompactRange(size: tree.size, source: tree)
            #expect(rebuilt.root == tree.root)
        }
    }

    @Test func decomposeCoversTheRangeWithAlignedSubtrees() {
        for begin in UInt64(0)..<40 {
            for end in begin...70 {
                var at = begin
                for part in MerkleMath.decompose(begin: begin, end: end) {
                    #expect(part.index << UInt64(part.level) == at)
                    at += UInt64(1) << UInt64(part.level)
                }
                #expect(at == end)
            }
        }
    }

    @Test func splitIsTheLargestPowerOfTwoBelow() {
        #expect(MerkleMath.split(2) == 1)
        #expect(MerkleMath.split(3) == 2)
        #expect(MerkleMath.split(4) == 2)
        #expect(MerkleMath.split(5) == 4)
        #expect(MerkleMath.split(UInt64(1) << 40 + 1) == UInt64(1) << 40)
    }
}
