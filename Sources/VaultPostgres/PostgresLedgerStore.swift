import Foundation
import VaultCore
import VaultLedger
import VaultNode

/// The transparency ledger in the shared PostgreSQL database. An append is one transaction under the writer
/// lock (the caller's, from the vault, so a record and its entry commit together) that reads the tip, writes the
/// entries, their completed subtree hashes, one signed block and the new checkpoint; durable on commit.
/// Any number of nodes may append: the lock orders them and each extends the tip the previous one committed.
public final class PostgresLedgerStore: LedgerStore, NodeLedger, Sendable {
    let pool: PostgresPool
    /// Signs blocks and checkpoints (every node sharing the database signs as the same log).
    public let signer: LedgerSigner
    let clock: @Sendable () -> UInt64
    /// Complete subtree hashes already read: they never change once stored, whichever node stored them.
    let cache = SubtreeHashCache()

    public init(pool: PostgresPool, signer: LedgerSigner, clock: @escaping @Sendable () -> UInt64 = Vault.systemClock) {
        self.pool = pool
        self.signer = signer
        self.clock = clock
    }

    /// Appends `entries` inside the caller's write transaction.
    func append(_ entries: [LedgerEntry], in session: PostgresSession) throws -> AppendReceipt {
        let reader = PostgresLedgerReader(session, cache: cache)
        let tip = try reader.tip()
        let batch = try LedgerAppender.seal(entries, after: tip, frontier: try reader.frontier(of: tip), signer: signer, timestampMs: clock())
        try session.insert(into: "ledger_entry", columns: ["idx", "leaf_hash", "entry"], rows: batch.entries.map { [.int($0.index), .bytes($0.leafHash), .bytes($0.bytes)] })
        try session.insert(into: "ledger_node", columns: ["level", "idx", "hash"], rows: batch.subtrees.map { [.int($0.level), .int($0.index), .bytes($0.hash)] })
        let h = batch.block.header
        try session.execute("INSERT INTO ledger_block (height, header, signature) VALUES ($1, $2, $3)",
                            [.int(h.height), .bytes(h.encoded), .bytes(batch.block.signature)])
        let changed = try session.execute(
            """
            INSERT INTO ledger_checkpoint (id, tree_size, note) VALUES (1, $1, $2)
            ON CONFLICT (id) DO UPDATE SET tree_size = excluded.tree_size, note = excluded.note
            WHERE excluded.tree_size > ledger_checkpoint.tree_size
            """, [.int(h.treeSize), .text(batch.checkpoint.serialized)])
        guard changed == 1 else { throw LedgerError.storeFailure("checkpoint of size \(h.treeSize) is not newer than the stored one") }
        return AppendReceipt(firstIndex: h.firstIndex, count: h.entryCount, treeSize: h.treeSize, block: batch.block, checkpoint: batch.checkpoint)
    }

    public func append(_ entries: [LedgerEntry]) throws -> AppendReceipt {
        try pool.write { try append(entries, in: $0) }
    }

    /// Runs `body` over one consistent snapshot (with this store's subtree cache).
    func read<T>(_ body: (PostgresLedgerReader) throws -> T) throws -> T {
        try pool.read { try body(PostgresLedgerReader($0, cache: cache)) }
    }

    public func treeSize() throws -> UInt64 { try read { try $0.tip().treeSize } }
    public func entry(at index: UInt64) throws -> StoredEntry { try read { try $0.entry(at: index) } }
    public func entries(from: UInt64, limit: Int) throws -> [StoredEntry] { try read { try $0.entries(from: from, limit: limit) } }
    public func latestCheckpoint() throws -> String? { try read { try $0.checkpointNote() } }
    public func root(treeSize: UInt64) throws -> [UInt8] { try read { try $0.root(treeSize: treeSize) } }

    public func inclusionProof(index: UInt64, treeSize: UInt64) throws -> InclusionProof {
        try read { try $0.inclusionProof(index: index, treeSize: treeSize) }
    }

    public func consistencyProof(oldSize: UInt64, treeSize: UInt64) throws -> ConsistencyProof {
        try read { try $0.consistencyProof(oldSize: oldSize, treeSize: treeSize) }
    }

    /// Verifies everything stored, reading every row afresh (no cache).
    public func verify(progress: (UInt64) -> Void) throws -> LedgerVerifier.Summary {
        try pool.read { session in try LedgerVerifier(keyChain: signer.keyChain).verify(PostgresLedgerReader(session), progress: progress) }
    }

    public func updateCosignedNote(treeSize: UInt64, root: [UInt8], _ merge: (String?) throws -> String) throws -> Bool {
        try pool.write { session in
            let reader = PostgresLedgerReader(session, cache: cache)
            guard treeSize <= (try reader.tip().treeSize), try reader.root(treeSize: treeSize) == root else { return false }
            let stored = try session.rows("SELECT note FROM ledger_cosigned WHERE tree_size = $1", [.int(treeSize)]).first.map { try $0.text("note") }
            try session.execute(
                "INSERT INTO ledger_cosigned (tree_size, note) VALUES ($1, $2) ON CONFLICT (tree_size) DO UPDATE SET note = excluded.note",
                [.int(treeSize), .text(try merge(stored))])
            return true
        }
    }

    public func cosignedNotes(limit: Int) throws -> [String] {
        try pool.read { session in
            try session.rows("SELECT note FROM ledger_cosigned ORDER BY tree_size DESC LIMIT $1", [.int(limit)]).map { try $0.text("note") }
        }
    }
}

extension PostgresLedgerStore {
    /// Connects to `url`, migrates it, and returns the ledger signing with `signer` (for `civicvault ledger append`).
    public static func open(url: PostgresURL, signer: LedgerSigner) throws -> PostgresLedgerStore {
        let pool = PostgresPool(url: url, maxConnections: 2)
        try PostgresSchema.migrate(pool)
        return PostgresLedgerStore(pool: pool, signer: signer)
    }

    /// Runs `body` over one consistent snapshot of the ledger at `url`, without any signing key: for proofs,
    /// entries, checkpoints and verification.
    public static func read<T>(url: PostgresURL, _ body: (any TiledLedgerReader) throws -> T) throws -> T {
        let pool = PostgresPool(url: url, maxConnections: 1)
        defer { pool.close() }
        try PostgresSchema.migrate(pool)
        return try pool.read { try body(PostgresLedgerReader($0)) }
    }
}
