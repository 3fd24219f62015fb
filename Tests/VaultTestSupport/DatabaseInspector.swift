import Foundation
import GRDB
import VaultLedger
import VaultPostgres
import VaultSQLite

/// Raw, keyless access to a node's tables on either backend, as an auditor or an attacker with database access
/// has: statements without parameters (the same SQL must suit SQLite and PostgreSQL), results from the first column.
public final class DatabaseInspector: @unchecked Sendable {
    let sqlite: DatabasePool?
    let postgres: PostgresPool?

    /// The SQLite database file at `path` (migrated if new).
    public init(sqlitePath path: String) throws {
        sqlite = try NodeDatabase.open(path: path)
        postgres = nil
    }

    /// The PostgreSQL database at `url`.
    public init(postgres url: PostgresURL) {
        sqlite = nil
        postgres = PostgresPool(url: url, maxConnections: 2)
    }

    init(sqlite: DatabasePool?, postgres: PostgresPool?) {
        self.sqlite = sqlite
        self.postgres = postgres
    }

    /// Runs a statement; returns the rows it changed.
    @discardableResult
    public func execute(_ sql: String) throws -> Int {
        if let postgres { return try postgres.maintain { try $0.execute(sql) } }
        return try sqlite!.write { db in try db.execute(sql: sql); return db.changesCount }
    }

    /// The first column of every row, as integers.
    public func integers(_ sql: String) throws -> [Int64] {
        if let postgres { return try postgres.maintain { try $0.integers(sql) } }
        return try sqlite!.read { db in try Int64.fetchAll(db, sql: sql) }
    }

    /// The first column of every row, as bytes.
    public func bytes(_ sql: String) throws -> [[UInt8]] {
        if let postgres { return try postgres.maintain { try $0.bytes(sql) } }
        return try sqlite!.read { db in try Data.fetchAll(db, sql: sql).map { [UInt8]($0) } }
    }

    /// The first column of every row, as text.
    public func texts(_ sql: String) throws -> [String] {
        if let postgres { return try postgres.maintain { try $0.texts(sql) } }
        return try sqlite!.read { db in try String.fetchAll(db, sql: sql) }
    }

    /// Text column `name` of `table` for every row, in order.
    public func strings(column name: String, of table: String) throws -> [String] {
        if let postgres { return try postgres.maintain { try $0.texts("SELECT \(name) FROM \(table) ORDER BY \(name)") } }
        return try sqlite!.read { db in try String.fetchAll(db, sql: "SELECT \(name) FROM \(table) ORDER BY \(name)") }
    }

    /// Every ledger entry, in order, from one snapshot.
    public func ledgerEntries() throws -> [StoredEntry] {
        func all(_ reader: any TiledLedgerReader) throws -> [StoredEntry] { try reader.entries(from: 0, limit: Int(try reader.tip().treeSize)) }
        if let postgres { return try PostgresLedgerStore.read(url: postgres.url, all) }
        return try sqlite!.read { db in try all(SQLiteLedgerReader(db)) }
    }

    /// Closes PostgreSQL connections.
    public func close() { postgres?.close() }
}
