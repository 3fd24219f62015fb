import Foundation
import VaultCrypto
import VaultLedger

/// The authorization state as the verified ledger records it: every tier, member, schema, policy, record,
/// citizen event and token revocation, rebuilt by replaying the ledger's signed entries in order. The database's
/// rows must agree with it (see `AnchoredReader`), so a row put back from an older backup, or edited, is caught
/// even when it was once authentic. Pure: `apply` is the only way it changes.
public struct AnchoredState: Sendable {
    /// A tier as the ledger has it (`tier.created`, `key.rotated`, `key.rewrapped`, `key.retired`).
    public struct TierAnchor: Sendable, Equatable {
        public var rank: Int
        public var currentVersion: Int
        public var minDecryptionVersion: Int
        public var rotating: Bool
    }

    /// A record's latest version as the ledger has it (`record.created`, `record.updated`, `record.shredded`).
    public struct RecordAnchor: Sendable, Equatable {
        public var type: String
        public var citizen: Pseudonym
        public var version: Int
        public var shredded: Bool
        /// SHA-256 of the field ciphertexts of the latest version (`ciphertext_hash`).
        public var ciphertextHash: [UInt8]
        /// True when that hash orders fields by name (`ciphertext_order` = `name`), false for schema order.
        public var hashByName: Bool
        /// The index of the entry that wrote the latest version (its commitments).
        public var entryIndex: UInt64
    }

    /// A member as the ledger has it (`grant.added`, `grant.revoked`).
    public struct MemberAnchor: Sendable, Equatable {
        public var role: String
        public var clearance: String?
        public var revoked: Bool
    }

    /// An approval as the ledger has it (`request.filed`, `request.approval`, `request.approved`, `request.denied`).
    public struct ApprovalAnchor: Sendable, Equatable {
        public var filedBy: String
        public var rule: String
        public var required: Int
        /// The `request_mac` of its `request.filed` entry (see `Approval.requestMAC`).
        public var requestMAC: [UInt8]
        public var status: Approval.Status
        public var approvers: [String]
        public var decidedBy: String?
    }

    /// Whom a question was asked about: one field of one record, by one requester.
    public struct QuestionSubject: Sendable, Hashable {
        public let requester: String
        public let record: String
        public let field: String
    }

    /// A question that counts against a disclosure budget: its keyed predicate hash and when it was asked.
    public struct AskedQuestion: Sendable, Equatable {
        public let predicateHash: [UInt8]
        public let timestampMs: UInt64
    }

    /// A land parcel as the ledger has it (`parcel.registered`, `transfer.executed`): its current title record, the
    /// entries of its public history, and the hash of its public fields as last recorded.
    public struct ParcelAnchor: Sendable, Equatable {
        public var record: String
        public var entries: [UInt64]
        public var publicHash: [UInt8]
    }

    /// A transfer as the ledger has it (`transfer.opened`, `transfer.condition`, `transfer.withdrawn`,
    /// `transfer.executed`, `transfer.lapsed`): the only place its state lives, so no database row can give a
    /// condition.
    public struct TransferAnchor: Sendable, Equatable {
        public enum Status: String, Sendable { case open, executed, lapsed }
        public var parcel: String
        /// The title record it transfers (the seller's).
        public var title: String
        public var seller: Pseudonym
        /// Nil when its sealed box does not open on this node (then nothing about the buyer is accepted).
        public var buyer: Pseudonym?
        public var rule: String
        public var ruleVersion: Int
        public var openedAt: UInt64
        public var expiresAtMs: UInt64
        /// Conditions met now: condition id -> the index of the entry that gave it.
        public var met: [String: UInt64]
        public var status: Status
        /// The entry that executed or lapsed it.
        public var closedAt: UInt64?
    }

