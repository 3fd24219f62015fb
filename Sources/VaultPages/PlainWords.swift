import Foundation
import VaultCore

/// The plain-language wording of the pages: log events as sentences a citizen can read, predicates as statements
/// ("birth date: at least 18 years old on 2026-12-01"), times in UTC.
public enum PlainWords {
    /// A field name as words: `birth_date` -> `birth date`.
    public static func field(_ name: String) -> String { name.replacingOccurrences(of: "_", with: " ") }

    /// A list as words: "a", "a and b", "a, b and c".
    public static func list(_ items: [String]) -> String {
        switch items.count {
        case 0: return "nothing"
        case 1: return items[0]
        default: return items.dropLast().joined(separator: ", ") + " and " + items[items.count - 1]
        }
    }

    /// One predicate as a statement.
    public static func predicate(_ p: PredicateSpec) -> String {
        let name = field(p.field)
        if let years = p.age_at_least { return "\(name): at least \(years) years old on \(p.on ?? "the day of the answer")" }
        if let below = p.below { return "\(name): below \(below)" }
        switch (p.at_least, p.at_most) {
        case let (low?, high?): return "\(name): between \(low) and \(high)"
        case let (low?, nil): return "\(name): at least \(low)"
        case let (nil, high?): return "\(name): at most \(high)"
        default: break
        }
        if let set = p.in { return "\(name): one of \(list(set))" }
        if let value = p.equals { return "\(name): equals \(value)" }
        return name
    }

    /// A time in ms since 1970 as `2026-11-20 14:03 UTC`.
    public static func time(_ ms: UInt64) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        return formatter.string(from: Date(timeIntervalSince1970: TimeInterval(ms) / 1000)) + " UTC"
    }

    /// An event of a citizen's access log as a sentence, and whether it was answered, refused or neither.
    public static func event(_ e: AccessEvent) -> (sentence: String, outcome: String?) {
        let record = e.record.map { "your record \($0)" } ?? "your record"
        let purpose = e.purpose.map { " for the purpose \"\($0)\"" } ?? ""
        let requester = e.requester ?? "someone"
        switch e.type {
        case "record.created": return ("\(e.actor) registered \(record).", nil)
        case "record.updated":
            return ("\(e.actor) updated \(e.fields.isEmpty ? "" : list(e.fields.map(field)) + " of ")\(record).", nil)
        case "field.read":
            var s = "\(e.actor) read \(e.fields.isEmpty ? "no fields" : list(e.fields.map(field))) of \(record)\(purpose)."
            if !e.refused.isEmpty { s += " Refused: \(list(e.refused.map(field)))." }
            return (s, e.refused.isEmpty ? "answered" : e.fields.isEmpty ? "refused" : "partly refused")
        case "question" where e.outcome == "true", "attested":
            return ("\(requester) asked a yes-or-no question about \(record)\(purpose) and was told it holds; nothing else was shown.", "answered")
        case "question", "question.refused":
            let why: String
            switch e.outcome {
            case "false"?: why = "the statement does not hold, and only that was recorded"
            case "budget_exhausted"?: why = "it had asked too many questions"
            default: why = "policy did not allow it"
            }
            return ("\(requester) asked a question about \(record)\(purpose); it was refused: \(why).", "refused")
        case "request.filed": return ("\(requester) asked a question about \(record)\(purpose); it waits for a decision.", nil)
        case "request.approval": return ("Officer \(e.actor) approved the request of \(requester) about \(record).", nil)
        case "request.approved":
            return (e.actor == "citizen" ? "You approved the request of \(requester) about \(record)." : "Officer \(e.actor) approved the request of \(requester) about \(record); it is answered.", "answered")
        case "request.denied":
            if e.actor == "consent-expiry" { return ("The request of \(requester) about \(record) expired without your answer and was denied.", "refused") }
            return (e.actor == "citizen" ? "You refused the request of \(requester) about \(record)." : "Officer \(e.actor) denied the request of \(requester) about \(record).", "refused")
        case "record.shredded": return ("\(e.actor) shredded \(record): it can never be read again.", nil)
        default: return ("\(e.type) by \(e.actor) on \(record)\(purpose).", nil)
        }
    }
}
