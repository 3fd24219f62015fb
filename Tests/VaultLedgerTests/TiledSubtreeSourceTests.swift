import Testing
@testable import VaultLedger

/// A reader over a full in-memory tree that keeps only what a store keeps (levels 0, 4, 8, ...), counting reads.
final class CountingReader: StoredHashReader {
    let tree: MerkleTree
    var reads = 0
    var missing: Set<UInt64> = []
    init(_ tree: MerkleTree) { self.tree = tree }
    func storedHashes(level: Int, from: UInt64, count: Int) throws -> [[UInt8]] {
        precondition(level == 0 || level >= LedgerLabels.firstStoredLevel)
        reads += 1
        var out: [[UInt8]] = []
        for i in from..<(from + UInt64(count)) {
            if level == 0 && missing.contains(i) { break }
            guard let h = try? tree.subtreeHash(level: level, index: i) else { break }
            out.append(h)
        }
        return out
    }
}

@Suite struct TiledSubtreeSourceTests {
    let tree = MerkleTree(entries: (0..<1000).map { [UInt8(truncatingIfNeeded: $0), UInt8($0 >> 8)] })

    @Test func everySubtreeMatchesTheFullTreeWithAndWithoutCache() throws {
        let cache = SubtreeHashCache()
        for level in 0..<tree.levels.count {
            for index in 0..<UInt64(tree.levels[level].count) {
                let want = try tree.subtreeHash(level: level, index: index)
                #expect(try TiledSubtreeSource(reader: CountingReader(tree)).subtreeHash(level: level, index: index) == want)
                #expect(try TiledSubtreeSource(reader: CountingReader(tree), cache: cache).subtreeHash(level: level, index: index) == want)
            }
        }
        #expect(cache.count > 0)
        // Cached hashes are served again, without reads.
        let reader = CountingReader(tree)
        _ = try TiledSubtreeSource(reader: reader, cache: cache).subtreeHash(level: 6, index: 5)
        _ = try TiledSubtreeSource(reader: reader, cache: cache).subtreeHash(level: 5, index: 3)
        #expect(reader.reads == 0)
    }

    @Test func proofsNeedFewReads() throws {
        let reader = CountingReader(tree)
        let proof = try InclusionProof.generate(leafIndex: 377, treeSize: 1000, from: TiledSubtreeSource(reader: reader))
        #expect(proof == (try InclusionProof.generate(leafIndex: 377, treeSize: 1000, from: tree)))
        // With a prefetch: one batched read of stored subtrees (counted once per id here) and the leaf tiles.
        for (m, n) in [(UInt64(377), UInt64(1000)), (0, 1000), (999, 1000), (500, 777), (3, 5)] {
            let prefetching = CountingReader(tree)
            let source = TiledSubtreeSource(reader: prefetching)
            try source.prefetch(try InclusionProof.subtreesNeeded(leafIndex: m, treeSize: n))
            let before = prefetching.reads
            #expect(try InclusionProof.generate(leafIndex: m, treeSize: n, from: source) == (try InclusionProof.generate(leafIndex: m, treeSize: n, from: tree)))
            #expect(prefetching.reads == before)  // nothing read after the prefetch
            let consistency = TiledSubtreeSource(reader: CountingReader(tree))
            try consistency.prefetch(try ConsistencyProof.subtreesNeeded(oldSize: m + 1, treeSize: n))
            #expect(try ConsistencyProof.generate(oldSize: m + 1, treeSize: n, from: consistency) == (try ConsistencyProof.generate(oldSize: m + 1, treeSize: n, from: tree)))
        }
    }

    @Test func subtreesNeededIsExactlyWhatGenerationAsks() throws {
        for n in UInt64(1)...140 {
            for m in 0..<n {
                let recorder = SubtreeRequestRecorder()
                _ = try InclusionProof.generate(leafIndex: m, treeSize: n, from: recorder)
                #expect(Set(try InclusionProof.subtreesNeeded(leafIndex: m, treeSize: n)) == Set(recorder.requested))
                let consistency = SubtreeRequestRecorder()
                _ = try ConsistencyProof.generate(oldSize: m + 1, treeSize: n, from: consistency)
                #expect(Set(try ConsistencyProof.subtreesNeeded(oldSize: m + 1, treeSize: n)) == Set(consistency.requested))
            }
        }
    }

    @Test func aMissingHashIsATypedError() {
        let reader = CountingReader(tree)
        reader.missing = [42]
        #expect(throws: LedgerError.subtreeMissing(level: 0, index: 42)) {
            try TiledSubtreeSource(reader: reader).subtreeHash(level: 2, index: 10)
        }
    }
}
