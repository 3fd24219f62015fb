import Foundation
import GRDB
import Testing
import VaultSQLite
import VaultTables
import VaultTestSupport

/// "vault-v7-primary-keys-not-null" rebuilds six SQLite tables: a database written before it keeps every row, its
/// children's foreign keys still hold, and afterwards its catalogue is the definition's.
@Suite struct PrimaryKeyMigrationTests {
    @Test func aDatabaseFromBeforeKeepsItsRowsAndMatchesTheDefinition() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cv-v7-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = NodeDatabase.path(inDataDirectory: directory)
        let old = try SQLiteDatabase.open(path: path)
        var migrator = DatabaseMigrator()
        LedgerSchema.register(in: &migrator)
        VaultSchema.register(in: &migrator)
        try migrator.migrate(old, upTo: "vault-v6-authenticated-tokens")
        let hash = String(repeating: "ab", count: 32)
        try old.write { db in
            try db.execute(sql: """
                INSERT INTO vault_tier VALUES ('public', 0, 1, 1, 0);
                INSERT INTO vault_tier_key VALUES ('public', 1, X'00');
                INSERT INTO vault_schema VALUES ('citizen', 1, X'7B7D');
                INSERT INTO vault_record VALUES ('r-1', 'citizen', 1, 1, X'\(hash)', 5, 0);
                INSERT INTO vault_field VALUES ('r-1', 'name', 'public', X'01');
                INSERT INTO vault_member VALUES ('clerk-1', 'department', 'public', 0);
                INSERT INTO vault_token VALUES ('t-1', X'\(hash)', 'department', 'clerk-1', NULL, NULL, 5, NULL, 0, X'\(hash)');
                INSERT INTO vault_approval (id, request, rule, status, requester, created_at_ms) VALUES ('a-1', X'7B7D', 'r', 'pending', 'bank-1', 5);
                """)
        }
        try old.close()
        let inspector = try DatabaseInspector(sqlitePath: path)
        for table in ["vault_tier", "vault_tier_key", "vault_schema", "vault_record", "vault_field", "vault_member", "vault_token", "vault_approval"] {
            #expect(try inspector.integers("SELECT COUNT(*) FROM \(table)") == [1], "\(table)")
        }
        #expect(try inspector.texts("SELECT filed_by || ',' || approvers || ',' || required FROM vault_approval") == [",[],1"])  // the defaults of v5, kept
        #expect(try inspector.integers("SELECT COUNT(*) FROM pragma_foreign_key_check") == [0])
        let live = try SchemaCatalogue.read(inspector, .sqlite)
        let defined = NodeTables.shapes(in: .sqlite)
        #expect(Set(live.keys) == Set(defined.keys))
        for (name, shape) in defined { #expect(live[name] == shape, "\(name): \(live[name].map { $0.differences(from: shape, "migrated", "defined") } ?? [])") }
    }
}
