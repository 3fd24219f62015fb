/// CivicVault's tables in PostgreSQL: the same tables, columns and constraints as the SQLite schema
/// (`LedgerSchema`, `VaultSchema`), with BIGINT, BYTEA and BOOLEAN. Migrations are named, applied once in
/// order under the writer lock (several nodes may start at once), and never edited once committed.
public enum PostgresSchema {
    /// A named migration: statements run in one transaction.
    struct Migration {
        let name: String
        let statements: [String]
    }

    static let migrations: [Migration] = [
        Migration(name: "pg-v1", statements: [
            // The ledger (see LedgerSchema "ledger-v1" and VaultSchema "vault-v4-witness-cosignatures").
            """
            CREATE TABLE ledger_entry (
                idx BIGINT PRIMARY KEY CHECK (idx >= 0),
                leaf_hash BYTEA NOT NULL CHECK (octet_length(leaf_hash) = 32),
                entry BYTEA NOT NULL
            )
            """,
            """
            CREATE TABLE ledger_node (
                level INTEGER NOT NULL CHECK (level > 0), idx BIGINT NOT NULL CHECK (idx >= 0),
                hash BYTEA NOT NULL CHECK (octet_length(hash) = 32), PRIMARY KEY (level, idx)
            )
            """,
            "CREATE TABLE ledger_block (height BIGINT PRIMARY KEY CHECK (height >= 0), header BYTEA NOT NULL, signature BYTEA NOT NULL)",
            "CREATE TABLE ledger_checkpoint (id INTEGER PRIMARY KEY CHECK (id = 1), tree_size BIGINT NOT NULL, note TEXT NOT NULL)",
            "CREATE TABLE ledger_cosigned (tree_size BIGINT PRIMARY KEY, note TEXT NOT NULL)",
            // The vault (see VaultSchema "vault-v1" to "vault-v3-tokens-approvals").
            """
            CREATE TABLE vault_tier (
                name TEXT PRIMARY KEY, rank BIGINT NOT NULL UNIQUE, current_version BIGINT NOT NULL,
                min_decryption_version BIGINT NOT NULL, rotating BOOLEAN NOT NULL DEFAULT FALSE
            )
            """,
            """
            CREATE TABLE vault_tier_key (
                tier TEXT NOT NULL REFERENCES vault_tier(name), version BIGINT NOT NULL, wrapped BYTEA NOT NULL,
                PRIMARY KEY (tier, version)
            )
            """,
            "CREATE TABLE vault_schema (type TEXT PRIMARY KEY, version BIGINT NOT NULL, json BYTEA NOT NULL)",
            """
            CREATE TABLE vault_record (
                id TEXT PRIMARY KEY, type TEXT NOT NULL, schema_version BIGINT NOT NULL, version BIGINT NOT NULL,
                citizen BYTEA NOT NULL CHECK (octet_length(citizen) = 32), created_at_ms BIGINT NOT NULL,
                shredded BOOLEAN NOT NULL DEFAULT FALSE
            )
            """,
            "CREATE INDEX vault_record_by_citizen ON vault_record(citizen)",
            """
            CREATE TABLE vault_field (
                record_id TEXT NOT NULL REFERENCES vault_record(id), field TEXT NOT NULL, tier TEXT NOT NULL,
                ciphertext BYTEA NOT NULL, PRIMARY KEY (record_id, field)
            )
            """,
            """
            CREATE TABLE vault_data_key (
                record_id TEXT NOT NULL REFERENCES vault_record(id), tier TEXT NOT NULL,
                tier_key_version BIGINT NOT NULL, wrapped BYTEA NOT NULL, PRIMARY KEY (record_id, tier)
            )
            """,
            "CREATE INDEX vault_data_key_by_version ON vault_data_key(tier, tier_key_version, record_id)",
            """
            CREATE TABLE vault_opening (
                record_id TEXT NOT NULL REFERENCES vault_record(id), field TEXT NOT NULL, tier TEXT NOT NULL,
                commitment BYTEA NOT NULL CHECK (octet_length(commitment) = 32), ciphertext BYTEA NOT NULL,
                PRIMARY KEY (record_id, field)
            )
            """,
            "CREATE TABLE vault_member (id TEXT PRIMARY KEY, role TEXT NOT NULL, clearance TEXT, revoked BOOLEAN NOT NULL DEFAULT FALSE)",
            """
            CREATE TABLE vault_citizen_event (
                citizen BYTEA NOT NULL, ledger_idx BIGINT NOT NULL REFERENCES ledger_entry(idx), PRIMARY KEY (citizen, ledger_idx)
            )
            """,
            "CREATE TABLE vault_policy (version BIGINT PRIMARY KEY, json BYTEA NOT NULL)",
            """
            CREATE TABLE vault_token (
                hash BYTEA PRIMARY KEY CHECK (octet_length(hash) = 32), role TEXT NOT NULL, actor TEXT NOT NULL,
                clearance TEXT, citizen BYTEA, created_at_ms BIGINT NOT NULL, expires_at_ms BIGINT,
                revoked BOOLEAN NOT NULL DEFAULT FALSE
            )
            """,
            "CREATE INDEX vault_token_by_actor ON vault_token(actor)",
            """
            CREATE TABLE vault_approval (
                id TEXT PRIMARY KEY, request BYTEA NOT NULL, rule TEXT NOT NULL, status TEXT NOT NULL,
                requester TEXT NOT NULL, decided_by TEXT, bundle BYTEA, created_at_ms BIGINT NOT NULL
            )
            """,
        ]),
        // See VaultSchema "vault-v5-approval-decisions".
        Migration(name: "pg-v2-approval-decisions", statements: [
            "ALTER TABLE vault_approval ADD COLUMN filed_by TEXT NOT NULL DEFAULT ''",
            "UPDATE vault_approval SET filed_by = requester",
            "ALTER TABLE vault_approval ADD COLUMN approvers TEXT NOT NULL DEFAULT '[]'",
            "UPDATE vault_approval SET approvers = json_build_array(decided_by)::text WHERE status = 'approved' AND decided_by IS NOT NULL",
            "ALTER TABLE vault_approval ADD COLUMN required BIGINT NOT NULL DEFAULT 1 CHECK (required BETWEEN 1 AND 16)",
        ]),
        // Tokens under a keyed hash with a MAC over the row (see VaultSchema "vault-v6-authenticated-tokens"): the
        // old rows cannot be told from forged ones and are dropped.
        Migration(name: "pg-v3-authenticated-tokens", statements: [
            "DROP TABLE vault_token",
            """
            CREATE TABLE vault_token (
                id TEXT PRIMARY KEY, hash BYTEA NOT NULL UNIQUE CHECK (octet_length(hash) = 32), role TEXT NOT NULL,
                actor TEXT NOT NULL, clearance TEXT, citizen BYTEA, created_at_ms BIGINT NOT NULL, expires_at_ms BIGINT,
                revoked BOOLEAN NOT NULL DEFAULT FALSE, mac BYTEA NOT NULL CHECK (octet_length(mac) = 32)
            )
            """,
            "CREATE INDEX vault_token_by_actor ON vault_token(actor)",
        ]),
        // The version of the KEK that wraps each tier key (see VaultSchema "vault-v7-kek-version").
        Migration(name: "pg-v4-kek-version", statements: [
            "ALTER TABLE vault_tier_key ADD COLUMN kek_version BIGINT NOT NULL DEFAULT 1 CHECK (kek_version >= 1)",
        ]),
    ]

    /// Applies the migrations not yet applied, each in its own transaction under the writer lock.
    public static func migrate(_ pool: PostgresPool) throws {
        try pool.write { session in
            try session.execute("CREATE TABLE IF NOT EXISTS civicvault_migration (name TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())")
        }
        for migration in migrations {
            try pool.write { session in
                guard try session.rows("SELECT 1 FROM civicvault_migration WHERE name = $1", [.text(migration.name)]).isEmpty else { return }
                for statement in migration.statements { try session.execute(statement) }
                try session.execute("INSERT INTO civicvault_migration (name) VALUES ($1)", [.text(migration.name)])
            }
        }
    }
}
