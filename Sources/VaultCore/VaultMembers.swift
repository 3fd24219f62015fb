import VaultLedger

extension Vault {
    /// Adds a member or changes its role/clearance (officers); a `grant.added` ledger entry.
    @discardableResult
    public func grant(memberID: String, role: Role, clearance: String?, by caller: Caller) throws -> UInt64 {
        try store.write { tx in
            try authorize(caller, [.officer], tx, action: "grant access")
            guard LedgerEntry.isValidIdentifier(memberID) else { throw VaultError.forbidden("member ids are 1-64 characters of a-z 0-9 . _ -") }
            if let clearance { guard try tierLevels(tx).levels[clearance] != nil else { throw VaultError.unknownTier(clearance) } }
            try tx.saveMember(Member(id: memberID, role: role, clearance: clearance))
            var attributes: [String: LedgerEntry.Value] = ["member": .string(memberID), "role": .string(role.rawValue)]
            if let clearance { attributes["clearance"] = .string(clearance) }
            return try tx.appendLedger([try entry(LedgerEntry.Kind.grantAdded, caller, attributes)], citizens: [nil]).firstIndex
        }
    }

    /// Revokes a member (officers): it can do nothing from now on, a `grant.revoked` entry is appended, and every
    /// tier it could read is rotated, so key material it may have seen no longer opens new or rewrapped data keys.
    public func revoke(memberID: String, by caller: Caller, batchSize: Int = 500) throws -> [RotationProgress] {
        let clearanceRank: Int? = try store.write { tx in
            try authorize(caller, [.officer], tx, action: "revoke access")
            guard let member = try tx.member(id: memberID) else { throw VaultError.memberNotFound(memberID) }
            try tx.saveMember(Member(id: member.id, role: member.role, clearance: member.clearance, revoked: true))
            _ = try tx.appendLedger([try entry(LedgerEntry.Kind.grantRevoked, caller, ["member": .string(memberID)])], citizens: [nil])
            return member.clearance.flatMap { try? tierLevels(tx).levels[$0]?.rank }
        }
        guard let clearanceRank else { return [] }
        return try tiers().filter { $0.rank <= clearanceRank }.map { try rotate(tier: $0.name, by: caller, batchSize: batchSize) }
    }

    /// The member called `id`, if any.
    public func member(id: String) throws -> Member? { try store.read { try $0.member(id: id) } }

    /// Every member.
    public func members() throws -> [Member] { try store.read { try $0.members() } }
}
