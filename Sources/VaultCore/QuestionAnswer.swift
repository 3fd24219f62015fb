import VaultCrypto
import VaultLedger

/// How a question about a citizen's record ended, sealed into its public `question` entry so that only the node
/// and that citizen can read it: a reader of the public ledger (another requester holding a bundle of the same
/// record included) sees that a requester asked about a record for a purpose, never the answer, the rule or the
/// fields asked.
///
/// Sealed as an envelope under `K_answer = HMACSHA256.deriveKey(from: K_citizen, purpose: "question-answer")` with
/// AAD `"CivicVault/v1/question-answer" || u16 len || record id || u16 len || hex(predicate_hash)`, over
/// `0x01 || u8 outcome || str16(rule) || str16(fields, comma-separated) || proof_hash (32, zeros when none) ||
/// u64 commitment_index (0 when none)`, zero-padded to a multiple of 256 bytes so its length does not tell the
/// outcome (docs/format/entry.md).
public struct QuestionAnswer: Equatable, Sendable {
    /// The outcome codes, as the citizen's access log names them.
    public enum Outcome: UInt8, Sendable {
        case answeredTrue = 1
        case answeredFalse = 2
        case policyDenied = 3
        case budgetExhausted = 4

        /// `true`, `false`, `policy_denied`, `budget_exhausted`.
        public var name: String {
            switch self {
            case .answeredTrue: return "true"
            case .answeredFalse: return "false"
            case .policyDenied: return "policy_denied"
            case .budgetExhausted: return "budget_exhausted"
            }
        }
    }

    public let outcome: Outcome
    /// The policy rule that allowed the question (empty when none did).
    public let rule: String
    /// The fields asked about.
    public let fields: [String]
    /// SHA-256 of the proof (true answers only).
    public let proofHash: [UInt8]?
    /// The ledger index of the record entry the proof used (true answers only).
    public let commitmentIndex: UInt64?

    public init(outcome: Outcome, rule: String, fields: [String], proofHash: [UInt8]? = nil, commitmentIndex: UInt64? = nil) {
        self.outcome = outcome
        self.rule = rule
        self.fields = fields
        self.proofHash = proofHash
        self.commitmentIndex = commitmentIndex
    }

    static let version: UInt8 = 0x01
    static let block = 256

    /// The answer key of the citizen whose key is `citizenKey` (K_citizen).
    public static func key(citizenKey: SecureBytes) -> SecureBytes { HMACSHA256.deriveKey(from: citizenKey, purpose: "question-answer") }

    static func associatedData(recordID: String, predicateHash: [UInt8]) -> [UInt8] {
        AssociatedData.make(VaultLabels.questionAnswer, [recordID, Hex.encode(predicateHash)])
    }

    /// The padded plaintext.
    var encoded: [UInt8] {
        func str16(_ s: String) -> [UInt8] {
            let b = Array(s.utf8.prefix(Int(UInt16.max)))
            return [UInt8(b.count >> 8), UInt8(b.count & 0xff)] + b
        }
        let index = commitmentIndex ?? 0
        var out = [Self.version, outcome.rawValue] + str16(rule) + str16(fields.joined(separator: ","))
        out += proofHash ?? [UInt8](repeating: 0, count: 32)
        out += (0..<8).map { UInt8((index >> (56 - 8 * UInt64($0))) & 0xff) }
        let padded = (out.count + Self.block - 1) / Self.block * Self.block
        return out + [UInt8](repeating: 0, count: padded - out.count)
    }

    /// Seals the answer for the citizen with key `citizenKey`, bound to the record and the question.
    public func seal(citizenKey: SecureBytes, recordID: String, predicateHash: [UInt8]) throws -> [UInt8] {
        try Envelope.seal(encoded, key: Self.key(citizenKey: citizenKey), associatedData: Self.associatedData(recordID: recordID, predicateHash: predicateHash))
    }

    /// Opens the sealed answer of a `question` entry (its `answer`, `record` and `predicate_hash`), or nil for another
    /// entry or an answer that does not open with this citizen's key.
    public static func open(_ entry: LedgerEntry, citizenKey: SecureBytes) -> QuestionAnswer? {
        guard entry.type == LedgerEntry.Kind.question, case let .string(record)? = entry.attributes["record"],
              case let .bytes(hash)? = entry.attributes["predicate_hash"], case let .bytes(box)? = entry.attributes["answer"] else { return nil }
        return open(box, citizenKey: citizenKey, recordID: record, predicateHash: hash)
    }

    /// Opens a sealed answer, or nil when it does not open for this citizen, record and question or is malformed.
    public static func open(_ box: [UInt8], citizenKey: SecureBytes, recordID: String, predicateHash: [UInt8]) -> QuestionAnswer? {
        guard let opened = try? Envelope.open(box, key: key(citizenKey: citizenKey), associatedData: associatedData(recordID: recordID, predicateHash: predicateHash))
        else { return nil }
        return decode(opened.unsafeCopy())
    }

    /// Decodes the padded plaintext strictly: known version and outcome, lengths in range, zero padding only.
    static func decode(_ b: [UInt8]) -> QuestionAnswer? {
        guard b.count >= 2, b.count % block == 0, b[0] == version, let outcome = Outcome(rawValue: b[1]) else { return nil }
        var at = 2
        func str16() -> String? {
            guard b.count - at >= 2 else { return nil }
            let n = Int(b[at]) << 8 | Int(b[at + 1])
            guard b.count - at - 2 >= n else { return nil }
            defer { at += 2 + n }
            return String(validating: b[(at + 2)..<(at + 2 + n)], as: UTF8.self)
        }
        guard let rule = str16(), let fields = str16(), b.count - at >= 40 else { return nil }
        let hash = Array(b[at..<(at + 32)])
        let index = b[(at + 32)..<(at + 40)].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        guard b[(at + 40)...].allSatisfy({ $0 == 0 }) else { return nil }
        let answered = outcome == .answeredTrue
        return QuestionAnswer(
            outcome: outcome, rule: rule, fields: fields.isEmpty ? [] : fields.split(separator: ",").map(String.init),
            proofHash: answered ? hash : nil, commitmentIndex: answered ? index : nil)
    }
}

extension Vault {
    /// The sealed answer of a `question` entry, opened with its citizen's key (the node's view, for the operator and
    /// tests); nil for another entry or an answer that does not open.
    public func answer(of entry: LedgerEntry) -> QuestionAnswer? {
        guard case let .string(record)? = entry.attributes["record"], let citizen = anchor.withState({ $0.records[record]?.citizen }) else { return nil }
        return QuestionAnswer.open(entry, citizenKey: anchor.trail.citizenKey(citizen))
    }
}
