/// A table's column names: a `String` enum, one case per column (GRDB's `Columns` convention), usable wherever a
/// statement names a column.
public protocol TableColumns: RawRepresentable<String>, CaseIterable, Hashable, Sendable {}

/// One of CivicVault's tables, defined once for both stores: its name, its columns in order with their types
/// and nullability, its primary key, unique constraints and named indexes. The migrations of each store
/// (`VaultSchema`/`LedgerSchema`, `PostgresSchema`) must produce exactly this; VaultStorageTests reads both live
/// catalogues and compares them with it, column by column.
public protocol Table: Sendable {
    associatedtype Columns: TableColumns

    /// The table's name in SQL.
    static var name: String { get }
    /// Every column, in the order the table has them.
    static var columns: [Column<Columns>] { get }
    /// The primary key's columns, in key order.
    static var primaryKey: [Columns] { get }
    /// Column sets under a UNIQUE constraint (besides the primary key).
    static var unique: [[Columns]] { get }
    /// Indexes made by name with CREATE INDEX.
    static var indexes: [Index<Columns>] { get }
}

extension Table {
    public static var unique: [[Columns]] { [] }
    public static var indexes: [Index<Columns>] { [] }

    /// What is wrong with the definition itself, one line each: `columns` must list each case of `Columns` once,
    /// and the primary key must be a non-empty list of non-nullable columns.
    public static var definitionProblems: [String] {
        var out: [String] = []
        let names = columns.map(\.name.rawValue)
        if Set(names) != Set(Columns.allCases.map(\.rawValue)) || names.count != Columns.allCases.count {
            out.append("\(name): `columns` \(names) does not list each case of Columns once")
        }
        if primaryKey.isEmpty { out.append("\(name): no primary key") }
        for column in columns where primaryKey.contains(column.name) && column.nullable {
            out.append("\(name).\(column.name.rawValue): in the primary key but nullable")
        }
        return out
    }

    /// The table as plain values with `dialect`'s type names, to compare with a live database's catalogue.
    public static func shape(in dialect: SQLDialect) -> TableShape {
        TableShape(
            name: name,
            columns: columns.map { column in
                TableShape.Column(
                    name: column.name.rawValue, type: column.type.name(in: dialect), nullable: column.nullable,
                    primaryKeyPosition: primaryKey.firstIndex(of: column.name).map { $0 + 1 } ?? 0)
            },
            unique: Set(unique.map { $0.map(\.rawValue) }),
            indexes: Set(indexes.map { TableShape.Index(name: $0.name, columns: $0.columns.map(\.rawValue)) }))
    }
}

/// A column of table `C`: its name, type and whether it may hold NULL.
public struct Column<C: TableColumns>: Sendable {
    public let name: C
    public let type: ColumnType
    public let nullable: Bool

    public init(_ name: C, _ type: ColumnType, nullable: Bool = false) {
        self.name = name
        self.type = type
        self.nullable = nullable
    }
}

/// A named index over columns of table `C`.
public struct Index<C: TableColumns>: Sendable {
    public let name: String
    public let columns: [C]

    public init(_ name: String, on columns: [C]) {
        self.name = name
        self.columns = columns
    }
}
