import GRDB

/// Opens the embedded SQLite database with the durability CivicVault needs: WAL journal, `synchronous=FULL`
/// (every committed transaction is fsynced), foreign keys on.
public enum SQLiteDatabase {
    /// Opens (creating if needed) the database file at `path`.
    public static func open(path: String) throws -> DatabaseQueue {
        var config = Configuration()
        // Another process (the CLI beside a running server) may hold the write lock for a moment: wait, don't fail.
        config.busyMode = .timeout(10)
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            try db.execute(sql: "PRAGMA foreign_keys = ON")
        }
        let queue = try DatabaseQueue(path: path, configuration: config)
        try queue.writeWithoutTransaction { db in
            _ = try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL")
        }
        return queue
    }
}
