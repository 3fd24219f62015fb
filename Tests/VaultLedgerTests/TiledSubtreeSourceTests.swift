import Testing
@testable import VaultLedger

/// A reader over a full in-memory tree that keeps only what a store keeps (levels 0, 4, 8, ...), counting reads.
final class CountingReader: StoredHashReader {
    let tree: MerkleTree
    var reads = 0
    var missing: Set<UInt64> = []
    init(_ tree: MerkleTree) { self.tree = tree }
    func storedHashes(level: Int, from: UInt64, count: Int) throws -> [[UInt8]] {
        precondition(level % LedgerLabels.tileHeight == 0)
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
        #expect(reader.reads == 0)
    }

    @Test func proofsNeedFewReads() throws {
        let reader = CountingReader(tree)
        let proof = try InclusionProof.generate(leafIndex: 377, treeSize: 1000, from: TiledSubtreeSource(reader: reader))
        #expect(proof == (try InclusionProof.generate(leafIndex: 377, treeSize: 1000, from: tree)))
        #expect(reader.reads <= 8)  // one tile per stored level, plus the right edge
    }

    @Test func aMissingHashIsATypedError() {
        let reader = CountingReader(tree)
        reader.missing = [42]
        #expect(throws: LedgerError.subtreeMissing(level: 0, index: 42)) {
            try TiledSubtreeSource(reader: reader).subtreeHash(level: 2, index: 10)
        }
    }
}
