// The ledger's tables (SQLite: LedgerSchema "ledger-v1" and VaultSchema "vault-v4-witness-cosignatures";
// PostgreSQL: PostgresSchema "pg-v1").

/// One row per ledger entry: its canonical bytes and RFC 6962 leaf hash.
public enum LedgerEntryTable: Table {
    public static let name = "ledger_entry"
    public enum Columns: String, TableColumns { case idx, leafHash = "leaf_hash", entry }
    public static let columns = [Column(Columns.idx, .int64), Column(.leafHash, .bytes), Column(.entry, .bytes)]
    public static let primaryKey = [Columns.idx]
}

/// Hashes of every complete subtree of level 4 or more.
public enum LedgerNodeTable: Table {
    public static let name = "ledger_node"
    public enum Columns: String, TableColumns { case level, idx, hash }
    public static let columns = [Column(Columns.level, .int32), Column(.idx, .int64), Column(.hash, .bytes)]
    public static let primaryKey = [Columns.level, .idx]
}

/// One signed block per append.
public enum LedgerBlockTable: Table {
    public static let name = "ledger_block"
    public enum Columns: String, TableColumns { case height, header, signature }
    public static let columns = [Column(Columns.height, .int64), Column(.header, .bytes), Column(.signature, .bytes)]
    public static let primaryKey = [Columns.height]
}

/// The latest signed checkpoint, exactly as served (one row, id 1).
public enum LedgerCheckpointTable: Table {
    public static let name = "ledger_checkpoint"
    public enum Columns: String, TableColumns { case id, treeSize = "tree_size", note }
    public static let columns = [Column(Columns.id, .int32), Column(.treeSize, .int64), Column(.note, .text)]
    public static let primaryKey = [Columns.id]
}

/// One note per cosigned tree size: the checkpoint with every witness line received for it.
public enum LedgerCosignedTable: Table {
    public static let name = "ledger_cosigned"
    public enum Columns: String, TableColumns { case treeSize = "tree_size", note }
    public static let columns = [Column(Columns.treeSize, .int64), Column(.note, .text)]
    public static let primaryKey = [Columns.treeSize]
}
