import Foundation
import VaultTables

/// A live database's tables as its own catalogue describes them, in `TableShape` form: SQLite's `sqlite_master`,
/// `pragma_table_info`, `pragma_index_list` and `pragma_index_info`; PostgreSQL's `information_schema.columns`,
/// `key_column_usage` and `pg_indexes`. The migration bookkeeping tables (GRDB's, ours) are left out, and so is
/// each primary key's own index (the key is part of the columns).
public enum SchemaCatalogue {
    /// The tables of the database behind `inspector`, by name.
    public static func read(_ inspector: DatabaseInspector, _ dialect: SQLDialect) throws -> [String: TableShape] {
        dialect == .sqlite ? try sqlite(inspector) : try postgres(inspector)
    }

    /// One catalogue row per text, fields joined by '|' (the same `||` on both databases).
    static func rows(_ inspector: DatabaseInspector, _ sql: String) throws -> [[String]] {
        try inspector.texts(sql).map { $0.split(separator: "|", omittingEmptySubsequences: false).map(String.init) }
    }

    static func sqlite(_ inspector: DatabaseInspector) throws -> [String: TableShape] {
        let ours = "m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name NOT LIKE 'grdb_%'"
        var tables: [String: TableShape] = [:]
        var withoutRowID: Set<String> = []
        for r in try rows(inspector, """
            SELECT m.name || '|' || p.name || '|' || p.type || '|' || p."notnull" || '|' || p.pk || '|' || (m.sql LIKE '%WITHOUT ROWID%')
            FROM sqlite_master m, pragma_table_info(m.name) p WHERE \(ours) ORDER BY m.name, p.cid
            """) {
            tables[r[0], default: TableShape(name: r[0], columns: [], unique: [], indexes: [])].columns.append(
                TableShape.Column(name: r[1], type: r[2], nullable: r[3] == "0", primaryKeyPosition: Int(r[4]) ?? -1))
            if r[5] == "1" { withoutRowID.insert(r[0]) }
        }
        // An INTEGER PRIMARY KEY of a rowid table is the rowid itself, which is never NULL (a NULL given becomes
        // the next rowid), though the catalogue does not say NOT NULL. Any other primary key column of a rowid table
        // does take NULL unless declared NOT NULL: that one is reported as it is.
        for name in tables.keys {
            let key = tables[name]!.columns.filter { $0.primaryKeyPosition > 0 }
            if !withoutRowID.contains(name), key.count == 1, key[0].type == "INTEGER", let i = tables[name]!.columns.firstIndex(of: key[0]) {
                tables[name]!.columns[i].nullable = false
            }
        }
        var indexes: [String: (table: String, unique: Bool, origin: String, columns: [String])] = [:]
        for r in try rows(inspector, """
            SELECT m.name || '|' || l.name || '|' || l."unique" || '|' || l.origin || '|' || i.name
            FROM sqlite_master m, pragma_index_list(m.name) l, pragma_index_info(l.name) i WHERE \(ours) ORDER BY m.name, l.name, i.seqno
            """) {
            indexes[r[1], default: (r[0], r[2] == "1", r[3], [])].columns.append(r[4])
        }
        for (name, index) in indexes { add(index: name, index.columns, unique: index.unique, primaryKey: index.origin == "pk", to: &tables[index.table]!) }
        return tables
    }

    static func postgres(_ inspector: DatabaseInspector) throws -> [String: TableShape] {
        var tables: [String: TableShape] = [:]
        for r in try rows(inspector, """
            SELECT c.table_name || '|' || c.column_name || '|' || c.data_type || '|' || c.is_nullable || '|' || COALESCE((
                SELECT k.ordinal_position FROM information_schema.table_constraints t
                JOIN information_schema.key_column_usage k ON k.constraint_schema = t.constraint_schema AND k.constraint_name = t.constraint_name
                WHERE t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.constraint_type = 'PRIMARY KEY'
                  AND k.column_name = c.column_name), 0)
            FROM information_schema.columns c
            WHERE c.table_schema = current_schema() AND c.table_name <> 'civicvault_migration'
            ORDER BY c.table_name, c.ordinal_position
            """) {
            tables[r[0], default: TableShape(name: r[0], columns: [], unique: [], indexes: [])].columns.append(
                TableShape.Column(name: r[1], type: r[2], nullable: r[3] == "YES", primaryKeyPosition: Int(r[4]) ?? -1))
        }
        for r in try rows(inspector, """
            SELECT i.tablename || '|' || i.indexname || '|' || i.indexdef || '|'
                || EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conname = i.indexname AND k.contype = 'p')
            FROM pg_indexes i WHERE i.schemaname = current_schema() AND i.tablename <> 'civicvault_migration'
            """) {
            // indexdef: CREATE [UNIQUE] INDEX name ON schema.table USING btree (a, b)
            let definition = r[2]
            guard let open = definition.lastIndex(of: "("), let close = definition.lastIndex(of: ")"), open < close else { continue }
            let columns = definition[definition.index(after: open)..<close].split(separator: ",").map {
                $0.trimmingCharacters(in: CharacterSet(charactersIn: " \""))
            }
            add(index: r[1], columns, unique: definition.hasPrefix("CREATE UNIQUE"), primaryKey: r[3] == "true", to: &tables[r[0]]!)
        }
        return tables
    }

    /// Files an index under the table: a unique one as a UNIQUE column list (databases name those their own way),
    /// another by name; the primary key's own index not at all.
    static func add(index name: String, _ columns: [String], unique: Bool, primaryKey: Bool, to table: inout TableShape) {
        guard !primaryKey else { return }
        if unique { table.unique.insert(columns) } else { table.indexes.insert(TableShape.Index(name: name, columns: columns)) }
    }
}
