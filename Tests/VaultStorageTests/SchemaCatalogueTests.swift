import Testing
import VaultTables
import VaultTestSupport

/// One schema, two dialects: the tables in `NodeTables` are the only definition of names, types, keys and
/// indexes, and the migrations of both stores must produce exactly them. Each backend's live catalogue is read
/// from a fresh database and compared with the definition, then SQLite's with PostgreSQL's, table by table and
/// column by column; a failure lists every difference.
@Suite struct SchemaCatalogueTests {
    static func dialect(_ backend: StorageBackend) -> SQLDialect { backend == .sqlite ? .sqlite : .postgres }

    /// Every difference between two sets of tables, `label` against `otherLabel`.
    static func differences(_ a: [String: TableShape], _ b: [String: TableShape], _ label: String, _ otherLabel: String) -> [String] {
        var out: [String] = []
        for name in Set(a.keys).union(b.keys).sorted() {
            switch (a[name], b[name]) {
            case let (x?, y?): out += x.differences(from: y, label, otherLabel)
            case (_?, nil): out.append("table \(name): only in \(label)")
            default: out.append("table \(name): only in \(otherLabel)")
            }
        }
        return out
    }

    static func live(_ backend: StorageBackend, _ change: String? = nil) throws -> [String: TableShape] {
        let test = try TestStore(backend)
        defer { test.cleanUp() }
        if let change { try test.execute(change) }
        return try SchemaCatalogue.read(test.inspector, dialect(backend))
    }

    @Test func theDefinitionNamesEachColumnOnceAndEachTableOnce() {
        let problems = NodeTables.all.flatMap { $0.definitionProblems }
        #expect(problems.isEmpty, "\n\(problems.joined(separator: "\n"))")
        #expect(Set(NodeTables.all.map { $0.name }).count == NodeTables.all.count)
    }

    @Test(arguments: StorageBackend.available) func aFreshDatabaseHasExactlyTheDefinedTables(backend: StorageBackend) throws {
        let dialect = Self.dialect(backend)
        let diff = Self.differences(try Self.live(backend), NodeTables.shapes(in: dialect), "the live \(dialect) database", "NodeTables")
        #expect(diff.isEmpty, "\n\(diff.joined(separator: "\n"))")
    }

    @Test(.enabled(if: StorageBackend.postgresURL != nil, "needs CIVICVAULT_TEST_POSTGRES_URL"))
    func sqliteAndPostgresHaveTheSameTablesColumnByColumn() throws {
        let sqlite = try Self.live(.sqlite)
        // PostgreSQL's types as SQLite spells them (bigint, integer and boolean are all INTEGER there).
        let postgres = try Self.live(.postgres).mapValues { $0.mappingTypes { ColumnType(postgres: $0)?.sqlite ?? "unknown type \($0)" } }
        let diff = Self.differences(sqlite, postgres, "SQLite", "PostgreSQL")
        #expect(diff.isEmpty, "\n\(diff.joined(separator: "\n"))")
        #expect(sqlite.count == NodeTables.all.count)
    }

    /// The comparison sees what a migration on one side alone would change.
    @Test(arguments: StorageBackend.available) func aDriftOnOneSideIsNamed(backend: StorageBackend) throws {
        let dialect = Self.dialect(backend)
        let defined = NodeTables.shapes(in: dialect)
        let cases: [(change: String, expected: String)] = [
            ("ALTER TABLE vault_member ADD COLUMN nickname TEXT", "vault_member.nickname: only in live"),
            ("DROP INDEX vault_token_by_actor", "vault_token: index vault_token_by_actor [\"actor\"] only in NodeTables"),
            ("CREATE UNIQUE INDEX vault_schema_version ON vault_schema(version)", "vault_schema: UNIQUE [\"version\"] only in live"),
            ("CREATE TABLE vault_extra (id TEXT PRIMARY KEY)", "table vault_extra: only in live"),
        ]
        for (change, expected) in cases {
            let diff = Self.differences(try Self.live(backend, change), defined, "live", "NodeTables")
            #expect(diff == [expected], "after \(change)")
        }
    }
}

/// The drift the comparison found (SQLite's TEXT primary keys took NULL), closed by "vault-v7-primary-keys-not-null".
@Suite struct PrimaryKeyNullTests {
    @Test(arguments: StorageBackend.available) func aNullPrimaryKeyIsRefusedOnEveryBackend(backend: StorageBackend) throws {
        let test = try TestStore(backend)
        defer { test.cleanUp() }
        // The same statements with a key go in: only the NULL is refused.
        for key in ["NULL", "'k-1'"] {
            let member = "INSERT INTO vault_member (id, role) VALUES (\(key), 'department')"
            let schema = "INSERT INTO vault_schema (type, version, json) VALUES (\(key), 1, '\\x7b7d')"
            for insert in [member, schema] {
                if key == "NULL" {
                    #expect(throws: (any Error).self, "\(insert)") { try test.execute(insert) }
                } else {
                    #expect(try test.execute(insert) == 1)
                }
            }
        }
    }
}
