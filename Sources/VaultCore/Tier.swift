/// An access tier: a named level in a total order (e.g. public < internal < confidential < restricted).
/// Clearance of tier N reads every tier of rank <= N.
public struct Tier: Hashable, Sendable, Codable, Comparable {
    /// The tier's name, e.g. `confidential`.
    public let name: String
    /// Its position in the order; higher is more sensitive.
    public let rank: Int

    /// A tier called `name` at `rank`.
    public init(name: String, rank: Int) {
        self.name = name
        self.rank = rank
    }

    /// The tier anyone may read without a token (a land registry's public fields).
    public static let publicName = "public"

    public static func < (lhs: Tier, rhs: Tier) -> Bool { lhs.rank < rhs.rank }

    /// True when clearance at this tier may read data of `tier`.
    public func canRead(_ tier: Tier) -> Bool { tier.rank <= rank }
}

/// The ordered set of tiers a node knows, looked up by name.
public struct TierLevels: Sendable {
    /// The tiers, lowest first.
    public let ordered: [Tier]

    /// Builds the order from names, lowest first; names must be unique and non-empty.
    public init(names: [String]) throws {
        guard !names.isEmpty, Set(names).count == names.count, !names.contains(where: \.isEmpty) else {
            throw VaultError.invalidSchema("tier names must be unique and non-empty")
        }
        ordered = names.enumerated().map { Tier(name: $1, rank: $0) }
    }

    /// The default order: public < internal < confidential < restricted.
    public static let standard = try! TierLevels(names: ["public", "internal", "confidential", "restricted"])

    /// The tier called `name`, or `unknownTier`.
    public func tier(named name: String) throws -> Tier {
        guard let tier = ordered.first(where: { $0.name == name }) else { throw VaultError.unknownTier(name) }
        return tier
    }
}
