import Foundation
import VaultCrypto
import VaultLedger

/// An attestation request that a policy rule sends to officers before anything is proven: decided once, from
/// `pending`, by `required` distinct officers approving (the last one issues it) or one officer denying; never by
/// whoever filed it.
public struct Approval: Sendable, Equatable {
    /// Status of an approval.
    public enum Status: String, Sendable, Codable { case pending, approved, denied }

    public let id: String
    public let request: AttestationRequest
    public let rule: String
    public var status: Status
    /// The officer whose approval issued it, or who denied it.
    public var decidedBy: String?
    /// The bundle made on approval (it holds no plaintext), for the requester to collect.
    public var bundle: AttestationBundle?
    public let createdAtMs: UInt64
    /// Who filed the request (the requester itself, or an officer in its name); they may not decide it.
    public let filedBy: String
    /// The officers who approved it so far, in order.
    public var approvers: [String]
    /// How many distinct officers must approve it (1...16), fixed when it is filed.
    public let required: Int

    public init(
        id: String, request: AttestationRequest, rule: String, status: Status, decidedBy: String?, bundle: AttestationBundle?, createdAtMs: UInt64,
        filedBy: String, approvers: [String] = [], required: Int = 1
    ) {
        self.id = id
        self.request = request
        self.rule = rule
        self.status = status
        self.decidedBy = decidedBy
        self.bundle = bundle
        self.createdAtMs = createdAtMs
        self.filedBy = filedBy
        self.approvers = approvers
        self.required = required
    }
}

extension Approval {
    /// The approvers as stored: a JSON array of ids, always encoded alike so a compare-and-set can match it.
    public static func encodeApprovers(_ ids: [String]) throws -> String {
        String(decoding: try JSONEncoder().encode(ids), as: UTF8.self)
    }

    /// A stored status; anything else is corruption (never read as pending).
    public static func status(stored: String) throws -> Status {
        guard let status = Status(rawValue: stored) else { throw VaultError.corrupt("stored approval status") }
        return status
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
    /// Asks for an attestation under the installed policy: issued at once, or queued for officers when the
    /// matching rule needs approval, or for the citizen when it needs consent (nothing is proven or decrypted until
    /// then). A queued request is saved with
    /// its filer and a `request.filed` entry (also in the citizen's log), in one transaction.
    public func requestAttestation(_ request: AttestationRequest, by caller: Caller) async throws -> AttestationOutcome {
        try checkExpiry(request.expiry)
        let (policy, recordType): (Policy?, String) = try await store.read { tx in
            try authorize(caller, [.requester, .officer], tx, action: "ask for attestations")
            guard let record = try tx.record(id: request.recordID) else { throw VaultError.recordNotFound(request.recordID) }
            guard !record.shredded else { throw VaultError.recordShredded(record.id) }
            return (try tx.policy(), record.type)
        }
        // A request no rule allows goes the attestation's way too, which records the refusal.
        let decision = try? policy?.evaluate(
            requester: request.requester, recordType: recordType, predicates: request.predicates, purpose: request.purpose, today: today())
        guard let decision, decision.needsApproval || decision.consent else { return await .issued(try attestUnderPolicy(request, by: caller)) }
        guard LedgerEntry.isValidIdentifier(request.requester) else { throw VaultError.invalidActor(String(request.requester.prefix(64))) }
        guard caller.role == .officer || (caller.role == .requester && caller.id == request.requester) else {
            throw VaultError.forbidden("only the requester itself or an officer may ask for this attestation")
        }
        let approval = Approval(
            id: (decision.consent ? Approval.consentPrefix : "a-") + Hex.encode(RandomBytes.generate(12)), request: request, rule: decision.ruleID,
            status: .pending, decidedBy: nil, bundle: nil, createdAtMs: clock(), filedBy: caller.id, required: decision.consent ? 1 : decision.requiredApprovals)
        try await store.write { tx in
            try authorize(caller, [.requester, .officer], tx, action: "ask for attestations")
            guard let record = try tx.record(id: request.recordID) else { throw VaultError.recordNotFound(request.recordID) }
            guard !record.shredded else { throw VaultError.recordShredded(record.id) }
            try tx.saveApproval(approval)
            _ = try tx.appendLedger([try entry(LedgerEntry.Kind.requestFiled, caller, [
                "approval": .string(approval.id), "record": .string(record.id), "requester": .string(request.requester),
                "rule": .string(approval.rule), "required": .u64(UInt64(approval.required)), "citizen": .bytes(record.citizen.bytes),
                "request_mac": .bytes(approval.requestMAC(authenticator)),
            ])], citizens: [record.citizen])
        }
        return .pending(approval)
    }

    /// Approvals, newest first, optionally only those with `status` (the operator's CLI and tests).
    public func approvals(status: Approval.Status? = nil) async throws -> [Approval] {
        try await store.read { try $0.approvals(status: status) }
    }

    /// Approvals for an officer, newest first, optionally only those with `status`.
    public func approvals(status: Approval.Status?, by caller: Caller) async throws -> [Approval] {
        try await store.read { tx in
            try authorize(caller, [.officer], tx, action: "list approvals")
            return try tx.approvals(status: status)
        }
    }

    /// One approval (the operator's CLI and tests).
    public func approval(id: String) async throws -> Approval? { try await store.read { try $0.approval(id: id) } }

    /// One approval, for an officer or the requester it was filed for (nil for anyone else, as if it did not exist).
    public func approval(id: String, by caller: Caller) async throws -> Approval? {
        try await store.read { tx in
            try authorize(caller, [.officer, .requester], tx, action: "read approvals")
            guard let approval = try tx.approval(id: id), caller.role == .officer || approval.request.requester == caller.id else { return nil }
            return approval
        }
    }
}

extension Approval {
    /// HMAC-SHA-256 under the node's state key over what is fixed when the approval is filed (its id, the request
    /// as canonical JSON, rule, filer, required count, creation time): the `request_mac` of its `request.filed`
    /// entry, so a database writer can neither change what officers are asked to approve nor file a request.
    public func requestMAC(_ authenticator: StateAuthenticator) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let request = (try? encoder.encode(self.request)).map { [UInt8]($0) } ?? []
        return authenticator.mac(table: "vault_approval", key: id, columns: [
            .bytes(request), .text(rule), .text(filedBy), .integer(Int64(required)), .integer(Int64(bitPattern: createdAtMs)),
        ])
    }
}
