import VaultLedger

/// One event in a citizen's access log: what happened to one of their records, who did it, when, why, and the
/// ledger index that proves it (an inclusion proof of that index shows the entry is in the signed log).
public struct AccessEvent: Sendable, Equatable {
    public let ledgerIndex: UInt64
    public let type: String
    public let actor: String
    public let timestampMs: UInt64
    public let record: String?
    public let purpose: String?
    /// Fields read (`field.read`) or asked about (questions), or empty.
    public let fields: [String]
    /// Fields refused to the actor (for `field.read`), or empty.
    public let refused: [String]
    /// The requester an attestation went to or a question came from (`attested`, `question.refused`, requests).
    public let requester: String?
    /// How a question ended: `true`, `false`, `policy_denied` or `budget_exhausted` (from the sealed answer of a
    /// `question` entry, or the type of an older `attested`/`question.refused` entry); nil for other events.
    public let outcome: String?
}

extension Vault {
    /// Every create, update, read, refusal, question (whatever its outcome) and shred touching the citizen's
    /// records, oldest first.
    public func accessLog(nationalID: String) async throws -> [AccessEvent] {
        try await accessLog(citizen: try pseudonym(of: nationalID))
    }

    /// The access log of the citizen with this pseudonym, for the citizen's own token.
    public func accessLog(citizen: Pseudonym, by caller: Caller) async throws -> [AccessEvent] {
        try await store.read { tx in
            try authorize(caller, [.citizen], tx, action: "read an access log")
            return try events(citizen: citizen, tx)
        }
    }

    /// The access log of the citizen with this pseudonym (the operator's CLI).
    public func accessLog(citizen: Pseudonym) async throws -> [AccessEvent] {
        try await store.read { tx in try events(citizen: citizen, tx) }
    }

    func events(citizen: Pseudonym, _ tx: any VaultReading) throws -> [AccessEvent] {
            let citizenKey = anchor.trail.citizenKey(citizen)  // once, not per question entry
            return try tx.citizenEvents(citizen: citizen).map { index in
                let entry = try tx.ledgerEntry(at: index)
                func string(_ key: String) -> String? {
                    if case let .string(s)? = entry.attributes[key] { return s }
                    return nil
                }
                func list(_ key: String) -> [String] { string(key).map { $0.split(separator: ",").map(String.init) } ?? [] }
                var fields = list("fields"), outcome: String?
                switch entry.type {
                case LedgerEntry.Kind.question:
                    if let answer = QuestionAnswer.open(entry, citizenKey: citizenKey) {
                        fields = answer.fields
                        outcome = answer.outcome.name
                    }
                case LedgerEntry.Kind.attested: outcome = "true"
                case LedgerEntry.Kind.questionRefused: outcome = string("outcome")
                default: outcome = nil
                }
                return AccessEvent(
                    ledgerIndex: index, type: entry.type, actor: entry.actor, timestampMs: entry.timestampMs,
                    record: string("record"), purpose: string("purpose"), fields: fields, refused: list("refused"),
                    requester: string("requester"), outcome: outcome)
            }
    }
}
