import Foundation
import VaultCrypto
import VaultProofs

/// A predicate about one field, as requesters write it (JSON), e.g. `{"field":"birth_date","age_at_least":18,
/// "on":"2026-11-26"}`, `{"field":"income","below":30000}`, `{"field":"income","at_least":1000,"at_most":90000}`,
/// `{"field":"district","in":["north","south"]}`, `{"field":"district","equals":"north"}`.
///
/// Exactly one kind per spec. Its canonical JSON (sorted keys) is what the proof context binds, so the verifier
/// rebuilds the very same statement from the bundle alone.
public struct PredicateSpec: Codable, Equatable, Sendable {
    public var field: String
    public var age_at_least: Int?
    public var on: String?
    public var below: Int64?
    public var at_least: Int64?
    public var at_most: Int64?
    public var `in`: [String]?
    public var equals: String?

    public init(field: String, age_at_least: Int? = nil, on: String? = nil, below: Int64? = nil, at_least: Int64? = nil,
                at_most: Int64? = nil, in values: [String]? = nil, equals: String? = nil) {
        self.field = field
        self.age_at_least = age_at_least
        self.on = on
        self.below = below
        self.at_least = at_least
        self.at_most = at_most
        self.in = values
        self.equals = equals
    }

    /// The kind of claim, as policies name it: `age_at_least`, `below`, `range`, `in`, `equals`.
    public var kind: String {
        if age_at_least != nil { return "age_at_least" }
        if below != nil { return "below" }
        if at_least != nil || at_most != nil { return "range" }
        if self.in != nil { return "in" }
        return "equals"
    }

    /// The core predicate over the field's committed value, checked against the field's schema type.
    public func predicate(fieldType: String) throws -> AttributePredicate {
        let kinds = [age_at_least != nil, below != nil, at_least != nil || at_most != nil, self.in != nil, equals != nil]
        guard kinds.filter({ $0 }).count == 1 else { throw VaultError.invalidPredicate("give exactly one of age_at_least, below, at_least/at_most, in, equals") }
        do {
            switch (kind, fieldType) {
            case ("age_at_least", "date"):
                guard let on, let days = FieldValue.days(fromISODate: on) else { throw VaultError.invalidPredicate("age_at_least needs \"on\": \"YYYY-MM-DD\"") }
                return try DerivedPredicates.ageAtLeast(age_at_least!, on: try CivilDate(daysSinceEpoch: days))
            case ("below", "integer"):
                guard below! > 0 else { throw VaultError.invalidPredicate("below must be positive") }
                return try DerivedPredicates.below(UInt64(below!))
            case ("range", "integer"):
                switch (at_least, at_most) {
                case let (low?, high?):
                    guard low >= 0, high >= low else { throw VaultError.invalidPredicate("need 0 <= at_least <= at_most") }
                    return .between(Scalar(UInt64(low)), Scalar(UInt64(high)), bits: AttributePredicate.bitLength(UInt64(high - low)))
                case let (low?, nil):
                    guard low >= 0 else { throw VaultError.invalidPredicate("at_least must not be negative") }
                    return .atLeast(Scalar(UInt64(low)), bits: 32)
                case let (nil, high?):
                    guard high >= 0 else { throw VaultError.invalidPredicate("at_most must not be negative") }
                    return try DerivedPredicates.below(UInt64(high) + 1)
                default: throw VaultError.invalidPredicate("range needs at_least or at_most")
                }
            case ("in", "enum"):
                guard let values = self.in, !values.isEmpty, values.count <= 64 else { throw VaultError.invalidPredicate("in needs 1...64 values") }
                return DerivedPredicates.resident(inDistricts: values, type: field)
            case ("equals", "enum"):
                return .equals(AttributeEncoding.enumeration(equals!, type: field))
            case ("equals", "string"):
                return .equals(AttributeEncoding.string(equals!, field: field))
            default:
                throw VaultError.invalidPredicate("\(kind) does not apply to \(fieldType) field \(field)")
            }
        } catch let error as ProofError {
            throw VaultError.invalidPredicate(error.description)
        }
    }

    /// The canonical JSON of a list of specs (sorted keys, no whitespace): the context's predicate string.
    public static func canonical(_ specs: [PredicateSpec]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(specs), as: UTF8.self)
    }

    /// Parses the canonical JSON back, refusing anything that is not in canonical form.
    public static func parseCanonical(_ text: String) throws -> [PredicateSpec] {
        guard let specs = try? JSONDecoder().decode([PredicateSpec].self, from: Data(text.utf8)), !specs.isEmpty,
              try canonical(specs) == text else { throw VaultError.invalidPredicate("predicate is not canonical JSON") }
        return specs
    }

    /// The statement about `commitments` (by field name) that `specs` claim, fields in spec order.
    public static func statement(_ specs: [PredicateSpec], commitments: [String: Commitment], fieldTypes: [String: String]) throws -> Statement {
        var fields: [String] = []
        var clauses: [Clause] = []
        for spec in specs {
            guard let type = fieldTypes[spec.field], commitments[spec.field] != nil else {
                throw VaultError.invalidPredicate("field \(spec.field) is not attestable")
            }
            if !fields.contains(spec.field) { fields.append(spec.field) }
            clauses.append(Clause(commitment: fields.firstIndex(of: spec.field)!, predicate: try spec.predicate(fieldType: type)))
        }
        do {
            return try Statement(commitments: fields.map { commitments[$0]! }, clauses: clauses)
        } catch { throw VaultError.invalidPredicate(error.description) }
    }

    /// Field names in first-use order (the order of the statement's commitments).
    public static func fields(_ specs: [PredicateSpec]) -> [String] {
        var out: [String] = []
        for spec in specs where !out.contains(spec.field) { out.append(spec.field) }
        return out
    }
}
