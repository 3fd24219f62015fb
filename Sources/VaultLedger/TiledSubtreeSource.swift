/// A `SubtreeHashSource` over a store that keeps leaf hashes and every complete subtree of level 4 or more:
/// those are read directly (and kept in the store's cache), levels 1-3 are folded from the 16 leaf hashes
/// of one leaf tile (one range read). `prefetch` loads everything a proof needs in two reads.
public final class TiledSubtreeSource<Reader: StoredHashReader>: SubtreeHashSource {
    let reader: Reader
    let cache: SubtreeHashCache?
    var leafTiles: [UInt64: [[UInt8]]] = [:]
    var stored: [SubtreeID: [UInt8]] = [:]

    /// Reads through `reader`; with a `cache`, stored subtree hashes are looked up there first and kept there.
    public init(reader: Reader, cache: SubtreeHashCache? = nil) {
        self.reader = reader
        self.cache = cache
    }

    public func subtreeHash(level: Int, index: UInt64) throws -> [UInt8] {
        if level >= LedgerLabels.firstStoredLevel {
            let id = SubtreeID(level: level, index: index)
            if let hit = stored[id] ?? cache?.hash(level: level, index: index) { return hit }
            guard let hash = try reader.storedHashes(level: level, from: index, count: 1).first else {
                throw LedgerError.subtreeMissing(level: level, index: index)
            }
            remember(id, hash)
            return hash
        }
        let first = index << UInt64(level)
        let width = 1 << level
        let tileIndex = first / UInt64(LedgerLabels.leafTileWidth)
        let offset = Int(first % UInt64(LedgerLabels.leafTileWidth))
        if (leafTiles[tileIndex]?.count ?? 0) < offset + width { try loadLeafTile(tileIndex) }
        guard let tile = leafTiles[tileIndex], tile.count >= offset + width else {
            throw LedgerError.subtreeMissing(level: 0, index: first + UInt64(max(0, (leafTiles[tileIndex]?.count ?? 0) - offset)))
        }
        if width == 1 { return tile[offset] }
        return Self.fold(Array(tile[offset..<(offset + width)]))
    }

    /// Loads the hashes behind `subtrees` in at most one read of stored subtrees plus one range read per
    /// leaf tile, so a following proof generation reads nothing more.
    public func prefetch(_ subtrees: [SubtreeID]) throws {
        var wanted: [SubtreeID] = []
        var tiles: Set<UInt64> = []
        for id in subtrees {
            if id.level >= LedgerLabels.firstStoredLevel {
                if stored[id] == nil, cache?.hash(level: id.level, index: id.index) == nil { wanted.append(id) }
            } else {
                tiles.insert((id.index << UInt64(id.level)) / UInt64(LedgerLabels.leafTileWidth))
            }
        }
        if !wanted.isEmpty {
            for (id, hash) in try reader.storedHashes(wanted) { remember(id, hash) }
        }
        for t in tiles where leafTiles[t] == nil { try loadLeafTile(t) }
    }

    func remember(_ id: SubtreeID, _ hash: [UInt8]) {
        stored[id] = hash
        cache?.store(level: id.level, index: id.index, hash: hash)
    }

    func loadLeafTile(_ tile: UInt64) throws {
        leafTiles[tile] = try reader.storedHashes(level: 0, from: tile * UInt64(LedgerLabels.leafTileWidth), count: LedgerLabels.leafTileWidth)
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

/// Reads stored hashes: leaf hashes at level 0, subtree hashes at levels 4 and up.
public protocol StoredHashReader {
    /// The hashes at `level` for indices `from ..< from + count`, in order, stopping at the first absent one.
    func storedHashes(level: Int, from: UInt64, count: Int) throws -> [[UInt8]]
    /// The stored hashes of `ids` (levels 4 and up) that exist.
    func storedHashes(_ ids: [SubtreeID]) throws -> [SubtreeID: [UInt8]]
}

extension StoredHashReader {
    /// One read per id; stores that can do better override it.
    public func storedHashes(_ ids: [SubtreeID]) throws -> [SubtreeID: [UInt8]] {
        var out: [SubtreeID: [UInt8]] = [:]
        for id in ids {
            if let h = try storedHashes(level: id.level, from: id.index, count: 1).first { out[id] = h }
        }
        return out
    }
}

extension InclusionProof {
    /// The subtrees whose hashes PATH(m, D[0:n]) needs (the same walk as `generate`, without hashing).
    public static func subtreesNeeded(leafIndex m: UInt64, treeSize n: UInt64) throws -> [SubtreeID] {
        guard m < n else { throw LedgerError.indexOutOfRange(index: m, treeSize: n) }
        var ids: [SubtreeID] = []
        var lo: UInt64 = 0, hi = n
        while hi - lo > 1 {
            let k = MerkleMath.split(hi - lo)
            if m - lo < k {
                ids += MerkleMath.decompose(begin: lo + k, end: hi).map { SubtreeID(level: $0.level, index: $0.index) }
                hi = lo + k
            } else {
                ids.append(SubtreeID(level: 63 - (k.leadingZeroBitCount), index: lo / k))
                lo += k
            }
        }
        return ids
    }
}

extension ConsistencyProof {
    /// The subtrees whose hashes SUBPROOF(m, D[0:n], true) needs (the same walk as `generate`, without hashing).
    public static func subtreesNeeded(oldSize m: UInt64, treeSize n: UInt64) throws -> [SubtreeID] {
        guard m <= n else { throw LedgerError.invalidTreeSizes(old: m, new: n) }
        guard m > 0, m < n else { return [] }
        var ids: [SubtreeID] = []
        var lo: UInt64 = 0, hi = n, complete = true
        while m - lo != hi - lo {
            let k = MerkleMath.split(hi - lo)
            if m - lo <= k {
                ids += MerkleMath.decompose(begin: lo + k, end: hi).map { SubtreeID(level: $0.level, index: $0.index) }
                hi = lo + k
            } else {
                ids.append(SubtreeID(level: 63 - (k.leadingZeroBitCount), index: lo / k))
                lo += k
                complete = false
            }
        }
        if !complete { ids += MerkleMath.decompose(begin: lo, end: hi).map { SubtreeID(level: $0.level, index: $0.index) } }
        return ids
    }
}
