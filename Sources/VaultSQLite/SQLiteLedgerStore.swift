import Foundation
import GRDB
import VaultCore
import VaultLedger

/// The transparency ledger in SQLite (GRDB). Each append is one transaction (the caller's, with
/// `append(_:in:)`, so a record and its ledger entry commit together or not at all) that writes the entries,
/// their completed subtree hashes, one signed block and the new signed checkpoint; it is durable on commit
/// (WAL, synchronous=FULL). Reads for proofs and roots are O(log n).
public final class SQLiteLedgerStore: LedgerStore, Sendable {
    /// The database (shared with the rest of the vault).
    public let writer: any DatabaseWriter
    /// Signs blocks and checkpoints.
    public let signer: LedgerSigner
    /// The clock for block timestamps, ms since the Unix epoch.
    let clock: @Sendable () -> UInt64
    /// Complete subtree hashes already read, shared by appends and proofs of this store.
    public let cache = SubtreeHashCache()

    /// Uses `writer`, whose schema must already include `LedgerSchema` (see `open(path:signer:)`).
    public init(writer: any DatabaseWriter, signer: LedgerSigner, clock: @escaping @Sendable () -> UInt64 = SQLiteLedgerStore.now) {
        self.writer = writer
        self.signer = signer
        self.clock = clock
    }

    /// Opens (creating if needed) the database at `path` with CivicVault's durability settings and migrates it.
    public static func open(path: String, signer: LedgerSigner) throws -> SQLiteLedgerStore {
        // The node has one database: apply every migration (ledger and vault), so the ledger CLI and the
        // vault can open the same file in any order.
        let queue = try NodeDatabase.open(path: path)
        try useLargePageCache(queue)
        return SQLiteLedgerStore(writer: queue, signer: signer)
    }

    /// SQLite page cache of the connection, in KiB: enough to keep the stored subtrees of a log of several
    /// million entries (n/8 rows of ~45 bytes) in memory, so a cold proof reads little more than its leaf tile.
    public static let pageCacheKiB = 65_536

    /// Sets the connection's page cache to `pageCacheKiB` (memory only; durability is unchanged).
    public static func useLargePageCache(_ writer: any DatabaseWriter) throws {
        try writer.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA cache_size = -\(pageCacheKiB)") }
    }

    /// Milliseconds since the Unix epoch.
    public static let now: @Sendable () -> UInt64 = { UInt64(max(0, Date().timeIntervalSince1970 * 1000)) }

    /// Appends `entries` inside the caller's write transaction `db`; nothing is written unless it commits.
    public func append(_ entries: [LedgerEntry], in db: Database) throws -> AppendReceipt {
        let reader = SQLiteLedgerReader(db, cache: cache)
        let tip = try reader.tip()
        let batch = try LedgerAppender.seal(entries, after: tip, frontier: try reader.frontier(of: tip), signer: signer, timestampMs: clock())
        let insertEntry = try db.cachedStatement(sql: "INSERT INTO ledger_entry (idx, leaf_hash, entry) VALUES (?, ?, ?)")
        for row in batch.entries {
            insertEntry.setUncheckedArguments([Int64(row.index), Data(row.leafHash), Data(row.bytes)])
            try insertEntry.execute()
        }
        let insertNode = try db.cachedStatement(sql: "INSERT INTO ledger_node (level, idx, hash) VALUES (?, ?, ?)")
        for node in batch.subtrees {
            insertNode.setUncheckedArguments([node.level, Int64(node.index), Data(node.hash)])
            try insertNode.execute()
        }
        let h = batch.block.header
        try db.execute(
            sql: "INSERT INTO ledger_block (height, header, signature) VALUES (?, ?, ?)",
            arguments: [Int64(h.height), Data(h.encoded), Data(batch.block.signature)])
        try db.execute(
            sql: """
                INSERT INTO ledger_checkpoint (id, tree_size, note) VALUES (1, ?, ?)
                ON CONFLICT(id) DO UPDATE SET tree_size = excluded.tree_size, note = excluded.note
                WHERE excluded.tree_size > ledger_checkpoint.tree_size
                """,
            arguments: [Int64(h.treeSize), batch.checkpoint.serialized])
        guard db.changesCount == 1 else { throw LedgerError.storeFailure("checkpoint of size \(h.treeSize) is not newer than the stored one") }
        return AppendReceipt(firstIndex: h.firstIndex, count: h.entryCount, treeSize: h.treeSize, block: batch.block, checkpoint: batch.checkpoint)
    }

    /// Appends `entries` in a transaction of its own.
    public func append(_ entries: [LedgerEntry]) throws -> AppendReceipt {
        try writer.blockingWrite { db in try append(entries, in: db) }
    }

    /// Runs `body` with a reader over one consistent snapshot (using this store's subtree cache).
    public func read<T>(_ body: (SQLiteLedgerReader) throws -> T) throws -> T {
        try writer.blockingRead { db in try body(SQLiteLedgerReader(db, cache: cache)) }
    }

    /// Loads every stored subtree hash (levels 4 and up: about n/8 hashes, 32 bytes each) into the cache, so
    /// proofs then read only the leaf tile of the entry. Returns how many were loaded (bounded by the cache).
    @discardableResult
    public func prefillCache() throws -> Int {
        try writer.blockingRead { db in
            let rows = try Row.fetchCursor(db, sql: "SELECT level, idx, hash FROM ledger_node ORDER BY level DESC, idx")
            var loaded = 0
            while let row = try rows.next(), loaded < cache.capacity - 1 {
                cache.store(level: row[0], index: UInt64(row[1] as Int64), hash: try SQLiteLedgerReader.bytes(row, 2))
                loaded += 1
            }
            return loaded
        }
    }

    /// Runs `body` with a reader that reads everything from the database (no cache): for verification and
    /// for measuring cold proofs.
    public func readUncached<T>(_ body: (SQLiteLedgerReader) throws -> T) throws -> T {
        try writer.blockingRead { db in try body(SQLiteLedgerReader(db)) }
    }

    public func treeSize() throws -> UInt64 { try read { try $0.tip().treeSize } }

    public func entry(at index: UInt64) throws -> StoredEntry { try read { try $0.entry(at: index) } }

    public func latestCheckpoint() throws -> String? { try read { try $0.checkpointNote() } }

    public func inclusionProof(index: UInt64, treeSize: UInt64) throws -> InclusionProof {
        try read { try $0.inclusionProof(index: index, treeSize: treeSize) }
    }

    public func consistencyProof(oldSize: UInt64, treeSize: UInt64) throws -> ConsistencyProof {
        try read { try $0.consistencyProof(oldSize: oldSize, treeSize: treeSize) }
    }
}

extension SQLiteLedgerStore {
    /// Opens the database at `path` (migrating it) and runs `body` over one consistent snapshot of the
    /// ledger, without any signing key: for proofs, entries, checkpoints and verification.
    public static func read<T>(path: String, _ body: (SQLiteLedgerReader) throws -> T) throws -> T {
        let queue = try NodeDatabase.open(path: path)
        try useLargePageCache(queue)
        return try queue.read { db in try body(SQLiteLedgerReader(db)) }
    }
}
