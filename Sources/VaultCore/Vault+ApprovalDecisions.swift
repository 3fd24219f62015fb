import Foundation
import VaultLedger

extension Vault {
    /// Approves or denies a pending request (officers other than its filer). Each approval is a `request.approval`
    /// entry; the `required`-th distinct officer's approval proves the attestation (outside any transaction) and
    /// then, in one write transaction, moves the approval from pending, appends `request.approval`,
    /// `request.approved` and `attested`. One denial moves it to denied with a `request.denied` entry. Every write
    /// re-reads the row and compares-and-sets it from pending, so exactly one decision wins: the others get
    /// `alreadyDecided` (or `alreadyApproved` for an officer approving twice) and write nothing. Entries go into
    /// the citizen's log too. A `reason` (a code such as `purpose-unclear`, since it goes on the public ledger, never
    /// free text) is written on the officer's entry.
    public func decide(approvalID: String, approve: Bool, reason: String? = nil, by caller: Caller) async throws -> Approval {
        if let reason { guard LedgerEntry.isValidIdentifier(reason) else { throw VaultError.invalidReason } }
        // An approval that was not the last when read may be the last when written (another officer approved
        // meanwhile); it is then proven and tried again. Approvers only grow, so two rounds suffice.
        for _ in 0..<3 {
            let seen: Approval = try await store.read { tx in try decidable(approvalID, approve: approve, by: caller, tx) }
            if approve && seen.approvers.count + 1 >= seen.required {
                var decided: Approval?
                _ = try await attestUnderPolicy(seen.request, by: caller, approved: true) { tx, bundle in
                    decided = try record(approvalID, approve: true, reason: reason, by: caller, bundle: bundle, tx)
                    guard decided?.status == .approved else { throw VaultError.corrupt("approval \(approvalID) lost approvals") }
                }
                if let decided { return decided }
            } else if let decided = try await store.write({ tx in try record(approvalID, approve: approve, reason: reason, by: caller, bundle: nil, tx) }) {
                return decided
            }
        }
        throw await VaultError.alreadyDecided(approvalID, try approval(id: approvalID)?.status ?? .pending)
    }

    /// The approval, if `caller` may decide it now: an officer, not its filer, the approval still pending, and (to
    /// approve) not among those who approved it already.
    private func decidable(_ approvalID: String, approve: Bool, by caller: Caller, _ tx: any VaultReading) throws -> Approval {
        try authorize(caller, [.officer], tx, action: "decide approvals")
        guard let approval = try tx.approval(id: approvalID) else { throw VaultError.approvalNotFound(approvalID) }
        guard !approval.isConsent else { throw VaultError.forbidden("\(approvalID) waits for the citizen's consent; only the citizen decides it") }
        guard approval.filedBy != caller.id else { throw VaultError.forbidden("\(caller.id) filed approval \(approvalID) and may not decide it") }
        guard approval.status == .pending else { throw VaultError.alreadyDecided(approvalID, approval.status) }
        guard !approve || !approval.approvers.contains(caller.id) else { throw VaultError.alreadyApproved(approvalID, officer: caller.id) }
        return approval
    }

    /// Inside a write transaction: re-reads the approval, applies `caller`'s decision with a compare-and-set from
    /// the row just read, and appends its entries. Nil (nothing written) when the approval would be issued now
    /// but no `bundle` was proven for it.
    private func record(
        _ approvalID: String, approve: Bool, reason: String?, by caller: Caller, bundle: AttestationBundle?, _ tx: any VaultWriting
    ) throws -> Approval? {
        let current = try decidable(approvalID, approve: approve, by: caller, tx)
        var next = current
        if approve {
            next.approvers.append(caller.id)
            if next.approvers.count >= next.required {
                try checkRequesterNotRevoked(current)
                guard let bundle else { return nil }
                (next.status, next.decidedBy, next.bundle) = (.approved, caller.id, bundle)
            }
        } else {
            (next.status, next.decidedBy) = (.denied, caller.id)
        }
        guard try tx.updateApproval(next, from: current) else {
            throw VaultError.alreadyDecided(approvalID, try tx.approval(id: approvalID)?.status ?? current.status)
        }
        // The citizen attribute puts each entry in the citizen's log, derivably from the ledger alone.
        guard let citizen = try tx.record(id: current.request.recordID)?.citizen else { throw VaultError.recordNotFound(current.request.recordID) }
        let about: [String: LedgerEntry.Value] = [
            "approval": .string(current.id), "record": .string(current.request.recordID), "requester": .string(current.request.requester),
            "rule": .string(current.rule), "citizen": .bytes(citizen.bytes),
        ]
        var entries: [LedgerEntry] = []
        let reasoned = about.merging(reason.map { ["reason": .string($0)] } ?? [:]) { $1 }
        if approve {
            entries.append(try entry(LedgerEntry.Kind.requestApproval, caller, reasoned.merging([
                "count": .u64(UInt64(next.approvers.count)), "required": .u64(UInt64(next.required)),
            ]) { $1 }))
        }
        switch next.status {
        case .approved: entries.append(try entry(LedgerEntry.Kind.requestApproved, caller, about))
        case .denied: entries.append(try entry(LedgerEntry.Kind.requestDenied, caller, reasoned))
        case .pending: break
        }
        _ = try tx.appendLedger(entries, citizens: entries.map { _ in citizen })
        return next
    }

    /// Inside the transaction that would issue `approval`: refuses when its requester was revoked (on the ledger) since
    /// it filed the request, whatever the database's token rows say.
    func checkRequesterNotRevoked(_ approval: Approval) throws {
        let requester = approval.request.requester
        if let revokedAt = anchor.withState({ $0.actorsRevokedAt[requester] }), revokedAt >= approval.createdAtMs {
            throw VaultError.forbidden("\(requester) was revoked after filing \(approval.id)")
        }
    }
}
