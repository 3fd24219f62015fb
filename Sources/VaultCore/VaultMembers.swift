import VaultCrypto
import VaultLedger

extension Vault {
    /// Adds a member or changes its role/clearance (officers); a `grant.added` ledger entry.
    @discardableResult
    public func grant(memberID: String, role: Role, clearance: String?, by caller: Caller) async throws -> UInt64 {
        try await store.write { tx in
            try authorize(caller, [.officer], tx, action: "grant access")
            guard LedgerEntry.isValidIdentifier(memberID) else { throw VaultError.forbidden("member ids are 1-64 characters of a-z 0-9 . _ -") }
            if let clearance { guard try tierLevels(tx).levels[clearance] != nil else { throw VaultError.unknownTier(clearance) } }
            try tx.saveMember(Member(id: memberID, role: role, clearance: clearance))
            var attributes: [String: LedgerEntry.Value] = ["member": .string(memberID), "role": .string(role.rawValue)]
            if let clearance { attributes["clearance"] = .string(clearance) }
            return try tx.appendLedger([try entry(LedgerEntry.Kind.grantAdded, caller, attributes)], citizens: [nil]).firstIndex
        }
    }

    /// Revokes an actor, whatever its role (officers): in one transaction every token of the actor is marked
    /// revoked, its member row (if any) too, and a `grant.revoked` entry is appended, which is what every node
    /// obeys (tokens issued up to its time are refused). Then every tier the member could read is rotated
    /// (resumably), so key material it may have seen no longer opens new or rewrapped data keys.
    public func revoke(memberID: String, by caller: Caller, batchSize: Int = 500) async throws -> Revocation {
        let (tokens, clearanceRank): (Int, Int?) = try await store.write { tx in
            try authorize(caller, [.officer], tx, action: "revoke access")
            guard LedgerEntry.isValidIdentifier(memberID) else { throw VaultError.invalidActor(String(memberID.prefix(64))) }
            let member = try tx.member(id: memberID)
            // The entry is written whatever the token rows say: a database writer who hid or pre-flagged them must not
            // keep the revocation off the ledger, which is what every node obeys.
            let tokens = try tx.revokeTokens(actor: memberID)
            if let member { try tx.saveMember(Member(id: member.id, role: member.role, clearance: member.clearance, revoked: true)) }
            _ = try tx.appendLedger([try entry(LedgerEntry.Kind.grantRevoked, caller, [
                "member": .string(memberID), "tokens": .u64(UInt64(tokens)),
            ])], citizens: [nil])
            let rank: Int? = member.flatMap { m in
                m.clearance.flatMap { try? tierLevels(tx).levels[$0]?.rank } ?? (m.role == .officer ? Int.max : nil)
            }
            return (tokens, rank)
        }
        guard let clearanceRank else { return Revocation(tokens: tokens, rotations: []) }
        var rotations: [RotationProgress] = []
        for tier in try await tiers() where tier.rank <= clearanceRank {
            rotations.append(try await rotate(tier: tier.name, by: caller, batchSize: batchSize))
        }
        return Revocation(tokens: tokens, rotations: rotations)
    }

    /// Revokes one bearer token by its public id (officers): marked revoked and a `token.revoked` entry, in one
    /// transaction. An id that is not of the token id form is `tokenNotFound`.
    @discardableResult
    public func revokeToken(id: String, by caller: Caller) async throws -> UInt64 {
        try await store.write { tx in
            try authorize(caller, [.officer], tx, action: "revoke tokens")
            // The entry is written even when no row has the id: a row deleted now
            // and put back later stays revoked.
            guard Credential.isValidID(id) else {
                throw VaultError.tokenNotFound(String(id.prefix(64)))
            }
            _ = try tx.revokeToken(id: id)
            return try tx.appendLedger([try entry(LedgerEntry.Kind.tokenRevoked, caller, ["token": .string(id)])], citizens: [nil]).firstIndex
        }
    }

    /// Consumes the caller's own token, as a one-time sign-in link is consumed: marked revoked and a `token.revoked`
    /// entry in one transaction, so a second use is refused on every node (`credentialRevoked`, also when two uses
    /// race: the second transaction sees the first's entry). A citizen's entry names the constant actor `citizen`.
    @discardableResult
    public func consumeOwnToken(by caller: Caller) async throws -> UInt64 {
        guard let credential = caller.credential else { throw VaultError.forbidden("only a token can be consumed") }
        return try await store.write { tx in
            try authorize(caller, Set(Role.allCases), tx, action: "sign in")
            _ = try tx.revokeToken(id: credential.id)
            let actor = caller.role == .citizen ? Caller(id: Self.citizenActor, role: .citizen) : caller
            return try tx.appendLedger([try entry(LedgerEntry.Kind.tokenRevoked, actor, ["token": .string(credential.id)])], citizens: [nil]).firstIndex
        }
    }

    /// Every member, for officers and auditors.
    public func members(by caller: Caller) async throws -> [Member] {
        try await store.read { tx in
            try authorize(caller, [.officer, .auditor], tx, action: "list members")
            return try tx.members()
        }
    }

    /// The member called `id`, if any.
    public func member(id: String) async throws -> Member? { try await store.read { try $0.member(id: id) } }

    /// Every member.
    public func members() async throws -> [Member] { try await store.read { try $0.members() } }
}

/// What revoking an actor did: how many of its tokens were revoked and which tiers were rotated.
public struct Revocation: Sendable, Equatable {
    public let tokens: Int
    public let rotations: [RotationProgress]
}
