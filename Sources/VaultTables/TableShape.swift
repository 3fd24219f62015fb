/// A table as plain values: what a definition (`Table.shape`) says and what a live database's catalogue holds,
/// in one form so the two compare with `==` and differ in a readable list.
public struct TableShape: Sendable, Equatable {
    /// A column; `type` as the dialect's catalogue names it; `primaryKeyPosition` is its 1-based place in the
    /// primary key, 0 when outside it.
    public struct Column: Sendable, Equatable {
        public var name: String
        public var type: String
        public var nullable: Bool
        public var primaryKeyPosition: Int

        public init(name: String, type: String, nullable: Bool, primaryKeyPosition: Int) {
            self.name = name
            self.type = type
            self.nullable = nullable
            self.primaryKeyPosition = primaryKeyPosition
        }
    }

    /// A named, non-unique index.
    public struct Index: Sendable, Hashable {
        public var name: String
        public var columns: [String]

        public init(name: String, columns: [String]) {
            self.name = name
            self.columns = columns
        }
    }

    public var name: String
    public var columns: [Column]
    /// Column lists under a UNIQUE constraint (whatever the database named its index).
    public var unique: Set<[String]>
    public var indexes: Set<Index>

    public init(name: String, columns: [Column], unique: Set<[String]>, indexes: Set<Index>) {
        self.name = name
        self.columns = columns
        self.unique = unique
        self.indexes = indexes
    }

    /// The same table with every column type mapped by `rename` (e.g. PostgreSQL's names to SQLite's).
    public func mappingTypes(_ rename: (String) -> String) -> TableShape {
        var copy = self
        for i in copy.columns.indices { copy.columns[i].type = rename(copy.columns[i].type) }
        return copy
    }

    /// What differs between `self` (called `label`) and `other` (`otherLabel`), one line each; empty when equal.
    public func differences(from other: TableShape, _ label: String, _ otherLabel: String) -> [String] {
        var out: [String] = []
        let mine = Dictionary(columns.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let theirs = Dictionary(other.columns.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        for column in columns where theirs[column.name] == nil { out.append("\(name).\(column.name): only in \(label)") }
        for column in other.columns where mine[column.name] == nil { out.append("\(name).\(column.name): only in \(otherLabel)") }
        for column in columns {
            guard let twin = theirs[column.name] else { continue }
            if column.type != twin.type { out.append("\(name).\(column.name): type \(column.type) in \(label), \(twin.type) in \(otherLabel)") }
            if column.nullable != twin.nullable {
                out.append("\(name).\(column.name): \(column.nullable ? "NULL" : "NOT NULL") in \(label), \(twin.nullable ? "NULL" : "NOT NULL") in \(otherLabel)")
            }
            if column.primaryKeyPosition != twin.primaryKeyPosition {
                out.append("\(name).\(column.name): primary key position \(column.primaryKeyPosition) in \(label), \(twin.primaryKeyPosition) in \(otherLabel) (0: not in the key)")
            }
        }
        if out.isEmpty, columns.map(\.name) != other.columns.map(\.name) {
            out.append("\(name): column order \(columns.map(\.name)) in \(label), \(other.columns.map(\.name)) in \(otherLabel)")
        }
        for u in unique.subtracting(other.unique).sorted(by: { "\($0)" < "\($1)" }) { out.append("\(name): UNIQUE \(u) only in \(label)") }
        for u in other.unique.subtracting(unique).sorted(by: { "\($0)" < "\($1)" }) { out.append("\(name): UNIQUE \(u) only in \(otherLabel)") }
        for i in indexes.subtracting(other.indexes).sorted(by: { $0.name < $1.name }) { out.append("\(name): index \(i.name) \(i.columns) only in \(label)") }
        for i in other.indexes.subtracting(indexes).sorted(by: { $0.name < $1.name }) { out.append("\(name): index \(i.name) \(i.columns) only in \(otherLabel)") }
        return out
    }
}
