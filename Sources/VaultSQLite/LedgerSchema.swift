import GRDB

/// The ledger's tables, as named GRDB migrations. A migration is never edited once committed: changes go
/// in a new one. The vault registers these beside its own so records and ledger share one database.
public enum LedgerSchema {
    /// Adds the ledger migrations to `migrator`.
    public static func register(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("ledger-v1") { db in
            // One row per entry: its canonical bytes and RFC 6962 leaf hash.
            try db.execute(sql: """
                CREATE TABLE ledger_entry (
                    idx INTEGER PRIMARY KEY CHECK (idx >= 0),
                    leaf_hash BLOB NOT NULL CHECK (length(leaf_hash) = 32),
                    entry BLOB NOT NULL
                )
                """)
            // Hashes of every complete subtree of level 4 or more (levels 1-3 are folded from ledger_entry).
            try db.execute(sql: """
                CREATE TABLE ledger_node (
                    level INTEGER NOT NULL CHECK (level > 0),
                    idx INTEGER NOT NULL CHECK (idx >= 0),
                    hash BLOB NOT NULL CHECK (length(hash) = 32),
                    PRIMARY KEY (level, idx)
                ) WITHOUT ROWID
                """)
            // One signed block per append.
            try db.execute(sql: """
                CREATE TABLE ledger_block (
                    height INTEGER PRIMARY KEY CHECK (height >= 0),
                    header BLOB NOT NULL,
                    signature BLOB NOT NULL
                )
                """)
            // The latest signed checkpoint, exactly as served.
            try db.execute(sql: """
                CREATE TABLE ledger_checkpoint (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    tree_size INTEGER NOT NULL,
                    note TEXT NOT NULL
                )
                """)
        }
    }

    /// A migrator with only the ledger migrations.
    public static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        register(in: &m)
        return m
    }
}
