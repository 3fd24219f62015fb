import Foundation
import VaultLedger

extension Vault {
    /// Installs a policy version (officers): stored, and a `policy.changed` entry with its version and hash. The
    /// same policy installed again is a no-op; a lower or equal version with other content is refused.
    @discardableResult
    public func installPolicy(_ policy: Policy, by caller: Caller) async throws -> Bool {
        try await store.write { tx in
            try authorize(caller, [.officer], tx, action: "change policy")
            if let current = try tx.policy() {
                if current == policy { return false }
                guard policy.version > current.version else {
                    throw VaultError.invalidSchema("policy v\(current.version) is installed; raise the version to change it")
                }
            }
            try tx.savePolicy(policy)
            _ = try tx.appendLedger([try entry(LedgerEntry.Kind.policyChanged, caller, [
                "version": .u64(UInt64(policy.version)), "policy_hash": .bytes(policy.hash),
            ])], citizens: [nil])
            return true
        }
    }

    /// The installed policy, if any.
    public func policy() async throws -> Policy? { try await store.read { try $0.policy() } }

    /// Attests under the installed policy: refused unless a rule allows it with exactly these parameters (age
    /// questions on the node's today); requests whose rule needs approval are refused here with a message saying so
    /// (the service queues them for an officer, or for the citizen's consent). The policy is read in the transaction that reads the record and
    /// again in the one that records the attestation; refusals are recorded like answers (see `attest`).
    /// `recording` is `attest`'s.
    public func attestUnderPolicy(
        _ request: AttestationRequest, by caller: Caller, approved: Bool = false,
        recording: (any VaultWriting, AttestationBundle) throws -> Void = { _, _ in }
    ) async throws -> Attestation {
        try await attest(request, by: caller, authorizer: { tx, recordType, request in
            guard let policy = try tx.policy() else { throw VaultError.policyDenied("no policy is installed") }
            let decision = try policy.evaluate(
                requester: request.requester, recordType: recordType, predicates: request.predicates, purpose: request.purpose, today: today())
            if decision.needsApproval && !approved { throw VaultError.policyDenied("rule \(decision.ruleID) needs an officer's approval") }
            if decision.consent && !approved { throw VaultError.policyDenied("rule \(decision.ruleID) needs the citizen's consent") }
            return decision.ruleID
        }, recording: recording)
    }
}
