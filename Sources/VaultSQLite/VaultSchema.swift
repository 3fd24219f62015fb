import GRDB

/// The vault's tables, as named GRDB migrations (never edited once committed; changes go in new ones).
/// Only ciphertext, wrapped keys, commitments, pseudonyms and ids are stored: no plaintext column exists.
public enum VaultSchema {
    /// Adds the vault migrations to `migrator`.
    public static func register(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("vault-v1") { db in
            try db.execute(sql: """
                CREATE TABLE vault_tier (
                    name TEXT PRIMARY KEY, rank INTEGER NOT NULL UNIQUE,
                    current_version INTEGER NOT NULL, min_decryption_version INTEGER NOT NULL,
                    rotating INTEGER NOT NULL DEFAULT 0
                );
                CREATE TABLE vault_tier_key (
                    tier TEXT NOT NULL REFERENCES vault_tier(name), version INTEGER NOT NULL, wrapped BLOB NOT NULL,
                    PRIMARY KEY (tier, version)
                ) WITHOUT ROWID;
                CREATE TABLE vault_schema (type TEXT PRIMARY KEY, version INTEGER NOT NULL, json BLOB NOT NULL);
                CREATE TABLE vault_record (
                    id TEXT PRIMARY KEY, type TEXT NOT NULL, schema_version INTEGER NOT NULL, version INTEGER NOT NULL,
                    citizen BLOB NOT NULL CHECK (length(citizen) = 32), created_at_ms INTEGER NOT NULL,
                    shredded INTEGER NOT NULL DEFAULT 0
                );
                CREATE INDEX vault_record_by_citizen ON vault_record(citizen);
                CREATE TABLE vault_field (
                    record_id TEXT NOT NULL REFERENCES vault_record(id), field TEXT NOT NULL, tier TEXT NOT NULL,
                    ciphertext BLOB NOT NULL, PRIMARY KEY (record_id, field)
                ) WITHOUT ROWID;
                CREATE TABLE vault_data_key (
                    record_id TEXT NOT NULL REFERENCES vault_record(id), tier TEXT NOT NULL,
                    tier_key_version INTEGER NOT NULL, wrapped BLOB NOT NULL, PRIMARY KEY (record_id, tier)
                ) WITHOUT ROWID;
                CREATE INDEX vault_data_key_by_version ON vault_data_key(tier, tier_key_version, record_id);
                CREATE TABLE vault_opening (
                    record_id TEXT NOT NULL REFERENCES vault_record(id), field TEXT NOT NULL, tier TEXT NOT NULL,
                    commitment BLOB NOT NULL CHECK (length(commitment) = 32), ciphertext BLOB NOT NULL,
                    PRIMARY KEY (record_id, field)
                ) WITHOUT ROWID;
                CREATE TABLE vault_member (
                    id TEXT PRIMARY KEY, role TEXT NOT NULL, clearance TEXT, revoked INTEGER NOT NULL DEFAULT 0
                );
                CREATE TABLE vault_citizen_event (
                    citizen BLOB NOT NULL, ledger_idx INTEGER NOT NULL REFERENCES ledger_entry(idx),
                    PRIMARY KEY (citizen, ledger_idx)
                ) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration("vault-v2-policy") { db in
            try db.execute(sql: "CREATE TABLE vault_policy (version INTEGER PRIMARY KEY, json BLOB NOT NULL)")
        }
        migrator.registerMigration("vault-v3-tokens-approvals") { db in
            // Bearer tokens, stored only as SHA-256 hashes.
            try db.execute(sql: """
                CREATE TABLE vault_token (
                    hash BLOB PRIMARY KEY CHECK (length(hash) = 32), role TEXT NOT NULL, actor TEXT NOT NULL,
                    clearance TEXT, citizen BLOB, created_at_ms INTEGER NOT NULL, expires_at_ms INTEGER,
                    revoked INTEGER NOT NULL DEFAULT 0
                ) WITHOUT ROWID;
                CREATE TABLE vault_approval (
                    id TEXT PRIMARY KEY, request BLOB NOT NULL, rule TEXT NOT NULL, status TEXT NOT NULL,
                    requester TEXT NOT NULL, decided_by TEXT, bundle BLOB, created_at_ms INTEGER NOT NULL
                );
                """)
        }
        migrator.registerMigration("vault-v4-witness-cosignatures") { db in
            // One note per cosigned tree size: the log's checkpoint with every witness line received for it.
            try db.execute(sql: "CREATE TABLE ledger_cosigned (tree_size INTEGER PRIMARY KEY, note TEXT NOT NULL)")
        }
        migrator.registerMigration("vault-v5-approval-decisions") { db in
            // Who filed each approval (rows filed before this: the requester named in it), the officers who approved
            // it so far (a JSON array of ids) and how many distinct officers it needs.
            try db.execute(sql: """
                ALTER TABLE vault_approval ADD COLUMN filed_by TEXT NOT NULL DEFAULT '';
                UPDATE vault_approval SET filed_by = requester;
                ALTER TABLE vault_approval ADD COLUMN approvers TEXT NOT NULL DEFAULT '[]';
                UPDATE vault_approval SET approvers = json_array(decided_by) WHERE status = 'approved' AND decided_by IS NOT NULL;
                ALTER TABLE vault_approval ADD COLUMN required INTEGER NOT NULL DEFAULT 1 CHECK (required BETWEEN 1 AND 16);
                """)
        }
        migrator.registerMigration("vault-v6-authenticated-tokens") { db in
            // Tokens are now stored under a keyed hash with a MAC over the row: rows of the old table (plain
            // SHA-256, no MAC) cannot be told from forged ones, so they are dropped and must be made again.
            try db.execute(sql: """
                DROP TABLE vault_token;
                CREATE TABLE vault_token (
                    id TEXT PRIMARY KEY, hash BLOB NOT NULL UNIQUE CHECK (length(hash) = 32), role TEXT NOT NULL,
                    actor TEXT NOT NULL, clearance TEXT, citizen BLOB, created_at_ms INTEGER NOT NULL, expires_at_ms INTEGER,
                    revoked INTEGER NOT NULL DEFAULT 0, mac BLOB NOT NULL CHECK (length(mac) = 32)
                );
                CREATE INDEX vault_token_by_actor ON vault_token(actor);
                """)
        }
        migrator.registerMigration("vault-v7-primary-keys-not-null") { db in
            // A TEXT PRIMARY KEY of a rowid table takes NULL in SQLite unless declared NOT NULL (PostgreSQL's never
            // does): found by comparing both catalogues with NodeTables (SchemaCatalogueTests). Each such table is
            // rebuilt with NOT NULL, its rows copied (a NULL key, which no version wrote, fails the migration), its
            // indexes made again. Foreign keys are checked once at the end (GRDB's deferred checks).
            for (table, columns, indexes) in [
                ("vault_tier", """
                    name TEXT NOT NULL PRIMARY KEY, rank INTEGER NOT NULL UNIQUE,
                    current_version INTEGER NOT NULL, min_decryption_version INTEGER NOT NULL,
                    rotating INTEGER NOT NULL DEFAULT 0
                    """, [String]()),
                ("vault_schema", "type TEXT NOT NULL PRIMARY KEY, version INTEGER NOT NULL, json BLOB NOT NULL", []),
                ("vault_record", """
                    id TEXT NOT NULL PRIMARY KEY, type TEXT NOT NULL, schema_version INTEGER NOT NULL, version INTEGER NOT NULL,
                    citizen BLOB NOT NULL CHECK (length(citizen) = 32), created_at_ms INTEGER NOT NULL,
                    shredded INTEGER NOT NULL DEFAULT 0
                    """, ["CREATE INDEX vault_record_by_citizen ON vault_record(citizen)"]),
                ("vault_member", "id TEXT NOT NULL PRIMARY KEY, role TEXT NOT NULL, clearance TEXT, revoked INTEGER NOT NULL DEFAULT 0", []),
                ("vault_token", """
                    id TEXT NOT NULL PRIMARY KEY, hash BLOB NOT NULL UNIQUE CHECK (length(hash) = 32), role TEXT NOT NULL,
                    actor TEXT NOT NULL, clearance TEXT, citizen BLOB, created_at_ms INTEGER NOT NULL, expires_at_ms INTEGER,
                    revoked INTEGER NOT NULL DEFAULT 0, mac BLOB NOT NULL CHECK (length(mac) = 32)
                    """, ["CREATE INDEX vault_token_by_actor ON vault_token(actor)"]),
                ("vault_approval", """
                    id TEXT NOT NULL PRIMARY KEY, request BLOB NOT NULL, rule TEXT NOT NULL, status TEXT NOT NULL,
                    requester TEXT NOT NULL, decided_by TEXT, bundle BLOB, created_at_ms INTEGER NOT NULL,
                    filed_by TEXT NOT NULL DEFAULT '', approvers TEXT NOT NULL DEFAULT '[]',
                    required INTEGER NOT NULL DEFAULT 1 CHECK (required BETWEEN 1 AND 16)
                    """, []),
            ] {
                try db.execute(sql: "CREATE TABLE \(table)_v7 (\(columns))")
                try db.execute(sql: "INSERT INTO \(table)_v7 SELECT * FROM \(table)")
                try db.execute(sql: "DROP TABLE \(table)")
                try db.execute(sql: "ALTER TABLE \(table)_v7 RENAME TO \(table)")
                for index in indexes { try db.execute(sql: index) }
            }
        }
    }
}

/// Opens the node's database with every migration (ledger and vault) applied.
public enum NodeDatabase {
    /// The database file inside a data directory.
    public static func path(inDataDirectory directory: String) -> String { directory + "/civicvault.sqlite" }

    /// Opens (creating the directory and file if needed) and migrates the database at `path`.
    public static func open(path: String) throws -> DatabasePool {
        let queue = try SQLiteDatabase.open(path: path)
        var migrator = DatabaseMigrator()
        LedgerSchema.register(in: &migrator)
        VaultSchema.register(in: &migrator)
        try migrator.migrate(queue)
        return queue
    }
}
