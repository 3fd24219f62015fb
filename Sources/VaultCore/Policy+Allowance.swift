import Foundation

extension Policy {
    /// One `allow` entry of a rule, with the parameters it pins: a requester may ask exactly these questions and
    /// no others (an unpinned `field:kind` would let it binary-search the value). Written as
    ///
    /// - `field:age_at_least:N` (N years, on the node's date: the request names no `on`, or today's);
    /// - `field:below:N`;
    /// - `field:range:LOW:HIGH` (the request's `at_least` LOW and `at_most` HIGH); `field:range:LOW:` and
    ///   `field:range::HIGH` pin a one-sided range (the request gives only that bound);
    /// - `field:in:a|b|c` (the request's `in` is exactly this set, in any order, without repeats);
    /// - `field:equals:value`; `field:equals:*` (any value) only in a rule with `consent: true`.
    public struct Allowance: Equatable, Sendable {
        public enum Parameters: Equatable, Sendable {
            case ageAtLeast(Int)
            case below(Int64)
            case range(Int64?, Int64?)
            case `in`(Set<String>)
            case equals(String)
            /// `field:equals:*`: any value, for rules with `consent: true` only (the citizen sees and approves the
            /// exact value asked, e.g. a bank checking a title's owner reference).
            case equalsAny
        }

        public let field: String
        public let parameters: Parameters

        /// Parses an entry strictly; the old unpinned `field:kind` form is refused by name.
        public init(parsing text: String) throws {
            func refuse(_ why: String) -> VaultError { .invalidSchema("policy allow entry \"\(text.prefix(80))\": \(why)") }
            let parts = text.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
            guard parts.count >= 2, !parts[0].isEmpty else { throw refuse("write field:kind:parameters") }
            guard RecordSchema.isIdentifier(parts[0]) else { throw refuse("the field must be 1-48 characters of a-z 0-9 _") }
            let kinds = ["age_at_least", "below", "range", "in", "equals"]
            guard kinds.contains(parts[1]) else { throw refuse("kind must be one of \(kinds.joined(separator: ", "))") }
            guard parts.count == 3, !parts[2].isEmpty else {
                throw refuse("names no parameters; a rule must pin them (e.g. income:below:30000, birth_date:age_at_least:18, district:in:north|south), since an unpinned kind lets a requester search for the value")
            }
            let rest = parts[2]
            func integer(_ s: String) throws -> Int64 {
                guard let v = Int64(s), v >= 0, String(v) == s else { throw refuse("\"\(s.prefix(20))\" is not a non-negative integer") }
                return v
            }
            field = parts[0]
            switch parts[1] {
            case "age_at_least":
                let years = try integer(rest)
                guard years <= 150 else { throw refuse("age must be at most 150") }
                parameters = .ageAtLeast(Int(years))
            case "below":
                let v = try integer(rest)
                guard v > 0 else { throw refuse("below must be positive") }
                parameters = .below(v)
            case "range":
                let bounds = rest.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
                guard bounds.count == 2, bounds != ["", ""] else { throw refuse("write field:range:LOW:HIGH, field:range:LOW: or field:range::HIGH") }
                let low = bounds[0].isEmpty ? nil : try integer(bounds[0])
                let high = bounds[1].isEmpty ? nil : try integer(bounds[1])
                if let low, let high, low > high { throw refuse("LOW must not exceed HIGH") }
                parameters = .range(low, high)
            case "in":
                let values = rest.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
                guard !values.contains(""), Set(values).count == values.count, values.count <= 64 else {
                    throw refuse("write field:in:a|b|c with 1-64 distinct non-empty values")
                }
                parameters = .in(Set(values))
            default:
                parameters = rest == "*" ? .equalsAny : .equals(rest)
            }
        }

        /// True when `spec` asks exactly the question this entry pins; `today` (YYYY-MM-DD, the node's date) is the
        /// only date an age question may be asked on (a spec without `on` means today).
        public func permits(_ spec: PredicateSpec, today: String) -> Bool {
            guard spec.field == field else { return false }
            let kinds = [spec.age_at_least != nil, spec.below != nil, spec.at_least != nil || spec.at_most != nil, spec.in != nil, spec.equals != nil]
            guard kinds.filter({ $0 }).count == 1 else { return false }
            switch parameters {
            case let .ageAtLeast(years): return spec.age_at_least == years && (spec.on ?? today) == today
            case let .below(v): return spec.below == v && spec.on == nil
            case let .range(low, high): return spec.at_least == low && spec.at_most == high && spec.on == nil
            case let .in(values): return spec.in.map { Set($0) == values && $0.count == values.count } == true && spec.on == nil
            case let .equals(value): return spec.equals == value && spec.on == nil
            case .equalsAny: return spec.equals != nil && spec.on == nil
            }
        }
    }

    /// How many distinct questions a requester may ask about one field of one record in a sliding period.
    public struct Budget: Codable, Equatable, Sendable {
        public let questions: Int
        public let days: Int

        /// Three questions per thirty days, for rules that say nothing.
        public static let standard = Budget(questions: 3, days: 30)

        public init(questions: Int, days: Int) {
            self.questions = questions
            self.days = days
        }

        public init(from decoder: any Decoder) throws {
            enum Keys: String, CodingKey, CaseIterable { case questions, days }
            let c = try decoder.container(keyedBy: AnyKey.self)
            let unknown = c.allKeys.map(\.stringValue).filter { Keys(rawValue: $0) == nil }
            guard unknown.isEmpty else { throw VaultError.invalidSchema("policy budget: unknown key \(unknown.sorted().joined(separator: ", "))") }
            func integer(_ key: String, _ range: ClosedRange<Int>) throws -> Int {
                guard let v = try? c.decode(Int.self, forKey: AnyKey(key)), range.contains(v) else {
                    throw VaultError.invalidSchema("policy budget: \(key) must be an integer from \(range.lowerBound) to \(range.upperBound)")
                }
                return v
            }
            questions = try integer("questions", 1...1000)
            days = try integer("days", 1...3660)
        }

        /// The period in milliseconds.
        public var windowMs: UInt64 { UInt64(days) * 86_400_000 }
    }
}

/// A coding key for any string, to find keys a strict decoder does not know.
struct AnyKey: CodingKey {
    let stringValue: String
    var intValue: Int? { nil }
    init(_ s: String) { stringValue = s }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}
