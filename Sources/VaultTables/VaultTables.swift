// The vault's tables (SQLite: VaultSchema "vault-v1" to "vault-v7"; PostgreSQL: PostgresSchema "pg-v1" to "pg-v3").
// Only ciphertext, wrapped keys, commitments, pseudonyms and ids are stored: no plaintext column exists.

/// The confidentiality tiers and their key versions.
public enum VaultTierTable: Table {
    public static let name = "vault_tier"
    public enum Columns: String, TableColumns {
        case name, rank, currentVersion = "current_version", minDecryptionVersion = "min_decryption_version", rotating
    }
    public static let columns = [
        Column(Columns.name, .text), Column(.rank, .int64), Column(.currentVersion, .int64), Column(.minDecryptionVersion, .int64),
        Column(.rotating, .bool),
    ]
    public static let primaryKey = [Columns.name]
    public static let unique = [[Columns.rank]]
}

/// Each tier key version, wrapped under the key-encryption key.
public enum VaultTierKeyTable: Table {
    public static let name = "vault_tier_key"
    public enum Columns: String, TableColumns { case tier, version, wrapped }
    public static let columns = [Column(Columns.tier, .text), Column(.version, .int64), Column(.wrapped, .bytes)]
    public static let primaryKey = [Columns.tier, .version]
}

/// The registered record schemas (JSON).
public enum VaultSchemaTable: Table {
    public static let name = "vault_schema"
    public enum Columns: String, TableColumns { case type, version, json }
    public static let columns = [Column(Columns.type, .text), Column(.version, .int64), Column(.json, .bytes)]
    public static let primaryKey = [Columns.type]
}

/// One row per record: its type, versions and the citizen's pseudonym.
public enum VaultRecordTable: Table {
    public static let name = "vault_record"
    public enum Columns: String, TableColumns {
        case id, type, schemaVersion = "schema_version", version, citizen, createdAtMs = "created_at_ms", shredded
    }
    public static let columns = [
        Column(Columns.id, .text), Column(.type, .text), Column(.schemaVersion, .int64), Column(.version, .int64), Column(.citizen, .bytes),
        Column(.createdAtMs, .int64), Column(.shredded, .bool),
    ]
    public static let primaryKey = [Columns.id]
    public static let indexes = [Index("vault_record_by_citizen", on: [Columns.citizen])]
}

/// A record's field values, each encrypted under its tier's data key.
public enum VaultFieldTable: Table {
    public static let name = "vault_field"
    public enum Columns: String, TableColumns { case recordID = "record_id", field, tier, ciphertext }
    public static let columns = [Column(Columns.recordID, .text), Column(.field, .text), Column(.tier, .text), Column(.ciphertext, .bytes)]
    public static let primaryKey = [Columns.recordID, .field]
}

/// A record's data keys, one per tier, wrapped under a tier key version.
public enum VaultDataKeyTable: Table {
    public static let name = "vault_data_key"
    public enum Columns: String, TableColumns { case recordID = "record_id", tier, tierKeyVersion = "tier_key_version", wrapped }
    public static let columns = [Column(Columns.recordID, .text), Column(.tier, .text), Column(.tierKeyVersion, .int64), Column(.wrapped, .bytes)]
    public static let primaryKey = [Columns.recordID, .tier]
    public static let indexes = [Index("vault_data_key_by_version", on: [Columns.tier, .tierKeyVersion, .recordID])]
}

/// The commitment of each attestable field and its opening, encrypted.
public enum VaultOpeningTable: Table {
    public static let name = "vault_opening"
    public enum Columns: String, TableColumns { case recordID = "record_id", field, tier, commitment, ciphertext }
    public static let columns = [
        Column(Columns.recordID, .text), Column(.field, .text), Column(.tier, .text), Column(.commitment, .bytes), Column(.ciphertext, .bytes),
    ]
    public static let primaryKey = [Columns.recordID, .field]
}

/// Departments, requesters, officers and their clearance.
public enum VaultMemberTable: Table {
    public static let name = "vault_member"
    public enum Columns: String, TableColumns { case id, role, clearance, revoked }
    public static let columns = [Column(Columns.id, .text), Column(.role, .text), Column(.clearance, .text, nullable: true), Column(.revoked, .bool)]
    public static let primaryKey = [Columns.id]
}

/// Which ledger entries concern which citizen (by pseudonym).
public enum VaultCitizenEventTable: Table {
    public static let name = "vault_citizen_event"
    public enum Columns: String, TableColumns { case citizen, ledgerIdx = "ledger_idx" }
    public static let columns = [Column(Columns.citizen, .bytes), Column(.ledgerIdx, .int64)]
    public static let primaryKey = [Columns.citizen, .ledgerIdx]
}

/// Every installed attestation policy (JSON); the highest version is in force.
public enum VaultPolicyTable: Table {
    public static let name = "vault_policy"
    public enum Columns: String, TableColumns { case version, json }
    public static let columns = [Column(Columns.version, .int64), Column(.json, .bytes)]
    public static let primaryKey = [Columns.version]
}

/// Bearer tokens under a keyed hash, with a MAC over the row.
public enum VaultTokenTable: Table {
    public static let name = "vault_token"
    public enum Columns: String, TableColumns {
        case id, hash, role, actor, clearance, citizen, createdAtMs = "created_at_ms", expiresAtMs = "expires_at_ms", revoked, mac
    }
    public static let columns = [
        Column(Columns.id, .text), Column(.hash, .bytes), Column(.role, .text), Column(.actor, .text), Column(.clearance, .text, nullable: true),
        Column(.citizen, .bytes, nullable: true), Column(.createdAtMs, .int64), Column(.expiresAtMs, .int64, nullable: true), Column(.revoked, .bool),
        Column(.mac, .bytes),
    ]
    public static let primaryKey = [Columns.id]
    public static let unique = [[Columns.hash]]
    public static let indexes = [Index("vault_token_by_actor", on: [Columns.actor])]
}

/// Attestation requests awaiting (or past) the officers' decision.
public enum VaultApprovalTable: Table {
    public static let name = "vault_approval"
    public enum Columns: String, TableColumns {
        case id, request, rule, status, requester, decidedBy = "decided_by", bundle, createdAtMs = "created_at_ms", filedBy = "filed_by", approvers,
            required
    }
    public static let columns = [
        Column(Columns.id, .text), Column(.request, .bytes), Column(.rule, .text), Column(.status, .text), Column(.requester, .text),
        Column(.decidedBy, .text, nullable: true), Column(.bundle, .bytes, nullable: true), Column(.createdAtMs, .int64), Column(.filedBy, .text),
        Column(.approvers, .text), Column(.required, .int64),
    ]
    public static let primaryKey = [Columns.id]
}

/// Every table of a node's database, the ledger's first, in the order they were made.
public enum NodeTables {
    public static let all: [any Table.Type] = [
        LedgerEntryTable.self, LedgerNodeTable.self, LedgerBlockTable.self, LedgerCheckpointTable.self, LedgerCosignedTable.self,
        VaultTierTable.self, VaultTierKeyTable.self, VaultSchemaTable.self, VaultRecordTable.self, VaultFieldTable.self, VaultDataKeyTable.self,
        VaultOpeningTable.self, VaultMemberTable.self, VaultCitizenEventTable.self, VaultPolicyTable.self, VaultTokenTable.self, VaultApprovalTable.self,
    ]

    /// The definitions as plain values with `dialect`'s type names, by table name.
    public static func shapes(in dialect: SQLDialect) -> [String: TableShape] {
        Dictionary(uniqueKeysWithValues: all.map { ($0.name, $0.shape(in: dialect)) })
    }
}
