import Foundation

/// A record type declared in a schema file: its fields, each with a type, a tier and whether it is attestable.
///
/// `validate` turns untyped input (JSON) into typed `FieldValue`s, refusing unknown fields, wrong types, values
/// outside an enum's set and missing required fields, each with an error naming the field.
public struct RecordSchema: Sendable, Equatable, Codable {
    /// One field of a schema.
    public struct Field: Sendable, Equatable, Codable {
        /// Field name, unique within the schema.
        public let name: String
        /// `string`, `integer`, `date` or `enum`.
        public let type: String
        /// Name of the tier whose keys encrypt it.
        public let tier: String
        /// Whether a Pedersen commitment is made so predicates can be proven about it.
        public let attestable: Bool
        /// Whether every record must have it.
        public let required: Bool
        /// Allowed values of an enum field.
        public let values: [String]?

        enum CodingKeys: String, CodingKey { case name, type, tier, attestable, required, values }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            name = try c.decode(String.self, forKey: .name)
            type = try c.decode(String.self, forKey: .type)
            tier = try c.decode(String.self, forKey: .tier)
            attestable = try c.decodeIfPresent(Bool.self, forKey: .attestable) ?? false
            required = try c.decodeIfPresent(Bool.self, forKey: .required) ?? false
            values = try c.decodeIfPresent([String].self, forKey: .values)
        }
    }

    /// The record type, e.g. `citizen`.
    public let type: String
    /// Schema version.
    public let version: Int
    /// The fields, in declaration order.
    public let fields: [Field]

    static let fieldTypes: Set<String> = ["string", "integer", "date", "enum"]

    /// Parses and checks a schema file against the node's tiers.
    public static func parse(json: Data, tiers: TierLevels) throws -> RecordSchema {
        let schema: RecordSchema
        do {
            schema = try JSONDecoder().decode(RecordSchema.self, from: json)
        } catch let error as DecodingError {
            throw VaultError.invalidSchema(Self.describe(error))
        }
        try schema.check(tiers: tiers)
        return schema
    }

    func check(tiers: TierLevels) throws {
        guard !type.isEmpty, type.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" || $0 == "." }) else {
            throw VaultError.invalidSchema("record type must be a non-empty identifier")
        }
        guard version >= 0 else { throw VaultError.invalidSchema("schema version must not be negative") }
        var seen = Set<String>()
        for field in fields {
            guard Self.isIdentifier(field.name), seen.insert(field.name).inserted else {
                throw VaultError.invalidSchema("field \"\(field.name)\" must be a-z 0-9 _ (1-48 characters) and declared once")
            }
            guard Self.fieldTypes.contains(field.type) else {
                throw VaultError.invalidSchema("field \"\(field.name)\" has unknown type \"\(field.type)\"")
            }
            _ = try tiers.tier(named: field.tier)
            if field.type == "enum" {
                guard let values = field.values, !values.isEmpty, Set(values).count == values.count else {
                    throw VaultError.invalidSchema("enum field \"\(field.name)\" needs distinct values")
                }
            } else if field.values != nil {
                throw VaultError.invalidSchema("field \"\(field.name)\" is not an enum but lists values")
            }
        }
    }

    /// Field names are 1-48 characters of a-z 0-9 _ (they appear in ledger attribute keys).
    static func isIdentifier(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        return (1...48).contains(bytes.count) && bytes.allSatisfy { ($0 >= 0x61 && $0 <= 0x7a) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x5f }
    }

    /// The field called `name`, or nil.
    public func field(named name: String) -> Field? { fields.first { $0.name == name } }

    /// Turns JSON input values into typed field values, or throws naming the first bad field.
    public func validate(_ input: [String: JSONValue]) throws -> [String: FieldValue] {
        for name in input.keys.sorted() where field(named: name) == nil { throw VaultError.unknownField(name) }
        var out: [String: FieldValue] = [:]
        for field in fields {
            guard let raw = input[field.name], raw != .null else {
                if field.required { throw VaultError.missingField(field.name) }
                continue
            }
            out[field.name] = try Self.typed(raw, for: field)
        }
        return out
    }

    static func typed(_ raw: JSONValue, for field: Field) throws -> FieldValue {
        switch (field.type, raw) {
        case let ("string", .string(s)): return .string(s)
        case let ("integer", .integer(i)): return .integer(i)
        case let ("date", .string(s)):
            guard let days = FieldValue.days(fromISODate: s) else { throw VaultError.wrongType(field: field.name, expected: "date (YYYY-MM-DD)") }
            return .date(days: days)
        case let ("enum", .string(s)):
            guard field.values?.contains(s) == true else { throw VaultError.notAllowedValue(field: field.name) }
            return .enumeration(s)
        default:
            throw VaultError.wrongType(field: field.name, expected: field.type == "date" ? "date (YYYY-MM-DD)" : field.type)
        }
    }

    static func describe(_ error: DecodingError) -> String {
        switch error {
        case let .keyNotFound(key, ctx): return "missing \"\(key.stringValue)\" at \(path(ctx))"
        case let .typeMismatch(_, ctx), let .valueNotFound(_, ctx), let .dataCorrupted(ctx):
            return "\(ctx.debugDescription) at \(path(ctx))"
        @unknown default: return "malformed"
        }
    }

    static func path(_ ctx: DecodingError.Context) -> String {
        ctx.codingPath.isEmpty ? "top level" : ctx.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
    }
}
