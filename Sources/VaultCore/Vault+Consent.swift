import Foundation
import VaultLedger

extension Approval {
    /// Ids of requests that wait for the citizen's consent (a rule with `consent: true`) rather than officers.
    public static let consentPrefix = "c-"

    /// True when the citizen, not an officer, decides this request.
    public var isConsent: Bool { id.hasPrefix(Self.consentPrefix) }
}

/// A request waiting for (or decided by) the citizen's consent, as the citizen sees it.
public struct ConsentRequest: Sendable, Equatable {
    public let approval: Approval
    /// When it stops waiting (the rule's `consent_hours` after it was filed).
    public let expiresAtMs: UInt64
    /// Pending, but past its expiry: deciding it now records a denial.
    public let expired: Bool
}

extension Vault {
    /// The actor of the ledger entries that record a citizen's decision: a constant, so the public ledger carries
    /// no citizen identifier.
    static let citizenActor = "citizen"
    /// The actor of the denial recorded for a consent request that expired.
    static let expiryActor = "consent-expiry"

    /// The consent requests about the records of `citizen`, newest first (the citizen's own token).
    public func consentRequests(citizen: Pseudonym, by caller: Caller) async throws -> [ConsentRequest] {
        try await store.read { tx in
            try authorize(caller, [.citizen], tx, action: "read consent requests")
            let policy = try tx.policy()
            return try tx.approvals(status: nil).filter(\.isConsent).compactMap { approval in
                guard try tx.record(id: approval.request.recordID)?.citizen == citizen else { return nil }
                return consentRequest(approval, policy)
            }
        }
    }

    /// The citizen approves or denies a consent request about one of their records. Approving proves the
    /// attestation for the requester (a true answer issues it, to be collected like an approval's; policy and
    /// budget still apply, and a refusal is recorded like any question); the decision is a `request.approved`
    /// or `request.denied` entry, in the citizen's log. Past its expiry the request is denied (`consentExpired`).
    public func decideConsent(id: String, approve: Bool, citizen: Pseudonym, by caller: Caller) async throws -> ConsentRequest {
        let seen: ConsentRequest = try await store.read { tx in try consentDecidable(id, citizen: citizen, by: caller, tx) }
        if approve && !seen.expired {
            let requester = seen.approval.request.requester
            // A requester revoked since it asked gets nothing, whatever the citizen says.
            if let revokedAt = anchor.withState({ $0.actorsRevokedAt[requester] }), revokedAt >= seen.approval.createdAtMs {
                throw VaultError.forbidden("\(requester) was revoked after filing \(id)")
            }
            var decided: Approval?
            do {
                _ = try await attestUnderPolicy(seen.approval.request, by: Caller(id: requester, role: .requester), approved: true) { tx, bundle in
                    decided = try recordConsent(id, approve: true, citizen: citizen, by: caller, bundle: bundle, tx)
                }
            } catch VaultError.consentExpired {
                // It expired while the proof was made: nothing was issued; the denial is recorded below.
            }
            if let decided { return ConsentRequest(approval: decided, expiresAtMs: seen.expiresAtMs, expired: false) }
        }
        let decided = try await store.write { tx in try recordConsent(id, approve: false, citizen: citizen, by: caller, bundle: nil, tx) }
        if decided.decidedBy == Self.expiryActor { throw VaultError.consentExpired(id) }
        return ConsentRequest(approval: decided, expiresAtMs: seen.expiresAtMs, expired: false)
    }

    /// The pending consent request `id` about one of `citizen`'s records (any other is `approvalNotFound`).
    private func consentDecidable(_ id: String, citizen: Pseudonym, by caller: Caller, _ tx: any VaultReading) throws -> ConsentRequest {
        try authorize(caller, [.citizen], tx, action: "decide consent requests")
        guard let approval = try tx.approval(id: id), approval.isConsent,
              try tx.record(id: approval.request.recordID)?.citizen == citizen else { throw VaultError.approvalNotFound(id) }
        guard approval.status == .pending else { throw VaultError.alreadyDecided(id, approval.status) }
        return consentRequest(approval, try tx.policy())
    }

    private func consentRequest(_ approval: Approval, _ policy: Policy?) -> ConsentRequest {
        // A rule that is gone or no longer asks for consent leaves nothing to wait for.
        let window = policy?.rules.first { $0.id == approval.rule && $0.consent == true }?.consentWindowMs ?? 0
        let expiresAt = approval.createdAtMs + window
        return ConsentRequest(approval: approval, expiresAtMs: expiresAt, expired: approval.status == .pending && clock() >= expiresAt)
    }

    /// Inside a write transaction: moves the request from pending (compare-and-set) and appends its entry; a
    /// request past its expiry is denied by `consent-expiry` whatever the citizen chose.
    private func recordConsent(
        _ id: String, approve: Bool, citizen: Pseudonym, by caller: Caller, bundle: AttestationBundle?, _ tx: any VaultWriting
    ) throws -> Approval {
        let current = try consentDecidable(id, citizen: citizen, by: caller, tx)
        var next = current.approval
        let actor = current.expired ? Self.expiryActor : Self.citizenActor
        if approve {
            guard !current.expired else { throw VaultError.consentExpired(id) }
            try checkRequesterNotRevoked(current.approval)
            guard let bundle else { throw VaultError.corrupt("consent request \(id) approved without a bundle") }
            (next.status, next.decidedBy, next.bundle) = (.approved, actor, bundle)
        } else {
            (next.status, next.decidedBy) = (.denied, actor)
        }
        guard try tx.updateApproval(next, from: current.approval) else {
            throw VaultError.alreadyDecided(id, try tx.approval(id: id)?.status ?? .pending)
        }
        let request = current.approval.request
        let entry = try entry(next.status == .approved ? LedgerEntry.Kind.requestApproved : LedgerEntry.Kind.requestDenied,
                              Caller(id: actor, role: .citizen), [
            "approval": .string(id), "record": .string(request.recordID), "requester": .string(request.requester),
            "rule": .string(current.approval.rule), "citizen": .bytes(citizen.bytes),
        ])
        _ = try tx.appendLedger([entry], citizens: [citizen])
        return next
    }
}
