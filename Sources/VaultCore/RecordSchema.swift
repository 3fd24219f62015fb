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
        /// Smallest and largest allowed value of an integer field, each optional and within -(2^53-1)...2^53-1 (the
        /// integers every JSON reader holds exactly), which is also the range when absent.
        /// Attestations about the field prove their claims over exactly this range (docs/format/bundle.md).
        public let minimum: Int64?
        public let maximum: Int64?

        enum CodingKeys: String, CodingKey { case name, type, tier, attestable, required, values, minimum, maximum }
        static let memberNames = Set(["name", "type", "tier", "attestable", "required", "values", "minimum", "maximum"])

        /// The values an integer field takes: its declared bounds, or the interoperable integers.
        public var integerRange: ClosedRange<Int64> {
            (minimum ?? StrictJSON.interoperableIntegers.lowerBound)...(maximum ?? StrictJSON.interoperableIntegers.upperBound)
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            name = try c.decode(String.self, forKey: .name)
            type = try c.decode(String.self, forKey: .type)
            tier = try c.decode(String.self, forKey: .tier)
            attestable = try c.decodeIfPresent(Bool.self, forKey: .attestable) ?? false
            required = try c.decodeIfPresent(Bool.self, forKey: .required) ?? false
            values = try c.decodeIfPresent([String].self, forKey: .values)
            minimum = try c.decodeIfPresent(Int64.self, forKey: .minimum)
            maximum = try c.decodeIfPresent(Int64.self, forKey: .maximum)
        }
    }

    /// The record type, e.g. `citizen`.
    public let type: String
    /// Schema version.
    public let version: Int
    /// The fields, in declaration order.
    public let fields: [Field]

    static let fieldTypes: Set<String> = ["string", "integer", "date", "enum"]

    /// Parses and checks a schema file against the node's tiers: strict JSON (no member twice, none unknown,
    /// integers as integers), then every rule of docs/format/schema.md.
    public static func parse(json: Data, tiers: TierLevels) throws -> RecordSchema {
        do { try checkMembers(json) } catch { throw VaultError.invalidSchema(error.description) }
        let schema: RecordSchema
        do {
            schema = try JSONDecoder().decode(RecordSchema.self, from: json)
        } catch let error as DecodingError {
            throw VaultError.invalidSchema(Self.describe(error))
        }
        try schema.check(tiers: tiers)
        return schema
    }

    /// Strict JSON with only the documented members (docs/format/schema.md), integers written as integers.
    static func checkMembers(_ json: Data) throws(VaultError) {
        let top = try StrictJSON.parse(Array(json)).members("schema", allowed: ["type", "version", "fields"], required: ["type", "version", "fields"])
        _ = try top["version"]!.integer("version", as: Int.self)
        let fields = try top["fields"]!.array("fields")
        for i in fields.indices {
            let m = try fields[i].members("fields[\(i)]", allowed: Field.memberNames, required: ["name", "type", "tier"])
            if let low = m["minimum"] { _ = try low.interoperableInteger("fields[\(i)].minimum", as: Int64.self) }
            if let high = m["maximum"] { _ = try high.interoperableInteger("fields[\(i)].maximum", as: Int64.self) }
        }
    }

    func check(tiers: TierLevels) throws {
        guard Self.isRecordType(type) else {
            throw VaultError.invalidSchema("record type must be 1-64 characters of A-Z a-z 0-9 . _ -")
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
            if field.type != "integer", field.minimum != nil || field.maximum != nil {
                throw VaultError.invalidSchema("field \"\(field.name)\" is not an integer but declares minimum or maximum")
            }
            if let low = field.minimum, let high = field.maximum, low > high {
                throw VaultError.invalidSchema("field \"\(field.name)\" has minimum above maximum")
            }
        }
    }

    /// Record types are 1-64 characters of A-Z a-z 0-9 . _ -.
    public static func isRecordType(_ type: String) -> Bool {
        let bytes = Array(type.utf8)
        return (1...64).contains(bytes.count) && bytes.allSatisfy { b in
            (0x41...0x5A).contains(b) || (0x61...0x7A).contains(b) || (0x30...0x39).contains(b) || b == 0x2E || b == 0x5F || b == 0x2D
        }
    }

    /// Field names are 1-48 characters of a-z 0-9 _ (they appear in ledger attribute keys).
    public static func isIdentifier(_ name: String) -> Bool {
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
        case let ("integer", .integer(i)):
            guard field.integerRange.contains(i) else { throw VaultError.valueOutOfRange(field: field.name) }
            return .integer(i)
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
