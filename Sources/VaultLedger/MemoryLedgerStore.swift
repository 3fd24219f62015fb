/// A `LedgerStore` and `LedgerSnapshot` held in memory, with the same rows and algorithms as the SQLite store:
/// for tests and for code that needs a ledger without a database. Not thread-safe; not durable.
public final class MemoryLedgerStore: LedgerStore, LedgerSnapshot, StoredHashReader {
    /// The signer of blocks and checkpoints.
    public let signer: LedgerSigner
    /// The clock, in ms since the Unix epoch.
    public var clock: () -> UInt64
    /// Entry rows by index (tests may tamper with them).
    public var entryRows: [UInt64: StoredEntry] = [:]
    /// Stored subtree hashes by level and index.
    public var subtreeRows: [Int: [UInt64: [UInt8]]] = [:]
    /// Block rows by height.
    public var blockRows: [UInt64: StoredBlock] = [:]
    /// The stored checkpoint note.
    public var checkpointText: String?

    public init(signer: LedgerSigner, clock: @escaping () -> UInt64 = { 0 }) {
        self.signer = signer
        self.clock = clock
    }

    var tip: LedgerTip {
        get throws {
            guard let last = blockRows.keys.max(), let row = blockRows[last] else { return .empty }
            return LedgerTip(after: try BlockHeader(decoding: row.header))
        }
    }

    public func append(_ entries: [LedgerEntry]) throws -> AppendReceipt {
        let tip = try self.tip
        let frontier = try CompactRange(size: tip.treeSize, source: TiledSubtreeSource(reader: self))
        let batch = try LedgerAppender.seal(entries, after: tip, frontier: frontier, signer: signer, timestampMs: clock())
        for row in batch.entries { entryRows[row.index] = row }
        for s in batch.subtrees { subtreeRows[s.level, default: [:]][s.index] = s.hash }
        let h = batch.block.header
        blockRows[h.height] = StoredBlock(height: h.height, header: h.encoded, signature: batch.block.signature)
        checkpointText = batch.checkpoint.serialized
        return AppendReceipt(firstIndex: h.firstIndex, count: h.entryCount, treeSize: h.treeSize, block: batch.block, checkpoint: batch.checkpoint)
    }

    public func treeSize() throws -> UInt64 { try tip.treeSize }

    public func entry(at index: UInt64) throws -> StoredEntry {
        guard let row = entryRows[index] else { throw LedgerError.entryMissing(index: index) }
        return row
    }

    public func latestCheckpoint() throws -> String? { checkpointText }

    public func inclusionProof(index: UInt64, treeSize: UInt64) throws -> InclusionProof {
        guard treeSize <= (try tip.treeSize) else { throw LedgerError.sizeBeyondLog(size: treeSize, treeSize: try tip.treeSize) }
        return try InclusionProof.generate(leafIndex: index, treeSize: treeSize, from: TiledSubtreeSource(reader: self))
    }

    public func consistencyProof(oldSize: UInt64, treeSize: UInt64) throws -> ConsistencyProof {
        guard treeSize <= (try tip.treeSize) else { throw LedgerError.sizeBeyondLog(size: treeSize, treeSize: try tip.treeSize) }
        return try ConsistencyProof.generate(oldSize: oldSize, treeSize: treeSize, from: TiledSubtreeSource(reader: self))
    }

    public func storedHashes(level: Int, from: UInt64, count: Int) throws -> [[UInt8]] {
        var out: [[UInt8]] = []
        for i in from..<(from + UInt64(count)) {
            let hash = level == 0 ? entryRows[i]?.leafHash : subtreeRows[level]?[i]
            guard let hash else { break }
            out.append(hash)
        }
        return out
    }

    public func entries(from: UInt64, limit: Int) throws -> [StoredEntry] {
        Array(entryRows.filter { $0.key >= from }.sorted { $0.key < $1.key }.prefix(limit).map(\.value))
    }

    public func blocks(from: UInt64, limit: Int) throws -> [StoredBlock] {
        Array(blockRows.filter { $0.key >= from }.sorted { $0.key < $1.key }.prefix(limit).map(\.value))
    }

    public func storedSubtreeHash(level: Int, index: UInt64) throws -> [UInt8]? { subtreeRows[level]?[index] }

    public func checkpointNote() throws -> String? { checkpointText }
}
