import NIOCore
import PostgresNIO

/// A value bound to a statement parameter (`$1`, `$2`, ...): only the types CivicVault stores. Public for
/// `PostgresPool.maintain` (maintenance and tests); bound, never spliced into SQL text.
public enum PostgresValue: Sendable {
    case int(Int64)
    case text(String)
    case bytes([UInt8])
    case bool(Bool)
    case null

    static func int(_ value: Int) -> PostgresValue { .int(Int64(value)) }
    static func int(_ value: UInt64) -> PostgresValue { .int(Int64(value)) }
    static func text(_ value: String?) -> PostgresValue { value.map { .text($0) } ?? .null }
    static func bytes(_ value: [UInt8]?) -> PostgresValue { value.map { .bytes($0) } ?? .null }
    static func int(_ value: UInt64?) -> PostgresValue { value.map { .int(Int64($0)) } ?? .null }

    /// Binds `values`, in order.
    static func bindings(_ values: [PostgresValue]) -> PostgresBindings {
        var bindings = PostgresBindings(capacity: values.count)
        for value in values {
            switch value {
            case let .int(v): bindings.append(v)
            case let .text(v): bindings.append(v)
            case let .bytes(v): bindings.append(ByteBuffer(bytes: v))
            case let .bool(v): bindings.append(v)
            case .null: bindings.appendNull()
            }
        }
        return bindings
    }
}

/// Typed reads of a result row by column name; a wrong type or a NULL where none is allowed is a corrupt row.
struct PostgresRowReader {
    let row: PostgresRandomAccessRow

    init(_ row: PostgresRow) { self.row = row.makeRandomAccess() }

    func int(_ column: String) throws -> Int64 { try decode(Int64.self, column) }
    func optionalInt(_ column: String) throws -> Int64? { try decode(Int64?.self, column) }
    func text(_ column: String) throws -> String { try decode(String.self, column) }
    func optionalText(_ column: String) throws -> String? { try decode(String?.self, column) }
    func bool(_ column: String) throws -> Bool { try decode(Bool.self, column) }

    func bytes(_ column: String) throws -> [UInt8] {
        guard let value = try optionalBytes(column) else { throw StoreRowError(column: column) }
        return value
    }

    func optionalBytes(_ column: String) throws -> [UInt8]? {
        try decode(ByteBuffer?.self, column).map { Array($0.readableBytesView) }
    }

    private func decode<T: PostgresDecodable>(_ type: T.Type, _ column: String) throws -> T {
        do { return try row[column].decode(T.self) } catch { throw StoreRowError(column: column) }
    }

    /// Column number `index` (from 0) as bytes, or as text: for `PostgresMaintenance`, whose queries name no column.
    func bytes(at index: Int) throws -> [UInt8] {
        guard index < row.count, let value = try? row[index].decode(ByteBuffer.self) else { throw StoreRowError(column: "#\(index)") }
        return Array(value.readableBytesView)
    }

    func int(at index: Int) throws -> Int64 {
        guard index < row.count, let value = try? row[index].decode(Int64.self) else { throw StoreRowError(column: "#\(index)") }
        return value
    }

    func text(at index: Int) throws -> String {
        guard index < row.count, let value = try? row[index].decode(String.self) else { throw StoreRowError(column: "#\(index)") }
        return value
    }

    /// Column number `index` as the value it would be bound as: integers, text, bytes, booleans or NULL (another
    /// type is an error).
    func value(at index: Int) throws -> PostgresValue {
        guard index < row.count else { throw StoreRowError(column: "#\(index)") }
        let cell = row[index]
        guard cell.bytes != nil else { return .null }
        do {
            switch cell.dataType {
            case .int2, .int4, .int8: return .int(try cell.decode(Int64.self))
            case .text, .varchar, .name: return .text(try cell.decode(String.self))
            case .bytea: return .bytes(try bytes(at: index))
            case .bool: return .bool(try cell.decode(Bool.self))
            default: throw StoreRowError(column: "#\(index)")
            }
        } catch { throw StoreRowError(column: "#\(index)") }
    }
}

/// A stored row whose column could not be read as the type the schema gives it.
struct StoreRowError: Error, CustomStringConvertible {
    let column: String
    var description: String { "stored row has an unreadable column \(column)" }
}
