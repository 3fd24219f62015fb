import VaultNode

/// The storage floor of `civicvault-bench postgres`: the rows one record write added, copied with their exact
/// bound values, and written again into another database with the same statements, one transaction (with the
/// writer lock) per record: what PostgreSQL costs for the rows alone, without the vault's reads and crypto.
public enum PostgresRecordReplay {
    /// The rows of one record write, ready to insert elsewhere.
    public struct Rows: Sendable {
        let rows: [(table: String, columns: [String], values: [PostgresValue])]
        /// How many rows.
        public var count: Int { rows.count }
    }

    enum Kind { case text, int, bytes, bool }

    /// Each table a record write touches: its columns (with their kinds) and which rows belong to a record.
    static let tables: [(table: String, columns: [(String, Kind)], rowsOf: String)] = [
        ("vault_record", [("id", .text), ("type", .text), ("schema_version", .int), ("version", .int), ("citizen", .bytes), ("created_at_ms", .int), ("shredded", .bool)], "id = $1"),
        ("vault_field", [("record_id", .text), ("field", .text), ("tier", .text), ("ciphertext", .bytes)], "record_id = $1"),
        ("vault_data_key", [("record_id", .text), ("tier", .text), ("tier_key_version", .int), ("wrapped", .bytes)], "record_id = $1"),
        ("vault_opening", [("record_id", .text), ("field", .text), ("tier", .text), ("commitment", .bytes), ("ciphertext", .bytes)], "record_id = $1"),
        ("ledger_entry", [("idx", .int), ("leaf_hash", .bytes), ("entry", .bytes)], "idx = $2"),
        // Every record write appends one entry in one block: the newest block, as rows are read right after the write.
        ("ledger_block", [("height", .int), ("header", .bytes), ("signature", .bytes)], "height = (SELECT MAX(height) FROM ledger_block)"),
        // The subtrees of stored levels that this entry completed.
        ("ledger_node", [("level", .int), ("idx", .int), ("hash", .bytes)], "(idx + 1) * (1::bigint << level) = $2 + 1"),
        ("ledger_checkpoint", [("id", .int), ("tree_size", .int), ("note", .text)], "tree_size = $2 + 1"),
        ("vault_citizen_event", [("citizen", .bytes), ("ledger_idx", .int)], "ledger_idx = $2"),
    ]

    /// Reads the rows that writing record `id` (at ledger index `ledgerIndex`) added. Run it right after each
    /// write: the single checkpoint row is overwritten by the next one.
    public static func rows(ofRecord id: String, ledgerIndex: UInt64, in pool: PostgresPool) throws -> Rows {
        try pool.read { session in
            var out: [(table: String, columns: [String], values: [PostgresValue])] = []
            for (table, columns, rowsOf) in tables {
                let names = columns.map(\.0)
                let sql = "SELECT \(names.joined(separator: ", ")) FROM \(table) WHERE \(rowsOf) AND $1::text IS NOT NULL AND $2::bigint IS NOT NULL"
                for row in try session.rows(sql, [.text(id), .int(ledgerIndex)]) {
                    out.append((table, names, try columns.map { name, kind in
                        switch kind {
                        case .text: return .text(try row.text(name))
                        case .int: return .int(try row.int(name))
                        case .bytes: return .bytes(try row.bytes(name))
                        case .bool: return .bool(try row.bool(name))
                        }
                    }))
                }
            }
            guard out.contains(where: { $0.table == "ledger_block" }) else {
                throw StorageFailure(operation: "copy the rows of record \(id)", reason: "its block was not found (read them right after the write)")
            }
            return Rows(rows: out)
        }
    }

    /// Inserts each record's rows into `pool`'s database (migrated, empty), one write transaction per record and
    /// one multi-row INSERT per table, as the store writes them.
    public static func insert(_ records: [Rows], into pool: PostgresPool) throws {
        for record in records {
            try pool.write { session in
                var start = 0
                while start < record.rows.count {
                    let table = record.rows[start].table
                    var end = start
                    while end < record.rows.count, record.rows[end].table == table { end += 1 }
                    let upsert = table == "ledger_checkpoint" ? "ON CONFLICT (id) DO UPDATE SET tree_size = excluded.tree_size, note = excluded.note" : ""
                    try session.insert(into: table, columns: record.rows[start].columns, rows: record.rows[start..<end].map(\.values), suffix: upsert)
                    start = end
                }
            }
        }
    }
}
