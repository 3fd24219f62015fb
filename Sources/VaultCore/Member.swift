import VaultCrypto

/// What a caller is allowed to be. Departments write and read records up to their clearance; officers manage
/// tiers, grants, rotation, approvals and shredding; requesters get attestations only; auditors read the ledger;
/// citizens read their own access log.
public enum Role: String, Codable, Sendable, CaseIterable {
    case department, officer, requester, auditor, citizen
}

/// A member of the node (staff of a department, an officer, a requester, ...), with a clearance tier where the
/// role reads records. A revoked member is kept (history refers to it) but can do nothing.
public struct Member: Sendable, Equatable, Codable {
    /// Stable actor id, as it appears on the ledger (never a person's name).
    public let id: String
    /// The member's role.
    public let role: Role
    /// Highest tier the member may read (department and officer members), or nil.
    public let clearance: String?
    /// True once an officer revoked the member.
    public let revoked: Bool

    /// A member record.
    public init(id: String, role: Role, clearance: String?, revoked: Bool = false) {
        self.id = id
        self.role = role
        self.clearance = clearance
        self.revoked = revoked
    }
}

/// The authenticated caller of a vault operation, as resolved from a token or the operator's CLI.
public struct Caller: Sendable, Equatable {
    /// Actor id recorded on the ledger.
    public let id: String
    /// The caller's role.
    public let role: Role
    /// The caller's clearance tier name, if any.
    public let clearance: String?
    /// The bearer token the caller presented (nil for the operator's CLI), checked against the ledger's revocations.
    public let credential: Credential?

    /// A caller.
    public init(id: String, role: Role, clearance: String? = nil, credential: Credential? = nil) {
        self.id = id
        self.role = role
        self.clearance = clearance
        self.credential = credential
    }

    /// The caller of a member.
    public init(member: Member) {
        self.init(id: member.id, role: member.role, clearance: member.clearance)
    }

    /// The node operator at the command line: an officer with full clearance.
    public static func operatorCLI(id: String = "operator") -> Caller {
        Caller(id: id, role: .officer, clearance: nil)
    }
}

/// Which token a caller presented: its public id and when it was issued (both under the token row's MAC), so a
/// revocation on the ledger (of this token, or of every token its actor held then) refuses it on every node.
public struct Credential: Sendable, Equatable {
    /// The token's public id, e.g. `t-1f2e...`.
    public let id: String
    /// When the token was made, in milliseconds since the epoch.
    public let issuedAtMs: UInt64

    public init(id: String, issuedAtMs: UInt64) {
        self.id = id
        self.issuedAtMs = issuedAtMs
    }

    /// A fresh token id: `t-` and 16 lowercase hex digits (8 random bytes).
    public static func newID() -> String { "t-" + Hex.encode(RandomBytes.generate(8)) }

    /// True for an id of the form `newID` makes.
    public static func isValidID(_ id: String) -> Bool {
        id.utf8.count == 18 && id.hasPrefix("t-") && id == id.lowercased() && Hex.decode(String(id.dropFirst(2))) != nil
    }
}