    /// Number of ledger entries applied.
    public internal(set) var size: UInt64 = 0
    public internal(set) var tiers: [String: TierAnchor] = [:]
    public internal(set) var members: [String: MemberAnchor] = [:]
    /// Record type -> (version, SHA-256 of the schema's canonical JSON).
    public internal(set) var schemas: [String: (version: Int, hash: [UInt8])] = [:]
    /// The installed policy: version and SHA-256 of its canonical JSON.
    public internal(set) var policy: (version: Int, hash: [UInt8])?
    public internal(set) var records: [String: RecordAnchor] = [:]
    /// Ledger indices of the entries about each citizen, ascending.
    public internal(set) var citizenEvents: [Pseudonym: [UInt64]] = [:]
    /// The ids of the records of each citizen, in creation order.
    public internal(set) var citizenRecords: [Pseudonym: [String]] = [:]
    public internal(set) var approvals: [String: ApprovalAnchor] = [:]
    /// Questions that count against disclosure budgets (`attested`, and `question.refused` with outcome `false` or
    /// `policy_denied`), oldest first, per (requester, record, field).
    public internal(set) var questions: [QuestionSubject: [AskedQuestion]] = [:]
    /// The entry index of every citizen tag on the ledger (public: what `GET /v1/ledger/tags/{tag}` answers).
    public internal(set) var tags: [[UInt8]: UInt64] = [:]
    /// How many tagged entries each citizen has: n of the next one's tag.
    public internal(set) var trailCounts: [Pseudonym: UInt64] = [:]
    /// Transfer rules by id, then version (`rule.changed`): every version stays, for the transfers opened under it.
    public internal(set) var transferRules: [String: [Int: TransferRule]] = [:]
    /// Transfers by id, and the open one of each parcel.
    public internal(set) var transfers: [String: TransferAnchor] = [:]
    public internal(set) var openTransfers: [String: String] = [:]
    /// Certificates (the index of their `attested` entry of purpose `certificate`) -> record, and the revoked ones
    /// -> the index of their `certificate.revoked` entry.
    public internal(set) var certificates: [UInt64: String] = [:]
    public internal(set) var revokedCertificates: [UInt64: UInt64] = [:]
    /// Registered parcels by parcel id.
    public internal(set) var parcels: [String: ParcelAnchor] = [:]
    /// Tokens revoked one by one (`token.revoked`).
    public internal(set) var revokedTokens: Set<String> = []
    /// Actors whose every token issued at or before this time (ms) was revoked (`grant.revoked`).
    public internal(set) var actorsRevokedAt: [String: UInt64] = [:]

    /// The node's trail keys, to rebuild each citizen's events from tags (nil: tags are indexed, not resolved).
    let trail: CitizenTrail?

    public init(trail: CitizenTrail? = nil) { self.trail = trail }

    /// True when the token `credential` of `actor` was revoked on the ledger.
    public func isRevoked(_ credential: Credential, actor: String) -> Bool {
        if revokedTokens.contains(credential.id) { return true }
        if let at = actorsRevokedAt[actor], credential.issuedAtMs <= at { return true }
        return false
    }

