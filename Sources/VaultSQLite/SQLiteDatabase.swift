import GRDB
import VaultCore

/// Opens the embedded SQLite database with the durability CivicVault needs: WAL journal, `synchronous=FULL`
/// (every committed transaction is fsynced), foreign keys on. A `DatabasePool`: one writer, and readers on
/// snapshots of their own beside it (WAL), so reads never wait for a write's fsync.
public enum SQLiteDatabase {
    /// Opens (creating if needed) the database file at `path`.
    public static func open(path: String) throws -> DatabasePool {
        var config = Configuration()
        // Another process (the CLI beside a running server) may hold the write lock for a moment: wait, don't fail.
        config.busyMode = .timeout(10)
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            try db.execute(sql: "PRAGMA foreign_keys = ON")
            // Every connection (readers serve proofs) keeps the ledger's stored subtrees in memory; pages are only
            // allocated as they are read.
            try db.execute(sql: "PRAGMA cache_size = -\(SQLiteLedgerStore.pageCacheKiB)")
            #if DEBUG
            db.trace(options: .statement) { _ in BlockingCallCheck.check("SQLite statement") }
            #endif
        }
        return try DatabasePool(path: path, configuration: config)
    }
}
