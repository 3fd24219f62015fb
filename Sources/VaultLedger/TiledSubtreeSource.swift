/// A `SubtreeHashSource` over a store that keeps only leaf hashes (level 0) and subtrees at levels that are
/// multiples of the tile height (4). Hashes are read a tile at a time (16 stored hashes of one level, one
/// range read) and any subtree between stored levels is folded from at most 8 of them. Remembers the
/// tiles it read, for the life of one proof or append.
public final class TiledSubtreeSource<Reader: StoredHashReader>: SubtreeHashSource {
    struct TileKey: Hashable {
        let level: Int
        let index: UInt64
    }

    static var tileWidth: Int { 1 << LedgerLabels.tileHeight }

    let reader: Reader
    let cache: SubtreeHashCache?
    var tiles: [TileKey: [[UInt8]]] = [:]

    /// Reads through `reader`; with a `cache`, complete subtree hashes (level >= 4) are looked up there first
    /// and remembered there after.
    public init(reader: Reader, cache: SubtreeHashCache? = nil) {
        self.reader = reader
        self.cache = cache
    }

    public func subtreeHash(level: Int, index: UInt64) throws -> [UInt8] {
        // Only levels >= the tile height are cached: the lower ones are many and cheap to fold again.
        guard level >= LedgerLabels.tileHeight, let cache else { return try read(level: level, index: index) }
        if let hit = cache.hash(level: level, index: index) { return hit }
        let hash = try read(level: level, index: index)
        cache.store(level: level, index: index, hash: hash)
        return hash
    }

    func read(level: Int, index: UInt64) throws -> [UInt8] {
        let base = level - level % LedgerLabels.tileHeight
        let shift = UInt64(level - base)
        let first = index << shift
        let width = 1 << Int(shift)
        // Stored subtrees above the leaves may already be in the cache (see `SQLiteLedgerStore.prefillCache`).
        if base > 0, width > 1, let cache {
            var hashes: [[UInt8]] = []
            hashes.reserveCapacity(width)
            for i in 0..<UInt64(width) {
                guard let h = cache.hash(level: base, index: first + i) else { break }
                hashes.append(h)
            }
            if hashes.count == width { return Self.fold(hashes) }
        }
        let key = TileKey(level: base, index: first >> UInt64(LedgerLabels.tileHeight))
        let offset = Int(first & UInt64(Self.tileWidth - 1))
        var tile = tiles[key]
        if tile == nil || tile!.count < offset + width {
            let loaded = try reader.storedHashes(level: base, from: key.index << UInt64(LedgerLabels.tileHeight), count: Self.tileWidth)
            tiles[key] = loaded
            tile = loaded
        }
        guard let tile, tile.count >= offset + width else {
            throw LedgerError.subtreeMissing(level: base, index: first + UInt64(max(0, (tile?.count ?? 0) - offset)))
        }
        if width == 1 { return tile[offset] }
        return Self.fold(Array(tile[offset..<(offset + width)]))
    }

    /// The root of a perfect subtree given its 2^k bottom hashes, left to right.
    static func fold(_ bottom: [[UInt8]]) -> [UInt8] {
        var hashes = bottom
        while hashes.count > 1 {
            for i in 0..<(hashes.count / 2) { hashes[i] = MerkleMath.nodeHash(hashes[2 * i], hashes[2 * i + 1]) }
            hashes.removeLast(hashes.count / 2)
        }
        return hashes[0]
    }
}

/// Reads stored hashes: leaf hashes at level 0, subtree hashes at positive multiples of the tile height.
public protocol StoredHashReader {
    /// The hashes at `level` for indices `from ..< from + count`, in order, stopping at the first absent one.
    func storedHashes(level: Int, from: UInt64, count: Int) throws -> [[UInt8]]
}
