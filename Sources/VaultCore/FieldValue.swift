import Foundation
import VaultProofs

/// A typed field value of a record. Its canonical bytes (type tag || payload) are what gets encrypted.
public enum FieldValue: Equatable, Sendable {
    /// UTF-8 text.
    case string(String)
    /// A signed integer (amounts in minor units, counts).
    case integer(Int64)
    /// A calendar date as days since 1970-01-01 (negative before).
    case date(days: Int64)
    /// One of the schema's allowed values.
    case enumeration(String)

    /// The type name as used in schemas.
    public var typeName: String {
        switch self {
        case .string: return "string"
        case .integer: return "integer"
        case .date: return "date"
        case .enumeration: return "enum"
        }
    }

    /// Canonical bytes: 0x01 || UTF-8 for string, 0x02 || i64 BE for integer, 0x03 || i64 BE days for date,
    /// 0x04 || UTF-8 for enum.
    public var canonicalBytes: [UInt8] {
        switch self {
        case let .string(s): return [0x01] + Array(s.utf8)
        case let .integer(i): return [0x02] + Self.bigEndian(i)
        case let .date(days): return [0x03] + Self.bigEndian(days)
        case let .enumeration(s): return [0x04] + Array(s.utf8)
        }
    }

    /// Decodes canonical bytes strictly.
    public init(canonical bytes: [UInt8]) throws {
        guard let tag = bytes.first else { throw VaultError.corrupt("empty field value") }
        let body = Array(bytes.dropFirst())
        switch tag {
        case 0x01, 0x04:
            guard let text = String(validating: body, as: UTF8.self) else { throw VaultError.corrupt("field value is not UTF-8") }
            self = tag == 0x01 ? .string(text) : .enumeration(text)
        case 0x02, 0x03:
            guard body.count == 8 else { throw VaultError.corrupt("integer field value length") }
            let value = Int64(bitPattern: body.reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
            self = tag == 0x02 ? .integer(value) : .date(days: value)
        default:
            throw VaultError.corrupt("unknown field value tag \(tag)")
        }
    }

    private static func bigEndian(_ value: Int64) -> [UInt8] {
        let bits = UInt64(bitPattern: value)
        return (0..<8).map { UInt8(truncatingIfNeeded: bits >> (56 - 8 * UInt64($0))) }
    }

    /// Parses an ISO date `YYYY-MM-DD` (proleptic Gregorian, years 1...9999) into days since 1970-01-01.
    public static func days(fromISODate text: String) -> Int64? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
            let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]),
            let date = try? CivilDate(year: y, month: m, day: d)
        else { return nil }
        return date.daysSinceEpoch
    }

    /// Formats days since 1970-01-01 as `YYYY-MM-DD` (days outside years 1...9999 are not produced by `days(fromISODate:)`).
    public static func isoDate(fromDays days: Int64) -> String {
        (try? CivilDate(daysSinceEpoch: days))?.description ?? "day \(days)"
    }
}

extension FieldValue {
    /// The value as JSON: strings and enums as strings, integers as numbers, dates as "YYYY-MM-DD".
    public var json: JSONValue {
        switch self {
        case let .string(s), let .enumeration(s): return .string(s)
        case let .integer(i): return .integer(i)
        case let .date(days): return .string(FieldValue.isoDate(fromDays: days))
        }
    }
}
