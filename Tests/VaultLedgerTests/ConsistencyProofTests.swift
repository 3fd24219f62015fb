import Testing
import VaultTestSupport
@testable import VaultLedger

@Suite struct ConsistencyProofTests {
    @Test func referenceTreeProofsAreGeneratedAndVerified() throws {
        let v = try loadVectors("merkle", as: MerkleVectors.self)
        let leaves = v.leaves.map(hex)
        let tree = MerkleTree(entries: leaves)
        for p in v.consistency {
            let proof = try ConsistencyProof.generate(oldSize: p.old_size, treeSize: p.tree_size, from: tree)
            #expect(proof.hashes == p.hashes.map(hex), "\(p.old_size) -> \(p.tree_size)")
            try proof.verify(oldRoot: try tree.root(size: p.old_size), newRoot: try tree.root(size: p.tree_size))
        }
        #expect(v.consistency.count == 36)
    }

    @Test func transparencyDevVectorsPassAndFailAsTheyShould() throws {
        let v = try loadVectors("transparency-dev-proofs", as: ImportedProofVectors.self)
        #expect(v.consistency.count > 90)
        for t in v.consistency {
            var failed = false
            let proof = ConsistencyProof(oldSize: t.size1, treeSize: t.size2, hashes: (t.proof ?? []).map { b64($0) })
            do { try proof.verify(oldRoot: b64(t.root1), newRoot: b64(t.root2)) } catch { failed = true }
            #expect(failed == t.wantErr, "\(t.file): \(t.desc) \(t.size1) \(t.size2)")
        }
    }

    @Test func randomTreesEveryProofVerifiesAndEveryTamperingFails() throws {
        var rng = SplitMix(state: 0xc0751)
        var tree = MerkleTree()
        for _ in 0..<1200 { tree.append(leafHash: MerkleMath.leafHash(withUnsafeBytes(of: tree.size) { Array($0) })) }
        var pairs: [(UInt64, UInt64)] = []
        for n in UInt64(1)...40 { for m in UInt64(1)...n { pairs.append((m, n)) } }
        for _ in 0..<150 {
            let n = UInt64.random(in: 41...1200, using: &rng)
            pairs.append((UInt64.random(in: 1...n, using: &rng), n))
        }
        for (m, n) in pairs {
            let oldRoot = try tree.root(size: m), newRoot = try tree.root(size: n)
            let proof = try ConsistencyProof.generate(oldSize: m, treeSize: n, from: tree)
            try proof.verify(oldRoot: oldRoot, newRoot: newRoot)
            for i in proof.hashes.indices {
                var hashes = proof.hashes
                hashes[i][Int.random(in: 0..<32, using: &rng)] ^= 1 << UInt8.random(in: 0..<8, using: &rng)
                #expect(throws: LedgerError.self) { try ConsistencyProof(oldSize: m, treeSize: n, hashes: hashes).verify(oldRoot: oldRoot, newRoot: newRoot) }
            }
            // Another size, checked against that size's root (checkpoints sign size and root together).
            for otherOld in [m + 1, m - 1, m * 2] where otherOld != m && otherOld >= 1 && otherOld <= n {
                let otherRoot = try tree.root(size: otherOld)
                if try ConsistencyProof.generate(oldSize: otherOld, treeSize: n, from: tree).hashes == proof.hashes { continue }
                #expect(throws: LedgerError.self) { try ConsistencyProof(oldSize: otherOld, treeSize: n, hashes: proof.hashes).verify(oldRoot: otherRoot, newRoot: newRoot) }
            }
            for otherNew in [n + 1, n - 1, n * 2] where otherNew != n && otherNew >= m && otherNew <= tree.size {
                let otherRoot = try tree.root(size: otherNew)
                if try ConsistencyProof.generate(oldSize: m, treeSize: otherNew, from: tree).hashes == proof.hashes { continue }
                #expect(throws: LedgerError.self) { try ConsistencyProof(oldSize: m, treeSize: otherNew, hashes: proof.hashes).verify(oldRoot: oldRoot, newRoot: otherRoot) }
            }
            if m < n {
                #expect(throws: LedgerError.self) { try proof.verify(oldRoot: newRoot, newRoot: oldRoot) }
                #expect(throws: LedgerError.self) { try ConsistencyProof(oldSize: m, treeSize: n, hashes: Array(proof.hashes.dropLast())).verify(oldRoot: oldRoot, newRoot: newRoot) }
            }
        }
    }

    @Test func sizesThatDoNotGoTogetherAreRefused() throws {
        let tree = MerkleTree(entries: [[1], [2], [3]])
        #expect(throws: LedgerError.invalidTreeSizes(old: 3, new: 2)) { try ConsistencyProof.generate(oldSize: 3, treeSize: 2, from: tree) }
        #expect(try ConsistencyProof.generate(oldSize: 0, treeSize: 3, from: tree).hashes.isEmpty)
        #expect(try ConsistencyProof.generate(oldSize: 3, treeSize: 3, from: tree).hashes.isEmpty)
        #expect(throws: LedgerError.self) { try ConsistencyProof(oldSize: 0, treeSize: 3, hashes: []).verify(oldRoot: MerkleMath.emptyRoot, newRoot: tree.root) }
    }
}
