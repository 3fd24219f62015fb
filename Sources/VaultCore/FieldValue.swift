import Foundation

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

    /// Parses an ISO date `YYYY-MM-DD` (proleptic Gregorian, UTC) into days since 1970-01-01.
    public static func days(fromISODate text: String) -> Int64? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let y = Int64(parts[0]), let m = Int64(parts[1]), let d = Int64(parts[2]),
            (1...12).contains(m), d >= 1, d <= daysInMonth(year: y, month: m)
        else { return nil }
        return daysFromCivil(year: y, month: m, day: d)
    }

    /// Formats days since 1970-01-01 as `YYYY-MM-DD`.
    public static func isoDate(fromDays days: Int64) -> String {
        let (y, m, d) = civilFromDays(days)
        return String(format: "%04lld-%02lld-%02lld", y, m, d)
    }

    static func daysInMonth(year: Int64, month: Int64) -> Int64 {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    // Howard Hinnant's days_from_civil / civil_from_days.
    static func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civilFromDays(_ days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
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
