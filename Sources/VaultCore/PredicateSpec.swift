import Foundation
import VaultCrypto
import VaultProofs

/// A predicate about one field, as requesters write it (JSON), e.g. `{"field":"birth_date","age_at_least":18,
/// "on":"2026-11-26"}`, `{"field":"income","below":30000}`, `{"field":"income","at_least":1000,"at_most":90000}`,
/// `{"field":"district","in":["north","south"]}`, `{"field":"district","equals":"north"}`.
///
/// Exactly one kind per spec. Its canonical JSON (docs/format/bundle.md) is what the proof context binds, so the
/// verifier rebuilds the very same statement from the bundle alone.
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

    /// The members a spec may have.
    static let memberNames: Set<String> = ["field", "age_at_least", "on", "below", "at_least", "at_most", "in", "equals"]
    /// Limits: specs per question, values of an `in`, ages, and the UTF-8 length of a compared value.
    public static let maxSpecs = 16
    public static let maxSetValues = 64
    public static let ages = 0...150
    public static let valueLengths = 1...1024
    /// The longest canonical predicate (the proof context's limit).
    public static let maxPredicateLength = 1024

    /// The kind of claim, as policies name it: `age_at_least`, `below`, `range`, `in`, `equals`.
    public var kind: String {
        if age_at_least != nil { return "age_at_least" }
        if below != nil { return "below" }
        if at_least != nil || at_most != nil { return "range" }
        if self.in != nil { return "in" }
        return "equals"
    }

    /// Checks what a spec must be whatever the field: a field name, exactly one kind, `on` with `age_at_least` and
    /// only there, an age in 0...150 below the year of `on`, at_least <= at_most, 1...64 `in` values distinct as
    /// bytes, values of 1...1024 bytes. (A node fills in `on` with its today before checking.)
    public func check() throws(VaultError) {
        guard RecordSchema.isIdentifier(field) else { throw .invalidPredicate("field must be 1-48 characters of a-z 0-9 _") }
        let kinds = [age_at_least != nil, below != nil, at_least != nil || at_most != nil, self.in != nil, equals != nil]
        guard kinds.filter({ $0 }).count == 1 else { throw .invalidPredicate("give exactly one of age_at_least, below, at_least/at_most, in, equals") }
        if on != nil, age_at_least == nil { throw .invalidPredicate("\"on\" goes only with age_at_least") }
        if let age_at_least {
            guard Self.ages.contains(age_at_least) else { throw .invalidPredicate("age_at_least must be in \(Self.ages)") }
            guard let on, let year = Int(on.prefix(4)), FieldValue.days(fromISODate: on) != nil else {
                throw .invalidPredicate("age_at_least needs \"on\": \"YYYY-MM-DD\"")
            }
            guard age_at_least <= year - 1 else { throw .invalidPredicate("age_at_least must be below the year of \"on\"") }
        }
        if let low = at_least, let high = at_most, low > high { throw .invalidPredicate("need at_least <= at_most") }
        for n in [below, at_least, at_most].compactMap({ $0 }) where !StrictJSON.interoperableIntegers.contains(n) {
            throw .invalidPredicate("thresholds must be in -(2^53-1)...2^53-1")
        }
        if let on, FieldValue.days(fromISODate: on) == nil { throw .invalidPredicate("\"on\" must be a date YYYY-MM-DD") }
        if let values = self.in {
            guard (1...Self.maxSetValues).contains(values.count), Set(values.map { Array($0.utf8) }).count == values.count else {
                throw .invalidPredicate("in needs 1...\(Self.maxSetValues) distinct values")
            }
        }
        for value in (self.in ?? []) + (equals.map { [$0] } ?? []) where !Self.valueLengths.contains(value.utf8.count) {
            throw .invalidPredicate("a compared value must be 1...\(Self.valueLengths.upperBound) UTF-8 bytes")
        }
    }

    /// The core predicate over the field's committed value under `rules`, checked against the field's declaration.
    public func predicate(field declared: AttestedField, rules: StatementRules) throws(VaultError) -> AttributePredicate {
        try check()
        do {
            switch (kind, declared.type) {
            case ("age_at_least", "date"):
                guard let on, let days = FieldValue.days(fromISODate: on) else { throw VaultError.invalidPredicate("age_at_least needs \"on\": \"YYYY-MM-DD\"") }
                return try DerivedPredicates.ageAtLeast(age_at_least!, on: try CivilDate(daysSinceEpoch: days))
            case ("below", "integer"), ("range", "integer"):
                switch rules {
                case .v1: return try integerV1()
                case .v2: return try integer(in: declared)
                }
            case ("in", "enum"):
                return DerivedPredicates.resident(inDistricts: self.in!, type: field)
            case ("equals", "enum"):
                return .equals(AttributeEncoding.enumeration(equals!, type: field))
            case ("equals", "string"):
                return .equals(AttributeEncoding.string(equals!, field: field))
            case ("equals", "integer"):
                // The decimal form of the value (certificates disclose integers this way): no sign but "-", no leading zero.
                guard let value = Int64(equals!), String(value) == equals! else { throw VaultError.invalidPredicate("equals on integer field \(field) needs a decimal integer") }
                return .equals(AttributeEncoding.signedInteger(value))
            case ("equals", "date"):
                guard let days = FieldValue.days(fromISODate: equals!), FieldValue.isoDate(fromDays: days) == equals! else {
                    throw VaultError.invalidPredicate("equals on date field \(field) needs YYYY-MM-DD")
                }
                return .equals(AttributeEncoding.signedInteger(days))
            default:
                throw VaultError.invalidPredicate("\(kind) does not apply to \(declared.type) field \(field)")
            }
        } catch let error as ProofError {
            throw .invalidPredicate(error.description)
        } catch let error as VaultError {
            throw error
        } catch {
            throw .invalidPredicate("\(error)")
        }
    }

    /// Version 2 rules: exact for every value in the field's declared range [m, M], using only the bits it needs.
    /// `below L` is atMost(L-1, bitLength(L-1-m)); `at_most b` atMost(b, bitLength(b-m)); `at_least a`
    /// atLeast(a, bitLength(M-a)); both bounds between(a, b, bitLength(b-a)). Each says nothing about the value
    /// beyond the claim and the declared range.
    func integer(in declared: AttestedField) throws(VaultError) -> AttributePredicate {
        guard let m = declared.minimum, let M = declared.maximum else { throw .invalidPredicate("integer field \(field) has no declared range") }
        func bits(_ high: Int64, _ low: Int64) -> Int { AttributePredicate.bitLength(UInt64(bitPattern: high &- low)) }
        let s = AttributeEncoding.signedInteger
        switch (below, at_least, at_most) {
        case let (limit?, nil, nil):
            guard limit > m else { throw .invalidPredicate("below \(limit) is false for every value of \(field) (minimum \(m))") }
            return .atMost(s(limit - 1), bits: bits(limit - 1, m))
        case let (nil, low?, high?):
            guard low <= high else { throw .invalidPredicate("need at_least <= at_most") }
            return .between(s(low), s(high), bits: bits(high, low))
        case let (nil, low?, nil):
            guard low <= M else { throw .invalidPredicate("at_least \(low) is false for every value of \(field) (maximum \(M))") }
            return .atLeast(s(low), bits: bits(M, low))
        case let (nil, nil, high?):
            guard high >= m else { throw .invalidPredicate("at_most \(high) is false for every value of \(field) (minimum \(m))") }
            return .atMost(s(high), bits: bits(high, m))
        default: throw .invalidPredicate("range needs at_least or at_most")
        }
    }

    /// Version 1 rules (bundles made before field ranges): non-negative thresholds, `at_least` alone over 32 bits.
    /// Throws `VaultError` or `ProofError`; `predicate(field:rules:)` turns the latter into `invalidPredicate`.
    func integerV1() throws -> AttributePredicate {
        switch (below, at_least, at_most) {
        case let (limit?, nil, nil):
            guard limit > 0 else { throw VaultError.invalidPredicate("below must be positive") }
            return try DerivedPredicates.below(UInt64(limit))
        case let (nil, low?, high?):
            guard low >= 0, high >= low else { throw VaultError.invalidPredicate("need 0 <= at_least <= at_most") }
            return .between(Scalar(UInt64(low)), Scalar(UInt64(high)), bits: AttributePredicate.bitLength(UInt64(high - low)))
        case let (nil, low?, nil):
            guard low >= 0 else { throw VaultError.invalidPredicate("at_least must not be negative") }
            return .atLeast(Scalar(UInt64(low)), bits: 32)
        case let (nil, nil, high?):
            guard high >= 0 else { throw VaultError.invalidPredicate("at_most must not be negative") }
            return try DerivedPredicates.below(UInt64(high) + 1)
        default: throw VaultError.invalidPredicate("range needs at_least or at_most")
        }
    }

    /// The claim in words, e.g. `birth_date: at least 18 years old on 2026-12-01`, `income: below 30000`.
    public var words: String {
        let claim: String
        switch kind {
        case "age_at_least": claim = "at least \(age_at_least!) years old on \(on ?? "the node's today")"
        case "below": claim = "below \(below!)"
        case "range":
            switch (at_least, at_most) {
            case let (low?, high?): claim = "between \(low) and \(high)"
            case let (low?, nil): claim = "at least \(low)"
            default: claim = "at most \(at_most!)"
            }
        case "in": claim = "one of " + self.in!.joined(separator: ", ")
        default: claim = "equals \(equals!)"
        }
        return "\(field): \(claim)"
    }

    /// The canonical JSON of one spec: members sorted by name, no whitespace, `CanonicalJSON` strings, integers in
    /// shortest decimal form.
    public var canonicalJSON: String {
        var members: [(String, String)] = [("field", CanonicalJSON.string(field))]
        if let age_at_least { members.append(("age_at_least", String(age_at_least))) }
        if let on { members.append(("on", CanonicalJSON.string(on))) }
        if let below { members.append(("below", String(below))) }
        if let at_least { members.append(("at_least", String(at_least))) }
        if let at_most { members.append(("at_most", String(at_most))) }
        if let values = self.in { members.append(("in", CanonicalJSON.array(values.map(CanonicalJSON.string)))) }
        if let equals { members.append(("equals", CanonicalJSON.string(equals))) }
        return CanonicalJSON.object(members)
    }

    /// The canonical JSON of a list of specs: the context's predicate string.
    public static func canonical(_ specs: [PredicateSpec]) throws -> String {
        CanonicalJSON.array(specs.map(\.canonicalJSON))
    }

    /// Reads one spec from strict JSON: known members only, integers as integers.
    public init(strict json: StrictJSON, path: String) throws(VaultError) {
        let m = try json.members(path, allowed: Self.memberNames, required: ["field"])
        self.init(
            field: try m["field"]!.string(path + ".field"),
            age_at_least: try m["age_at_least"].map { j throws(VaultError) in try j.integer(path + ".age_at_least", as: Int.self) },
            on: try m["on"].map { j throws(VaultError) in try j.string(path + ".on") },
            below: try m["below"].map { j throws(VaultError) in try j.integer(path + ".below", as: Int64.self) },
            at_least: try m["at_least"].map { j throws(VaultError) in try j.integer(path + ".at_least", as: Int64.self) },
            at_most: try m["at_most"].map { j throws(VaultError) in try j.integer(path + ".at_most", as: Int64.self) },
            in: try m["in"].map { j throws(VaultError) in try j.array(path + ".in").map { v throws(VaultError) in try v.string(path + ".in[]") } },
            equals: try m["equals"].map { j throws(VaultError) in try j.string(path + ".equals") })
    }

    /// Parses a bundle's predicate string: strict JSON, 1...16 valid specs, and exactly its canonical encoding.
    public static func parseCanonical(_ text: String) throws(VaultError) -> [PredicateSpec] {
        guard text.utf8.count <= maxPredicateLength else { throw .invalidPredicate("the predicate is longer than \(maxPredicateLength) bytes") }
        let json: StrictJSON
        do { json = try StrictJSON.parse(text) } catch { throw .invalidPredicate("\(error)") }
        let items: [StrictJSON]
        do { items = try json.array("predicate") } catch { throw .invalidPredicate("\(error)") }
        guard (1...maxSpecs).contains(items.count) else { throw .invalidPredicate("give 1...\(maxSpecs) predicates") }
        var specs: [PredicateSpec] = []
        for (i, item) in items.enumerated() {
            let spec: PredicateSpec
            do { spec = try PredicateSpec(strict: item, path: "predicate[\(i)]") } catch { throw .invalidPredicate("\(error)") }
            try spec.check()
            specs.append(spec)
        }
        guard let canonical = try? canonical(specs), canonical.utf8.elementsEqual(text.utf8) else {
            throw .invalidPredicate("predicate is not canonical JSON")
        }
        return specs
    }

    /// The statement about `commitments` (by field name) that `specs` claim under `rules`, fields in first-use
    /// order, one clause per spec in order.
    public static func statement(
        _ specs: [PredicateSpec], commitments: [String: Commitment], fields declared: [String: AttestedField], rules: StatementRules = .v2
    ) throws(VaultError) -> Statement {
        var fields: [String] = []
        var clauses: [Clause] = []
        for spec in specs {
            guard let field = declared[spec.field], commitments[spec.field] != nil else {
                throw .invalidPredicate("field \(spec.field) is not attestable")
            }
            if !fields.contains(spec.field) { fields.append(spec.field) }
            clauses.append(Clause(commitment: fields.firstIndex(of: spec.field)!, predicate: try spec.predicate(field: field, rules: rules)))
        }
        do {
            return try Statement(commitments: fields.map { commitments[$0]! }, clauses: clauses)
        } catch { throw .invalidPredicate(error.description) }
    }

    /// Field names in first-use order (the order of the statement's commitments).
    public static func fields(_ specs: [PredicateSpec]) -> [String] {
        var out: [String] = []
        for spec in specs where !out.contains(spec.field) { out.append(spec.field) }
        return out
    }
}

/// Which statement rules turn a predicate into clauses: `v2` (bundle version 2, field ranges) or `v1` (bundles
/// made before).
public enum StatementRules: Sendable {
    case v1, v2
}

/// What a prover and a verifier know of an attested field: its schema type and, for an integer field, its
/// declared range (-(2^53-1)...2^53-1 when the schema declares none).
public struct AttestedField: Equatable, Sendable {
    public let type: String
    public let minimum: Int64?
    public let maximum: Int64?

    public init(type: String, minimum: Int64? = nil, maximum: Int64? = nil) {
        self.type = type
        self.minimum = minimum
        self.maximum = maximum
    }

    /// The declaration of a schema field: integers get their declared range, or -(2^53-1)...2^53-1.
    public init(_ field: RecordSchema.Field) {
        let range = field.integerRange
        self.init(type: field.type, minimum: field.type == "integer" ? range.lowerBound : nil, maximum: field.type == "integer" ? range.upperBound : nil)
    }
}
