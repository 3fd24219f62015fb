import Foundation
import GRDB
import VaultCore
import VaultCrypto
import VaultLedger
import VaultNode
import VaultPostgres
import VaultSQLite

/// The storage backends the storage tests run against: SQLite always, PostgreSQL when
/// `CIVICVAULT_TEST_POSTGRES_URL` names a server (`make test` starts one; see scripts/postgres-test.sh).
public enum StorageBackend: String, CaseIterable, Sendable, CustomStringConvertible {
    case sqlite, postgres

    public var description: String { rawValue }

    /// The server every PostgreSQL test creates its own database on.
    public static var postgresURL: PostgresURL? {
        guard let text = ProcessInfo.processInfo.environment["CIVICVAULT_TEST_POSTGRES_URL"], !text.isEmpty else { return nil }
        return try? PostgresURL(text)
    }

    /// The certificate of the tests' PostgreSQL server (`CIVICVAULT_TEST_POSTGRES_CA`, from `scripts/postgres-test.sh ca`),
    /// when it serves TLS: for the sslmode=require / verify-full tests.
    public static var postgresCertificate: String? {
        guard let path = ProcessInfo.processInfo.environment["CIVICVAULT_TEST_POSTGRES_CA"], !path.isEmpty else { return nil }
        return path
    }

    /// True when the run must include PostgreSQL (`make test` and CI set `CIVICVAULT_REQUIRE_POSTGRES=1`).
    public static var postgresRequired: Bool { ProcessInfo.processInfo.environment["CIVICVAULT_REQUIRE_POSTGRES"] == "1" }

    /// The backends available in this run.
    public static var available: [StorageBackend] { postgresURL == nil ? [.sqlite] : [.sqlite, .postgres] }
}

/// A fresh, empty node store on one backend: a temporary SQLite directory, or a new PostgreSQL database
/// created for this test alone (dropped by `cleanUp`). Raw SQL reaches the tables for tamper tests.
public final class TestStore: @unchecked Sendable {
    public let backend: StorageBackend
    public let keys: NodeKeys
    public let store: NodeStore
    /// The SQLite storage (nil on PostgreSQL).
    public let sqlite: NodeStorage?
    /// The PostgreSQL pool (nil on SQLite).
    public let postgres: PostgresPool?
    /// The vault's store itself, for transactions of a test's own.
    public let vaultStore: any VaultStore
    /// The ledger, with appends.
    public var ledger: any LedgerStore & NodeLedger { store.ledger as! any LedgerStore & NodeLedger }
    /// The SQLite data directory, or the PostgreSQL database name.
    public let location: String

    public var vault: Vault { store.vault }

    /// Opens a new store on `backend` for a node with `keys` (fresh keys by default).
    public init(_ backend: StorageBackend, keys: NodeKeys = .generate(name: "test.node/storage"), clock: @escaping @Sendable () -> UInt64 = Vault.systemClock) throws {
        self.backend = backend
        self.keys = keys
        switch backend {
        case .sqlite:
            location = FileManager.default.temporaryDirectory.appendingPathComponent("cv-store-\(UUID().uuidString)").path
            let storage = try NodeStorage.open(dataDirectory: location, keys: keys, clock: clock)
            (sqlite, postgres, store) = (storage, nil, storage.store)
            vaultStore = SQLiteVaultStore(writer: storage.database, ledger: storage.ledger)
        case .postgres:
            location = try PostgresTestDatabase.create()
            let opened = try PostgresNode.open(url: try PostgresTestDatabase.url(location), keys: keys, maxConnections: 4, clock: clock)
            (sqlite, postgres, store) = (nil, opened.pool, opened.store)
            vaultStore = PostgresVaultStore(pool: opened.pool, ledger: opened.store.ledger as! PostgresLedgerStore)
        }
    }

    /// Opens the same storage again, as a second node sharing it (PostgreSQL) or after a restart (SQLite).
    public func reopened(clock: @escaping @Sendable () -> UInt64 = Vault.systemClock) throws -> NodeStore {
        switch backend {
        case .sqlite: return try NodeStorage.open(dataDirectory: location, keys: keys, clock: clock).store
        case .postgres: return try PostgresNode.open(url: try PostgresTestDatabase.url(location), keys: keys, maxConnections: 4, clock: clock).store
        }
    }

    /// Opens the same storage with other node keys (the same node after a KEK rotation changed node.key).
    public func reopened(keys other: NodeKeys) throws -> NodeStore {
        switch backend {
        case .sqlite: return try NodeStorage.open(dataDirectory: location, keys: other).store
        case .postgres: return try PostgresNode.open(url: try PostgresTestDatabase.url(location), keys: other, maxConnections: 4).store
        }
    }

    /// Raw access to the tables (statements without parameters, the same SQL on both backends).
    public var inspector: DatabaseInspector { DatabaseInspector(sqlite: sqlite?.database, postgres: postgres) }

    /// Runs a statement without parameters; returns rows changed.
    @discardableResult
    public func execute(_ sql: String) throws -> Int { try inspector.execute(sql) }

    /// The first column of every row of `sql`, as integers.
    public func integers(_ sql: String) throws -> [Int64] { try inspector.integers(sql) }

    /// Removes the directory or drops the database.
    public func cleanUp() {
        switch backend {
        case .sqlite: try? FileManager.default.removeItem(atPath: location)
        case .postgres:
            postgres?.close()
            PostgresTestDatabase.drop(location)
        }
    }
}

/// Why a test store could not be opened.
public enum TestStoreError: Error, CustomStringConvertible {
    case noPostgres
    public var description: String { "CIVICVAULT_TEST_POSTGRES_URL is not set: start one with `make pg-start` (see scripts/postgres-test.sh)" }
}

/// Databases of their own for PostgreSQL tests, on the server of `CIVICVAULT_TEST_POSTGRES_URL`.
public enum PostgresTestDatabase {
    /// Creates a database with a fresh name, empty or a copy of the database `template` (which nobody may be
    /// connected to: close its pools first); returns the name.
    public static func create(template: String? = nil) throws -> String {
        guard let server = StorageBackend.postgresURL else { throw TestStoreError.noPostgres }
        let name = "cv_test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try PostgresPool(url: server).administer(sql: "CREATE DATABASE \(name)" + (template.map { " TEMPLATE \($0)" } ?? ""))
        return name
    }

    /// The URL of the database `name`.
    public static func url(_ name: String) throws -> PostgresURL {
        guard let server = StorageBackend.postgresURL else { throw TestStoreError.noPostgres }
        return server.with(database: name)
    }

    /// Drops `name`, closing whatever connections remain.
    public static func drop(_ name: String) {
        guard let server = StorageBackend.postgresURL else { return }
        try? PostgresPool(url: server).administer(sql: "DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
    }
}
