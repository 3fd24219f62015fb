import Foundation
import VaultCrypto

/// The node's attestation rules (the platform's "smart contracts"): which requester may ask which predicate about
/// which record type for which purpose, and which requests wait for an officer's approval. Declarative JSON;
/// every installed version goes on the ledger with its hash, and every decision names the rule that made it.
public struct Policy: Codable, Equatable, Sendable {
    /// One rule. `requesters` are exact ids or prefixes ending in `*`; `allow` lists the questions allowed, each
    /// with its parameters pinned (see `Allowance`: `income:below:30000`, `birth_date:age_at_least:18`).
    /// `approval: true` queues matching requests for one officer; `approvals: k` (1...16) for k distinct officers.
    /// `budget` limits the distinct questions per (requester, record, field) and period (default 3 per 30 days).
    /// `consent: true` makes matching requests wait for the citizen's decision, for `consent_hours` (default 72).
    public struct Rule: Codable, Equatable, Sendable {
        public let id: String
        public let requesters: [String]
        public let record_type: String
        public let allow: [String]
        public let purposes: [String]
        public let approval: Bool?
        public let approvals: Int?
        public let budget: Budget?
        public let consent: Bool?
        public let consent_hours: Int?

        /// The longest a consent request may wait, in hours.
        public static let maxConsentHours = 720

        /// How long a consent request waits for the citizen, in milliseconds.
        public var consentWindowMs: UInt64 { UInt64(consent_hours ?? 72) * 3_600_000 }
        /// The most officers a rule may ask for.
        public static let maxApprovals = 16

        /// How many distinct officers must approve a matching request (0: none).
        public var requiredApprovals: Int { approvals ?? (approval == true ? 1 : 0) }

        /// The rule's disclosure budget.
        public var questionBudget: Budget { budget ?? .standard }

        /// The parsed allow entries; entries that do not parse (an old `field:kind`) allow nothing.
        var allowances: [Allowance] { allow.compactMap { try? Allowance(parsing: $0) } }

        func matches(requester: String) -> Bool {
            requesters.contains { $0.hasSuffix("*") ? requester.hasPrefix(String($0.dropLast())) : requester == $0 }
        }
    }

    /// The policy version (increases with every change).
    public let version: Int
    /// The rules, tried in order.
    public let rules: [Rule]

    /// The outcome of evaluating a request: the rule that allowed it and how many officers must approve it.
    public struct Decision: Equatable, Sendable {
        public let ruleID: String
        /// Distinct officers who must approve before anything is proven (0: issued at once).
        public let requiredApprovals: Int
        /// The rule's disclosure budget.
        public let budget: Budget
        /// True when the citizen must consent before anything is proven.
        public let consent: Bool
        public var needsApproval: Bool { requiredApprovals > 0 }
    }

    static let ruleMembers: Set<String> = ["id", "requesters", "record_type", "allow", "purposes", "approval", "approvals", "budget", "consent", "consent_hours"]

    /// Strict JSON with only the documented members (docs/format/policy.md), integers written as integers.
    static func checkMembers(_ data: Data) throws(VaultError) {
        let top = try StrictJSON.parse(Array(data)).members("policy", allowed: ["version", "rules"], required: ["version", "rules"])
        _ = try top["version"]!.integer("version", as: Int.self)
        let rules = try top["rules"]!.array("rules")
        for i in rules.indices {
            let path = "rules[\(i)]"
            let m = try rules[i].members(path, allowed: ruleMembers, required: ["id", "requesters", "record_type", "allow", "purposes"])
            for name in ["approvals", "consent_hours"] {
                if let value = m[name], value != .null { _ = try value.integer("\(path).\(name)", as: Int.self) }
            }
            if let budget = m["budget"], budget != .null {
                let b = try budget.members(path + ".budget", allowed: ["questions", "days"], required: ["questions", "days"])
                _ = try b["questions"]!.integer(path + ".budget.questions", as: Int.self)
                _ = try b["days"]!.integer(path + ".budget.days", as: Int.self)
            }
        }
    }

