import Foundation
import GRDB
import VaultPostgres

/// A value bound to a `?` placeholder of a `TamperConnection` statement, whatever the backend (SQLite stores a
/// `bool` as 0/1, PostgreSQL as BOOLEAN; `bytes` is a BLOB or a BYTEA).
public enum SQLValue: Sendable {
    case int(Int64)
    case text(String)
    case bytes([UInt8])
    case bool(Bool)
    case null
}

/// Raw write access to a node's tables, as someone who can write the database has, the same on SQLite and on
/// PostgreSQL: one statement per call, `?` (or `?N`) placeholders with bound values (never spliced into the SQL;
/// they become `$1`, `$N` on PostgreSQL), and foreign keys not enforced, so a change can leave rows that point
/// nowhere. SQLite: a connection with `foreign_keys` off, each statement committed on its own. PostgreSQL: one
/// transaction (committed when the body returns) under `SET LOCAL session_replication_role = replica`, which
/// skips the foreign-key triggers (the test server's user is a superuser; CHECK, NOT NULL and keys still hold).
public struct TamperConnection {
    public let backend: StorageBackend
    private let sqlite: Database?
    private let postgres: PostgresMaintenance?

    /// The name the change cases give the migration log, whatever it is called on the backend (`migrationTable`).
    public static let migrationLog = "(migration log)"

    /// The table of applied migrations: GRDB's on SQLite, `PostgresSchema`'s on PostgreSQL.
    public static func migrationTable(_ backend: StorageBackend) -> String {
        backend == .sqlite ? "grdb_migrations" : "civicvault_migration"
    }

    public var migrationTable: String { Self.migrationTable(backend) }

    /// Runs `body` on the SQLite database file at `path`.
    public static func sqlite<T>(path: String, _ body: (TamperConnection) throws -> T) throws -> T {
        var config = Configuration()
        config.foreignKeysEnabled = false
        let queue = try DatabaseQueue(path: path, configuration: config)
        defer { try? queue.close() }
        return try queue.writeWithoutTransaction { db in try body(TamperConnection(backend: .sqlite, sqlite: db, postgres: nil)) }
    }

    /// Runs `body` in one transaction on the PostgreSQL database at `url` (on a connection of its own, closed after).
    public static func postgres<T>(url: PostgresURL, _ body: (TamperConnection) throws -> T) throws -> T {
        let pool = PostgresPool(url: url, maxConnections: 1)
        defer { pool.close() }
        return try pool.maintain { session in
            try session.execute("SET LOCAL session_replication_role = replica")
            return try body(TamperConnection(backend: .postgres, sqlite: nil, postgres: session))
        }
    }

    /// Runs one statement; returns the rows it changed.
    @discardableResult
    public func execute(_ sql: String, _ args: [SQLValue] = []) throws -> Int {
        if let postgres { return try postgres.execute(Self.numbered(sql), args.map(\.postgres)) }
        try sqlite!.execute(sql: sql, arguments: Self.arguments(args))
        return sqlite!.changesCount
    }

    /// The first column of the first row, as bytes.
    public func bytes(_ sql: String, _ args: [SQLValue] = []) throws -> [UInt8] {
        if let postgres { return try Self.first(try postgres.bytes(Self.numbered(sql), args.map(\.postgres)), sql) }
        guard let data = try Data.fetchOne(sqlite!, sql: sql, arguments: Self.arguments(args)) else { throw TamperConnectionError.noRow(sql) }
        return [UInt8](data)
    }

    /// The first column of the first row, as text.
    public func string(_ sql: String, _ args: [SQLValue] = []) throws -> String {
        try Self.first(try strings(sql, args), sql)
    }

    /// The first column of every row, as text.
    public func strings(_ sql: String, _ args: [SQLValue] = []) throws -> [String] {
        if let postgres { return try postgres.texts(Self.numbered(sql), args.map(\.postgres)) }
        return try String.fetchAll(sqlite!, sql: sql, arguments: Self.arguments(args))
    }

    /// Every column of every row.
    public func rows(_ sql: String, _ args: [SQLValue] = []) throws -> [[SQLValue]] {
        if let postgres { return try postgres.rows(Self.numbered(sql), args.map(\.postgres)).map { $0.map(SQLValue.init) } }
        return try Row.fetchAll(sqlite!, sql: sql, arguments: Self.arguments(args)).map { row in
            try row.databaseValues.map { value in
                switch value.storage {
                case let .int64(v): .int(v)
                case let .string(v): .text(v)
                case let .blob(v): .bytes([UInt8](v))
                case .null: .null
                case .double: throw TamperConnectionError(description: "a REAL column: \(sql)")
                }
            }
        }
    }

