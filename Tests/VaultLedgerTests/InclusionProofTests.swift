import Foundation
import Testing
import VaultTestSupport
@testable import VaultLedger

/// transparency-dev/merkle's testdata vectors, imported verbatim (base64; odd values on purpose).
struct ImportedProofVectors: Decodable {
    struct Inclusion: Decodable {
        let leafIdx: UInt64; let treeSize: UInt64; let root: String?; let leafHash: String?; let proof: [String]?
        let desc: String; let wantErr: Bool; let file: String
    }
    struct Consistency: Decodable {
        let size1: UInt64; let size2: UInt64; let root1: String?; let root2: String?; let proof: [String]?
        let desc: String; let wantErr: Bool; let file: String
    }
    let inclusion: [Inclusion]
    let consistency: [Consistency]
}

@Suite struct InclusionProofTests {
    @Test func referenceTreeProofsAreGeneratedAndVerified() throws {
        let v = try loadVectors("merkle", as: MerkleVectors.self)
        let leaves = v.leaves.map(hex)
        for p in v.inclusion {
            let tree = MerkleTree(entries: Array(leaves.prefix(Int(p.tree_size))))
            let proof = try InclusionProof.generate(leafIndex: p.leaf_index, treeSize: p.tree_size, from: tree)
            #expect(proof.hashes == p.hashes.map(hex), "index \(p.leaf_index) size \(p.tree_size)")
            try proof.verify(leafHash: MerkleMath.leafHash(leaves[Int(p.leaf_index)]), root: tree.root)
        }
        #expect(v.inclusion.count == 36)
    }

    @Test func transparencyDevVectorsPassAndFailAsTheyShould() throws {
        let v = try loadVectors("transparency-dev-proofs", as: ImportedProofVectors.self)
        #expect(v.inclusion.count > 90)
        for t in v.inclusion {
            var failed = false
            let proof = InclusionProof(leafIndex: t.leafIdx, treeSize: t.treeSize, hashes: (t.proof ?? []).map { b64($0) })
            do { try proof.verify(leafHash: b64(t.leafHash), root: b64(t.root)) } catch { failed = true }
            #expect(failed == t.wantErr, "\(t.file): \(t.desc)")
        }
    }

    @Test func randomTreesEveryProofVerifiesAndEveryTamperingFails() throws {
        var rng = SplitMix(state: 0x1ed6e7)
        var tree = MerkleTree()
        var sizes: [UInt64] = Array(1...70)
        for _ in 0..<30 { sizes.append(UInt64.random(in: 71...1500, using: &rng)) }
        for _ in 0..<1500 { tree.append(leafHash: MerkleMath.leafHash(withUnsafeBytes(of: tree.size) { Array($0) })) }
        for n in sizes {
            let root = try tree.root(size: n)
            let indices: [UInt64] = n <= 70 ? Array(0..<n) : (0..<8).map { _ in UInt64.random(in: 0..<n, using: &rng) } + [0, n - 1]
            for m in indices {
                let leaf = try tree.subtreeHash(level: 0, index: m)
                let proof = try InclusionProof.generate(leafIndex: m, treeSize: n, from: tree)
                try proof.verify(leafHash: leaf, root: root)
                // Any one hash changed.
                for i in proof.hashes.indices {
                    var hashes = proof.hashes
                    hashes[i][Int.random(in: 0..<32, using: &rng)] ^= 1 << UInt8.random(in: 0..<8, using: &rng)
                    #expect(throws: LedgerError.self) { try InclusionProof(leafIndex: m, treeSize: n, hashes: hashes).verify(leafHash: leaf, root: root) }
                }
                var badLeaf = leaf
                badLeaf[0] ^= 0x80
                #expect(throws: LedgerError.self) { try proof.verify(leafHash: badLeaf, root: root) }
                // Another index or size.
                for other in [m &+ 1, m &- 1, m ^ 2] where other < n && other != m {
                    #expect(throws: LedgerError.self) { try InclusionProof(leafIndex: other, treeSize: n, hashes: proof.hashes).verify(leafHash: leaf, root: root) }
                }
                // Another size, checked against that size's root (a checkpoint signs size and root together):
                // fails unless the proof for that size happens to be the very same hashes.
                for otherSize in [n + 1, n - 1, n * 2] where otherSize != n && otherSize > m && otherSize <= tree.size {
                    let same = try InclusionProof.generate(leafIndex: m, treeSize: otherSize, from: tree).hashes == proof.hashes
                    let otherRoot = try tree.root(size: otherSize)
                    if same { continue }
                    #expect(throws: LedgerError.self) { try InclusionProof(leafIndex: m, treeSize: otherSize, hashes: proof.hashes).verify(leafHash: leaf, root: otherRoot) }
                }
                // A hash dropped or added.
                if !proof.hashes.isEmpty {
                    #expect(throws: LedgerError.self) { try InclusionProof(leafIndex: m, treeSize: n, hashes: Array(proof.hashes.dropLast())).verify(leafHash: leaf, root: root) }
                }
                #expect(throws: LedgerError.self) { try InclusionProof(leafIndex: m, treeSize: n, hashes: proof.hashes + [root]).verify(leafHash: leaf, root: root) }
            }
        }
    }

    @Test func outOfRangeIndicesAndBadLengthsAreTypedErrors() throws {
        let tree = MerkleTree(entries: [[1], [2], [3]])
        #expect(throws: LedgerError.indexOutOfRange(index: 3, treeSize: 3)) { try InclusionProof.generate(leafIndex: 3, treeSize: 3, from: tree) }
        let proof = try InclusionProof.generate(leafIndex: 1, treeSize: 3, from: tree)
        #expect(throws: LedgerError.invalidHashLength(31)) { try proof.verify(leafHash: [UInt8](repeating: 0, count: 31), root: tree.root) }
        #expect(throws: LedgerError.subtreeMissing(level: 1, index: 1)) { try InclusionProof.generate(leafIndex: 1, treeSize: 4, from: tree) }
    }
}
