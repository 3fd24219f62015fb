/// A `SubtreeHashSource` over a store that keeps only leaf hashes (level 0) and subtrees at levels that are
/// multiples of the tile height: any other subtree is folded from at most 2^(tileHeight-1) stored hashes of
/// one contiguous run, read with one range read. Remembers what it read, for the life of one proof.
public final class TiledSubtreeSource<Reader: StoredHashReader>: SubtreeHashSource {
    let reader: Reader
    var cache: [Int: [UInt64: [UInt8]]] = [:]

    public init(reader: Reader) {
        self.reader = reader
    }

    public func subtreeHash(level: Int, index: UInt64) throws -> [UInt8] {
        if let hit = cache[level]?[index] { return hit }
        let base = level - level % LedgerLabels.tileHeight
        let width = UInt64(1) << UInt64(level - base)
        let first = index << UInt64(level - base)
        var hashes = try reader.storedHashes(level: base, from: first, count: Int(width))
        guard hashes.count == Int(width) else { throw LedgerError.subtreeMissing(level: base, index: first + UInt64(hashes.count)) }
        while hashes.count > 1 {
            hashes = stride(from: 0, to: hashes.count, by: 2).map { MerkleMath.nodeHash(hashes[$0], hashes[$0 + 1]) }
        }
        cache[level, default: [:]][index] = hashes[0]
        return hashes[0]
    }
}

/// Reads stored hashes: leaf hashes at level 0, subtree hashes at positive multiples of the tile height.
public protocol StoredHashReader {
    /// The hashes at `level` for indices `from ..< from + count`, in order; fewer when some are absent.
    func storedHashes(level: Int, from: UInt64, count: Int) throws -> [[UInt8]]
}
