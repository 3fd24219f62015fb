import Foundation
import VaultCrypto
import VaultLedger

/// An attestation request that a policy rule sends to an officer before anything is proven.
public struct Approval: Sendable, Equatable {
    /// Status of an approval.
    public enum Status: String, Sendable, Codable { case pending, approved, denied }

    public let id: String
    public let request: AttestationRequest
    public let rule: String
    public var status: Status
    public var decidedBy: String?
    /// The bundle made on approval (it holds no plaintext), for the requester to collect.
    public var bundle: AttestationBundle?
    public let createdAtMs: UInt64

    public init(id: String, request: AttestationRequest, rule: String, status: Status, decidedBy: String?, bundle: AttestationBundle?, createdAtMs: UInt64) {
        self.id = id
        self.request = request
        self.rule = rule
        self.status = status
        self.decidedBy = decidedBy
        self.bundle = bundle
        self.createdAtMs = createdAtMs
    }
}

/// What asking for an attestation gave: the attestation, or an approval to wait for.
public enum AttestationOutcome: Sendable, Equatable {
    case issued(Attestation)
    case pending(Approval)
}

extension AttestationRequest: Codable {
    enum CodingKeys: String, CodingKey { case record, predicates, requester, nonce, expiry, purpose }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        guard let nonce = Base64.decode(try c.decode(String.self, forKey: .nonce)) else {
            throw DecodingError.dataCorruptedError(forKey: .nonce, in: c, debugDescription: "nonce must be base64")
        }
        self.init(
            recordID: try c.decode(String.self, forKey: .record), predicates: try c.decode([PredicateSpec].self, forKey: .predicates),
            requester: try c.decode(String.self, forKey: .requester), nonce: nonce, expiry: try c.decode(UInt64.self, forKey: .expiry),
            purpose: try c.decode(String.self, forKey: .purpose))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(recordID, forKey: .record)
        try c.encode(predicates, forKey: .predicates)
        try c.encode(requester, forKey: .requester)
        try c.encode(Base64.encode(nonce), forKey: .nonce)
        try c.encode(expiry, forKey: .expiry)
        try c.encode(purpose, forKey: .purpose)
    }
}

extension Vault {
    /// Asks for an attestation under the installed policy: issued at once, or queued for an officer when the
    /// matching rule needs approval (nothing is proven or decrypted until then).
    public func requestAttestation(_ request: AttestationRequest, by caller: Caller) throws -> AttestationOutcome {
        guard let policy = try policy() else { throw VaultError.policyDenied("no policy is installed") }
        let recordType: String = try store.read { tx in
            guard let record = try tx.record(id: request.recordID) else { throw VaultError.recordNotFound(request.recordID) }
            guard !record.shredded else { throw VaultError.recordShredded(record.id) }
            return record.type
        }
        let decision = try policy.evaluate(requester: request.requester, recordType: recordType, predicates: request.predicates, purpose: request.purpose)
        guard decision.needsApproval else { return .issued(try attestUnderPolicy(request, by: caller)) }
        guard caller.role == .officer || (caller.role == .requester && caller.id == request.requester) else {
            throw VaultError.forbidden("only the requester itself or an officer may ask for this attestation")
        }
        let approval = Approval(
            id: "a-" + Hex.encode(RandomBytes.generate(12)), request: request, rule: decision.ruleID, status: .pending,
            decidedBy: nil, bundle: nil, createdAtMs: clock())
        try store.write { tx in try tx.saveApproval(approval) }
        return .pending(approval)
    }

    /// Approves or denies a pending request (officers). Approval proves and logs the attestation (and a
    /// `request.approved` entry); denial is logged as `request.denied`.
    public func decide(approvalID: String, approve: Bool, by caller: Caller) throws -> Approval {
        var approval: Approval = try store.write { tx in
            try authorize(caller, [.officer], tx, action: "decide approvals")
            guard let approval = try tx.approval(id: approvalID) else { throw VaultError.invalidPredicate("no approval \(approvalID)") }
            guard approval.status == .pending else { throw VaultError.forbidden("approval \(approvalID) is already \(approval.status.rawValue)") }
            return approval
        }
        if approve {
            let made = try attestUnderPolicy(approval.request, by: caller, approved: true)
            approval.bundle = made.bundle
            approval.status = .approved
        } else {
            approval.status = .denied
        }
        approval.decidedBy = caller.id
        let decided = approval
        try store.write { tx in
            try tx.saveApproval(decided)
            _ = try tx.appendLedger([try entry(approve ? LedgerEntry.Kind.requestApproved : "request.denied", caller, [
                "approval": .string(decided.id), "requester": .string(decided.request.requester), "rule": .string(decided.rule),
                "record": .string(decided.request.recordID),
            ])], citizens: [nil])
        }
        return decided
    }

    /// Approvals, newest first, optionally only those with `status`.
    public func approvals(status: Approval.Status? = nil) throws -> [Approval] {
        try store.read { try $0.approvals(status: status) }
    }

    /// One approval.
    public func approval(id: String) throws -> Approval? { try store.read { try $0.approval(id: id) } }
}