    /// Applies the entry at `index` (the next one: `index == size`). Entries of other types change nothing here.
    public mutating func apply(_ entry: LedgerEntry, index: UInt64) {
        size = index + 1
        let a = entry.attributes
        func string(_ key: String) -> String? { if case let .string(s)? = a[key] { return s }; return nil }
        func int(_ key: String) -> Int? { if case let .u64(v)? = a[key], v <= UInt64(Int.max) { return Int(v) }; return nil }
        func bytes(_ key: String) -> [UInt8]? { if case let .bytes(b)? = a[key] { return b }; return nil }
        // The citizen an entry is about: named by a pseudonym (ledgers written before tags), or by a tag that must be
        // the next of the citizen of its record (whose record.created entry seals the pseudonym).
        var citizen: Pseudonym? = bytes("citizen").map { Pseudonym(bytes: $0) }
        if let citizen { citizenEvents[citizen, default: []].append(index) }
        if let tag = bytes("tag") {
            tags[tag] = index
            var owner: Pseudonym?
            if let id = string("record") {
                if entry.type == LedgerEntry.Kind.recordCreated, let box = bytes("citizen_box") {
                    owner = trail?.open(box, recordID: id)
                } else {
                    owner = records[id]?.citizen
                }
            } else if let id = string("transfer"), let transfer = transfers[id] {
                owner = string("party") == "buyer" ? transfer.buyer : transfer.seller
            }
            if let owner, let trail, ConstantTime.equals(trail.tag(owner, trailCounts[owner] ?? 0), tag) {
                citizenEvents[owner, default: []].append(index)
                trailCounts[owner, default: 0] += 1
                citizen = owner
            }
        }
        switch entry.type {
        case LedgerEntry.Kind.tierCreated:
            guard let tier = string("tier"), let rank = int("rank"), let version = int("version") else { return }
            tiers[tier] = TierAnchor(rank: rank, currentVersion: version, minDecryptionVersion: version, rotating: false)
        case LedgerEntry.Kind.keyRotated:
            guard let tier = string("tier"), let version = int("version") else { return }
            tiers[tier]?.currentVersion = version
            tiers[tier]?.rotating = true
        case LedgerEntry.Kind.keyRewrapped:
            guard let tier = string("tier") else { return }
            tiers[tier]?.rotating = false
        case LedgerEntry.Kind.keyRetired:
            guard let tier = string("tier"), let below = int("below"), let anchor = tiers[tier] else { return }
            tiers[tier]?.minDecryptionVersion = max(anchor.minDecryptionVersion, below)
        case LedgerEntry.Kind.grantAdded:
            guard let member = string("member"), let role = string("role") else { return }
            members[member] = MemberAnchor(role: role, clearance: string("clearance"), revoked: false)
        case LedgerEntry.Kind.grantRevoked:
            guard let member = string("member") else { return }
            members[member]?.revoked = true
            actorsRevokedAt[member] = max(actorsRevokedAt[member] ?? 0, entry.timestampMs)
        case LedgerEntry.Kind.tokenRevoked:
            guard let token = string("token") else { return }
            revokedTokens.insert(token)
        case LedgerEntry.Kind.schemaRegistered:
            guard let type = string("type"), let version = int("version"), let hash = bytes("schema_hash") else { return }
            schemas[type] = (version, hash)
        case LedgerEntry.Kind.policyChanged:
            guard let version = int("version"), let hash = bytes("policy_hash") else { return }
            policy = (version, hash)
        case LedgerEntry.Kind.recordCreated, LedgerEntry.Kind.recordUpdated:
            guard let id = string("record"), let type = string("type"), let version = int("version"),
                  let pseudonym = citizen ?? records[id]?.citizen, let hash = bytes("ciphertext_hash") else { return }
            if records[id] == nil { citizenRecords[pseudonym, default: []].append(id) }
            records[id] = RecordAnchor(
                type: type, citizen: pseudonym, version: version, shredded: false, ciphertextHash: hash, hashByName: string("ciphertext_order") == "name",
                entryIndex: index)
        case LedgerEntry.Kind.requestFiled:
            guard let id = string("approval"), let rule = string("rule"), let required = int("required"), let mac = bytes("request_mac") else { return }
            approvals[id] = ApprovalAnchor(filedBy: entry.actor, rule: rule, required: required, requestMAC: mac, status: .pending, approvers: [], decidedBy: nil)
        case LedgerEntry.Kind.requestApproval:
            guard let id = string("approval") else { return }
            approvals[id]?.approvers.append(entry.actor)
        case LedgerEntry.Kind.requestApproved, LedgerEntry.Kind.requestDenied:
            guard let id = string("approval") else { return }
            approvals[id]?.status = entry.type == LedgerEntry.Kind.requestApproved ? .approved : .denied
            approvals[id]?.decidedBy = entry.actor
        case LedgerEntry.Kind.question:
            // The answer is sealed for the citizen: the node opens it with the citizen's key to count the question.
            guard let record = string("record"), let requester = string("requester"), let hash = bytes("predicate_hash"),
                  let citizen, let trail, let answer = QuestionAnswer.open(entry, citizenKey: trail.citizenKey(citizen)) else { return }
            if answer.outcome == .answeredTrue, string("purpose") == Vault.certificatePurpose { certificates[index] = record }
            guard answer.outcome != .budgetExhausted else { return }
            for field in answer.fields {
                questions[QuestionSubject(requester: requester, record: record, field: field), default: []]
                    .append(AskedQuestion(predicateHash: hash, timestampMs: entry.timestampMs))
            }
        case LedgerEntry.Kind.attested, LedgerEntry.Kind.questionRefused:
            guard let record = string("record"), let requester = string("requester"), let fields = string("fields"),
                  let hash = bytes("predicate_hash") else { return }
            if entry.type == LedgerEntry.Kind.attested, string("purpose") == Vault.certificatePurpose { certificates[index] = record }
            if entry.type == LedgerEntry.Kind.questionRefused, string("outcome") == "budget_exhausted" { return }
            for field in fields.split(separator: ",") {
                questions[QuestionSubject(requester: requester, record: record, field: String(field)), default: []]
                    .append(AskedQuestion(predicateHash: hash, timestampMs: entry.timestampMs))
            }
        case LedgerEntry.Kind.certificateRevoked:
            guard case let .u64(certificate)? = a["certificate"], certificates[certificate] != nil, revokedCertificates[certificate] == nil else { return }
            revokedCertificates[certificate] = index
        case LedgerEntry.Kind.parcelRegistered:
            guard let parcel = string("parcel"), let record = string("record"), let hash = bytes("public_hash"), parcels[parcel] == nil else { return }
            parcels[parcel] = ParcelAnchor(record: record, entries: [index], publicHash: hash)
        case LedgerEntry.Kind.ruleChanged:
            guard let text = string("rule_json"), let rule = try? TransferRule.parse(Data(text.utf8)), let hash = bytes("rule_hash"),
                  ConstantTime.equals(rule.hash, hash), transferRules[rule.id]?[rule.version] == nil else { return }
            transferRules[rule.id, default: [:]][rule.version] = rule
        case LedgerEntry.Kind.transferOpened:
            guard let id = string("transfer"), transfers[id] == nil, let parcel = string("parcel"), let title = string("record"),
                  let seller = records[title]?.citizen, let rule = string("rule"), let version = int("rule_version"),
                  case let .u64(expires)? = a["expires_ms"], openTransfers[parcel] == nil
            else { return }
            let buyer = bytes("buyer_box").flatMap { trail?.open($0, recordID: id) }
            transfers[id] = TransferAnchor(
                parcel: parcel, title: title, seller: seller, buyer: buyer, rule: rule, ruleVersion: version, openedAt: index, expiresAtMs: expires,
                met: [:], status: .open, closedAt: nil)
            openTransfers[parcel] = id
        case LedgerEntry.Kind.transferCondition, LedgerEntry.Kind.transferWithdrawn:
            guard let id = string("transfer"), transfers[id]?.status == .open, let condition = string("condition") else { return }
            transfers[id]?.met[condition] = entry.type == LedgerEntry.Kind.transferCondition ? index : nil
        case LedgerEntry.Kind.transferLapsed:
            guard let id = string("transfer"), let transfer = transfers[id], transfer.status == .open else { return }
            transfers[id]?.status = .lapsed
            transfers[id]?.closedAt = index
            openTransfers[transfer.parcel] = nil
        case LedgerEntry.Kind.transferExecuted:
            guard let id = string("transfer"), let transfer = transfers[id], transfer.status == .open, let record = string("record"),
                  let hash = bytes("public_hash") else { return }
            transfers[id]?.status = .executed
            transfers[id]?.closedAt = index
            openTransfers[transfer.parcel] = nil
            parcels[transfer.parcel]?.record = record
            parcels[transfer.parcel]?.entries.append(index)
            parcels[transfer.parcel]?.publicHash = hash
        case LedgerEntry.Kind.recordShredded:
            guard let id = string("record") else { return }
            records[id]?.shredded = true
        default:
            return
        }
    }
}