    /// Every table of the database, from the backend's catalogue.
    public func tables() throws -> [String] {
        switch backend {
        case .sqlite: try strings("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        case .postgres: try strings("SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'")
        }
    }

    /// Every BLOB/BYTEA and TEXT column of the database, from the backend's catalogue: (table, column, is text).
    public func blobAndTextColumns() throws -> [(table: String, column: String, text: Bool)] {
        let sql = switch backend {
        case .sqlite:
            """
            SELECT m.name, p.name, upper(p.type) FROM sqlite_master m JOIN pragma_table_info(m.name) p
            WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND upper(p.type) IN ('BLOB', 'TEXT') ORDER BY 1, 2
            """
        case .postgres:
            """
            SELECT table_name::text, column_name::text, CASE data_type WHEN 'bytea' THEN 'BLOB' ELSE 'TEXT' END
            FROM information_schema.columns WHERE table_schema = 'public' AND data_type IN ('bytea', 'text') ORDER BY 1, 2
            """
        }
        return try rows(sql).map { row in
            guard case let .text(table) = row[0], case let .text(column) = row[1], case let .text(type) = row[2] else {
                throw TamperConnectionError(description: "unexpected catalogue row \(row)")
            }
            return (table, column, type == "TEXT")
        }
    }

    /// The columns of `table`'s primary key, in order, from the backend's catalogue.
    public func primaryKey(of table: String) throws -> [String] {
        switch backend {
        case .sqlite: try strings("SELECT name FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk", [.text(table)])
        case .postgres:
            try strings(
                """
                SELECT k.column_name::text FROM information_schema.table_constraints c JOIN information_schema.key_column_usage k
                ON k.constraint_name = c.constraint_name AND k.table_schema = c.table_schema AND k.table_name = c.table_name
                WHERE c.table_schema = 'public' AND c.table_name = ? AND c.constraint_type = 'PRIMARY KEY' ORDER BY k.ordinal_position
                """, [.text(table)])
        }
    }

    /// `sql` with SQLite's placeholders turned into PostgreSQL's: `?` into `$1`, `$2`, ... in order, `?N` into `$N`
    /// (outside quoted literals and identifiers).
    static func numbered(_ sql: String) -> String {
        var out = "", next = 0
        var quote: Character?
        var chars = sql.makeIterator()
        var pending = chars.next()
        while let c = pending {
            pending = chars.next()
            if let q = quote {
                if c == q { quote = nil }
                out.append(c)
            } else if c == "'" || c == "\"" {
                quote = c
                out.append(c)
            } else if c == "?" {
                var digits = ""
                while let d = pending, d.isASCII, d.isNumber {
                    digits.append(d)
                    pending = chars.next()
                }
                if digits.isEmpty {
                    next += 1
                    digits = "\(next)"
                }
                out += "$" + digits
            } else {
                out.append(c)
            }
        }
        return out
    }

    private static func arguments(_ args: [SQLValue]) -> StatementArguments {
        StatementArguments(args.map { value -> DatabaseValue in
            switch value {
            case let .int(v): v.databaseValue
            case let .text(v): v.databaseValue
            case let .bytes(v): Data(v).databaseValue
            case let .bool(v): v.databaseValue
            case .null: .null
            }
        })
    }

    private static func first<T>(_ rows: [T], _ sql: String) throws -> T {
        guard let row = rows.first else { throw TamperConnectionError.noRow(sql) }
        return row
    }
}

/// A query of a `TamperConnection` that had to return a row and returned none.
public struct TamperConnectionError: Error, CustomStringConvertible {
    public let description: String

    public init(description: String) { self.description = description }

    static func noRow(_ sql: String) -> TamperConnectionError { TamperConnectionError(description: "no row: \(sql)") }
}

extension SQLValue {
    init(_ value: PostgresValue) {
        switch value {
        case let .int(v): self = .int(v)
        case let .text(v): self = .text(v)
        case let .bytes(v): self = .bytes(v)
        case let .bool(v): self = .bool(v)
        case .null: self = .null
        }
    }

    var postgres: PostgresValue {
        switch self {
        case let .int(v): .int(v)
        case let .text(v): .text(v)
        case let .bytes(v): .bytes(v)
        case let .bool(v): .bool(v)
        case .null: .null
        }
    }
}
