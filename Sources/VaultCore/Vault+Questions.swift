import Foundation
import VaultCrypto
import VaultLedger

/// How a question that yielded no attestation ended (sealed in its `question` entry; the `outcome` of the
/// `question.refused` entries written before).
public enum QuestionOutcome: String, Sendable, Equatable {
    /// The record's value does not satisfy the predicate (the prover refused).
    case answeredFalse = "false"
    /// No policy rule allows the question with these parameters.
    case policyDenied = "policy_denied"
    /// The requester had used its disclosure budget; nothing was evaluated.
    case budgetExhausted = "budget_exhausted"
}

extension Vault {
    /// The node's date (YYYY-MM-DD in its time zone) by the vault's clock: the only date age questions are asked on.
    public func today() -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.year, .month, .day], from: Date(timeIntervalSince1970: Double(clock()) / 1000))
        return String(format: "%04d-%02d-%02d", parts.year ?? 1970, parts.month ?? 1, parts.day ?? 1)
    }

    /// The keyed hash that names a question on the ledger: HMAC-SHA-256 under the node's `predicate-hash` subkey of
    /// the record id, a 0x00 byte and the canonical predicate (docs/format/entry.md, "Predicate hash"). Only the node can compute it, so
    /// nobody can test candidate predicates against the ledger; the same question about the same record always
    /// hashes alike, which is what makes a repeated question free under the disclosure budget.
    public func predicateHash(recordID: String, predicate: String) -> [UInt8] {
        HMACSHA256.mac(Array(recordID.utf8) + [0] + Array(predicate.utf8), key: HMACSHA256.deriveKey(from: keys.derivationRoot, purpose: "predicate-hash"))
    }

    /// The budget refusal for asking the question `hash` about `fields` of `recordID` now, or nil when it fits:
    /// a question already asked in the period is free; otherwise each field may have had fewer than
    /// `budget.questions` distinct questions in it. Read from the anchored state, which inside a write transaction
    /// holds every question recorded before it.
    func budgetRefusal(requester: String, recordID: String, fields: [String], hash: [UInt8], budget: Policy.Budget) -> VaultError? {
        let now = clock()
        let since = now > budget.windowMs ? now - budget.windowMs : 0
        return anchor.withState { state in
            for field in fields {
                let asked = (state.questions[.init(requester: requester, record: recordID, field: field)] ?? []).filter { $0.timestampMs > since }
                if asked.contains(where: { ConstantTime.equals($0.predicateHash, hash) }) { continue }
                let distinct = Set(asked.map { Hex.encode($0.predicateHash) })
                if distinct.count >= budget.questions {
                    return .disclosureBudgetExhausted(
                        "\(requester) has asked \(distinct.count) distinct questions about field \(field) of record \(recordID) in the last \(budget.days) days (budget \(budget.questions))")
                }
            }
            return nil
        }
    }

    /// The budget that applies to `request` about a record of `recordType` under rule `ruleID` (nil: refused).
    func questionBudget(_ tx: any VaultReading, ruleID: String?, request: AttestationRequest, recordType: String) throws -> Policy.Budget {
        try tx.policy()?.budget(ruleID: ruleID, requester: request.requester, recordType: recordType, purpose: request.purpose) ?? .standard
    }

    /// The `question` entry of a question, whatever its outcome: record, requester, purpose and keyed predicate hash
    /// in the clear, the citizen (tagged by the writer, so it is in their log), and the answer (outcome, rule,
    /// fields, proof hash, commitment index) sealed for the node and that citizen (`QuestionAnswer`), so no other
    /// reader of the ledger learns it.
    ///
    /// A certificate (purpose `certificate`: values the citizen chose to disclose, true by construction) also
    /// carries its proof hash in the clear, so the holder's verifier can tie the certificate to its issuing entry.
    func questionEntry(_ request: AttestationRequest, record: RecordRow, caller: Caller, hash: [UInt8], answer: QuestionAnswer) throws -> LedgerEntry {
        let sealed = try answer.seal(citizenKey: anchor.trail.citizenKey(record.citizen), recordID: record.id, predicateHash: hash)
        var attributes: [String: LedgerEntry.Value] = [
            "record": .string(record.id), "citizen": .bytes(record.citizen.bytes), "requester": .string(request.requester),
            "purpose": .string(request.purpose), "predicate_hash": .bytes(hash), "answer": .bytes(sealed),
        ]
        if request.purpose == Vault.certificatePurpose, let proofHash = answer.proofHash { attributes["proof_hash"] = .bytes(proofHash) }
        return try entry(LedgerEntry.Kind.question, caller, attributes)
    }

    /// The `question` entry of a question that yielded no attestation.
    func refusalEntry(
        _ request: AttestationRequest, record: RecordRow, caller: Caller, ruleID: String?, fields: [String], hash: [UInt8], outcome: QuestionOutcome
    ) throws -> LedgerEntry {
        let sealed: QuestionAnswer.Outcome = switch outcome {
        case .answeredFalse: .answeredFalse
        case .policyDenied: .policyDenied
        case .budgetExhausted: .budgetExhausted
        }
        return try questionEntry(request, record: record, caller: caller, hash: hash, answer: QuestionAnswer(outcome: sealed, rule: ruleID ?? "", fields: fields))
    }

    /// Inside a write transaction: records a question that yields no attestation (`outcome`, or `budget_exhausted`
    /// when the budget is used up) and returns the error the requester gets.
    func recordRefusal(
        _ request: AttestationRequest, by caller: Caller, ruleID: String?, fields: [String], hash: [UInt8], outcome: QuestionOutcome,
        error: VaultError, _ tx: any VaultWriting
    ) throws -> VaultError {
        try authorize(caller, [.requester, .officer], tx, action: "ask for attestations")
        guard let record = try tx.record(id: request.recordID) else { throw VaultError.recordNotFound(request.recordID) }
        guard !record.shredded else { throw VaultError.recordShredded(record.id) }
        let budget = try questionBudget(tx, ruleID: ruleID, request: request, recordType: record.type)
        let exhausted = budgetRefusal(requester: request.requester, recordID: record.id, fields: fields, hash: hash, budget: budget)
        _ = try tx.appendLedger([try refusalEntry(
            request, record: record, caller: caller, ruleID: ruleID, fields: fields, hash: hash, outcome: exhausted == nil ? outcome : .budgetExhausted
        )], citizens: [record.citizen])
        return exhausted ?? error
    }
}

extension AttestationRequest {
    /// The request with every age question's missing `on` set to `today` (omitting `on` means the node's today).
    public func pinningDates(to today: String) -> AttestationRequest {
        AttestationRequest(
            recordID: recordID, predicates: predicates.map { spec in
                var spec = spec
                if spec.age_at_least != nil && spec.on == nil { spec.on = today }
                // One question, one canonical predicate (and one predicate hash for the budget): `in` values sorted.
                spec.in = spec.in?.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
                return spec
            }, requester: requester, nonce: nonce, expiry: expiry, purpose: purpose)
    }
}