    /// Parses and checks a policy file.
    public static func parse(_ data: Data) throws -> Policy {
        do { try checkMembers(data) } catch { throw VaultError.invalidSchema("policy: \(error.description)") }
        let policy: Policy
        do { policy = try JSONDecoder().decode(Policy.self, from: data) } catch let error as VaultError { throw error } catch {
            throw VaultError.invalidSchema("policy is not valid JSON of the documented shape")
        }
        guard policy.version >= 0 else { throw VaultError.invalidSchema("policy version must not be negative") }
        var ids = Set<String>()
        for rule in policy.rules {
            guard !rule.id.isEmpty, ids.insert(rule.id).inserted else { throw VaultError.invalidSchema("policy rule ids must be unique and non-empty") }
            guard !rule.requesters.isEmpty, !rule.allow.isEmpty, !rule.purposes.isEmpty else {
                throw VaultError.invalidSchema("policy rule \(rule.id) needs requesters, allow and purposes")
            }
            for entry in rule.allow {
                do { _ = try Allowance(parsing: entry) } catch let VaultError.invalidSchema(why) {
                    throw VaultError.invalidSchema("policy rule \(rule.id): \(why)")
                }
            }
            if rule.consent != true, rule.allowances.contains(where: { $0.parameters == .equalsAny }) {
                throw VaultError.invalidSchema("policy rule \(rule.id): field:equals:* (any value) needs consent true, so the citizen approves each value asked")
            }
            if rule.consent == true && rule.requiredApprovals > 0 {
                throw VaultError.invalidSchema("policy rule \(rule.id): consent cannot be combined with officers' approval; use one")
            }
            if let hours = rule.consent_hours {
                guard rule.consent == true else { throw VaultError.invalidSchema("policy rule \(rule.id): consent_hours needs consent true") }
                guard (1...Rule.maxConsentHours).contains(hours) else {
                    throw VaultError.invalidSchema("policy rule \(rule.id): consent_hours must be an integer from 1 to \(Rule.maxConsentHours)")
                }
            }
            if let k = rule.approvals {
                guard (1...Rule.maxApprovals).contains(k) else {
                    throw VaultError.invalidSchema("policy rule \(rule.id): approvals must be an integer from 1 to \(Rule.maxApprovals), not \(k)")
                }
                guard rule.approval != false else {
                    throw VaultError.invalidSchema("policy rule \(rule.id) says approval false but approvals \(k); drop one")
                }
            }
        }
        return policy
    }

    /// SHA-256 of the canonical JSON (sorted keys): the hash recorded on the ledger.
    public var hash: [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return SHA256.hash(Array((try? encoder.encode(self)) ?? Data()))
    }

    /// The first rule that allows every predicate of the request with exactly its parameters, or `policyDenied`
    /// naming why. `today` (YYYY-MM-DD) is the node's date, the only one age questions may be asked on.
    public func evaluate(requester: String, recordType: String, predicates: [PredicateSpec], purpose: String, today: String) throws -> Decision {
        for rule in candidates(requester: requester, recordType: recordType, purpose: purpose) {
            let allowances = rule.allowances
            if predicates.allSatisfy({ spec in allowances.contains { $0.permits(spec, today: today) } }) {
                return Decision(ruleID: rule.id, requiredApprovals: rule.requiredApprovals, budget: rule.questionBudget, consent: rule.consent == true)
            }
        }
        let wanted = predicates.map { "\($0.field):\($0.kind)" }
        throw VaultError.policyDenied(
            "no rule of policy v\(version) lets \(requester) ask \(wanted.joined(separator: " and ")) with these parameters about \(recordType) for \(purpose)")
    }

    /// The budget a question is counted against: that of rule `ruleID`, else of the first rule for this requester,
    /// record type and purpose (the one a refused question tried), else the standard one.
    public func budget(ruleID: String?, requester: String, recordType: String, purpose: String) -> Budget {
        if let ruleID, let rule = rules.first(where: { $0.id == ruleID }) { return rule.questionBudget }
        return candidates(requester: requester, recordType: recordType, purpose: purpose).first?.questionBudget ?? .standard
    }

    private func candidates(requester: String, recordType: String, purpose: String) -> [Rule] {
        rules.filter { $0.matches(requester: requester) && $0.record_type == recordType && $0.purposes.contains(purpose) }
    }
}

extension Policy.Rule {
    enum CodingKeys: String, CodingKey, CaseIterable { case id, requesters, record_type, allow, purposes, approval, approvals, budget, consent, consent_hours }

    /// Decodes a rule; unknown keys, and `approvals` that is no integer (a fraction, a string, a boolean), are
    /// refused by name.
    public init(from decoder: any Decoder) throws {
        let unknown = try decoder.container(keyedBy: AnyKey.self).allKeys.map(\.stringValue).filter { CodingKeys(rawValue: $0) == nil }
        guard unknown.isEmpty else { throw VaultError.invalidSchema("policy rule: unknown key \(unknown.sorted().joined(separator: ", "))") }
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        requesters = try c.decode([String].self, forKey: .requesters)
        record_type = try c.decode(String.self, forKey: .record_type)
        allow = try c.decode([String].self, forKey: .allow)
        purposes = try c.decode([String].self, forKey: .purposes)
        approval = try c.decodeIfPresent(Bool.self, forKey: .approval)
        if c.contains(.approvals), try !c.decodeNil(forKey: .approvals) {
            guard let k = try? c.decode(Double.self, forKey: .approvals), k.rounded() == k, abs(k) <= 1_000_000 else {
                throw VaultError.invalidSchema("policy rule \(id): approvals must be an integer from 1 to \(Self.maxApprovals)")
            }
            approvals = Int(k)
        } else {
            approvals = nil
        }
        budget = try c.decodeIfPresent(Policy.Budget.self, forKey: .budget)
        consent = try c.decodeIfPresent(Bool.self, forKey: .consent)
        if c.contains(.consent_hours), try !c.decodeNil(forKey: .consent_hours) {
            guard let hours = try? c.decode(Int.self, forKey: .consent_hours) else {
                throw VaultError.invalidSchema("policy rule \(id): consent_hours must be an integer from 1 to \(Self.maxConsentHours)")
            }
            consent_hours = hours
        } else {
            consent_hours = nil
        }
    }
}
