/// The SQL dialects CivicVault stores its tables in.
public enum SQLDialect: String, Sendable, CaseIterable, CustomStringConvertible {
    case sqlite, postgres

    public var description: String { self == .sqlite ? "SQLite" : "PostgreSQL" }
}

/// What a column holds, whatever the database; each dialect spells it its own way (SQLite has no BOOLEAN and one
/// INTEGER for every width, PostgreSQL says BYTEA for BLOB).
public enum ColumnType: String, Sendable, CaseIterable {
    case text, bytes, int32, int64, bool

    /// The type as SQLite's catalogue (`pragma_table_info`) reports the declared type.
    public var sqlite: String {
        switch self {
        case .text: "TEXT"
        case .bytes: "BLOB"
        case .int32, .int64, .bool: "INTEGER"
        }
    }

    /// The type as PostgreSQL's `information_schema.columns.data_type` reports it.
    public var postgres: String {
        switch self {
        case .text: "text"
        case .bytes: "bytea"
        case .int32: "integer"
        case .int64: "bigint"
        case .bool: "boolean"
        }
    }

    /// The type's name in `dialect`'s catalogue.
    public func name(in dialect: SQLDialect) -> String { dialect == .sqlite ? sqlite : postgres }

    /// The type whose PostgreSQL name is `name`, if it is one of ours.
    public init?(postgres name: String) {
        guard let type = Self.allCases.first(where: { $0.postgres == name }) else { return nil }
        self = type
    }
}
