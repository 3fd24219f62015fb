import Foundation

extension Policy {
    /// No rules, version 0: what a scenario's rules merge into on a node without a policy.
    public static let empty = Policy(version: 0, rules: [])

    /// This policy with `fragment`'s rules added (a scenario's rules): rules with the same id are replaced, the
    /// others kept in order, and the version raised by one. Nil when every rule of `fragment` is already here as
    /// written (nothing to install). The result is checked like a policy file.
    public func merging(_ fragment: Policy) throws -> Policy? {
        if fragment.rules.allSatisfy({ rule in rules.contains(rule) }) { return nil }
        let replaced = Set(fragment.rules.map(\.id))
        let merged = Policy(version: version + 1, rules: rules.filter { !replaced.contains($0.id) } + fragment.rules)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try Policy.parse(try encoder.encode(merged))
    }
}
