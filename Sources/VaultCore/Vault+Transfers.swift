import Foundation
import VaultCrypto
import VaultLedger

/// A transfer as its parties and the registry see it.
public struct TransferView: Sendable, Equatable {
    public let id: String
    public let parcel: String
    public let title: String
    public let rule: String
    public let ruleVersion: Int
    /// `open`, `executed` or `lapsed` (an open transfer past its expiry reads `lapsed`).
    public let status: String
    public let expiresAtMs: UInt64
    /// Every condition of the rule, with the index of the entry that gave it (nil: not met).
    public let conditions: [(id: String, by: String, entry: UInt64?)]
    /// Set once executed: the buyer's new title and the `transfer.executed` entry.
    public let newTitle: String?
    public let closedAt: UInt64?
    /// Why an open transfer whose conditions are all met has not executed (e.g. the title is encumbered).
    public let blocked: String?

    public static func == (a: TransferView, b: TransferView) -> Bool {
        a.id == b.id && a.status == b.status && a.closedAt == b.closedAt && a.conditions.map(\.entry) == b.conditions.map(\.entry)
    }
}

extension Vault {
    /// Installs a transfer rule (officers): a `rule.changed` entry carrying its canonical JSON and hash, which the
    /// anchor replays (no database row holds it). The same rule again is a no-op; a lower or equal version with
    /// other content is refused.
    @discardableResult
    public func installTransferRule(_ rule: TransferRule, by caller: Caller) async throws -> Bool {
        try await store.write { tx in
            try authorize(caller, [.officer], tx, action: "change transfer rules")
            let versions = anchor.withState { $0.transferRules[rule.id] ?? [:] }
            if versions[rule.version] == rule { return false }
            if let newest = versions.keys.max(), newest >= rule.version {
                throw VaultError.invalidTransferRule("rule \(rule.id) v\(newest) is installed; raise the version to change it")
            }
            _ = try tx.appendLedger([try entry(LedgerEntry.Kind.ruleChanged, caller, [
                "rule": .string(rule.id), "version": .u64(UInt64(rule.version)), "rule_hash": .bytes(rule.hash), "rule_json": .string(rule.canonicalJSON),
            ])], citizens: [nil])
            return true
        }
    }

    /// The newest version of transfer rule `id`, if installed.
    public func transferRule(_ id: String) async throws -> TransferRule? {
        try await store.read { _ in anchor.withState { $0.transferRules[id]?.max(by: { $0.key < $1.key })?.value } }
    }

    /// Opens a transfer of `parcel`'s title to the citizen `buyerNationalID` under the newest version of rule
    /// `ruleID`: by the seller (a citizen token of the title's owner: `citizen`) or a department member or officer.
    /// One transfer per parcel at a time (`transferInFlight`; an expired one lapses first); a shredded title or a
    /// buyer whose every record is shredded is refused (`partyShredded`). Opening gives no condition.
    public func openTransfer(parcel: String, buyerNationalID: String, rule ruleID: String, by caller: Caller, citizen: Pseudonym? = nil) async throws -> TransferView {
        let buyer = try pseudonym(of: buyerNationalID)
        let id = "t-" + Hex.encode(RandomBytes.generate(16))
        let outcome: Result<TransferView, VaultError> = try await store.write { tx in
            try authorize(caller, [.citizen, .department, .officer], tx, action: "open transfers")
            guard let parcelAnchor = anchor.withState({ $0.parcels[parcel] }) else { return .failure(.parcelNotFound(parcel)) }
            guard let rule = anchor.withState({ $0.transferRules[ruleID]?.max(by: { $0.key < $1.key })?.value }) else {
                return .failure(.invalidTransferRule("no transfer rule \(ruleID) is installed"))
            }
            guard let title = try tx.record(id: parcelAnchor.record), title.type == rule.recordType else { return .failure(.parcelNotFound(parcel)) }
            guard !title.shredded else { return .failure(.partyShredded("the title \(title.id) of \(parcel)")) }
            if caller.role == .citizen, citizen != title.citizen { return .failure(.wrongActor("only the owner of \(parcel) may open its transfer")) }
            guard buyer != title.citizen else { return .failure(.wrongActor("the buyer is the owner")) }
            let buyerRecords = try tx.records(citizen: buyer)
            if !buyerRecords.isEmpty, buyerRecords.allSatisfy(\.shredded) { return .failure(.partyShredded("the buyer's records")) }
            if let inFlight = anchor.withState({ $0.openTransfers[parcel] }) {
                guard try lapseIfExpired(inFlight, tx: tx, caller: caller) else { return .failure(.transferInFlight(parcel: parcel, transfer: inFlight)) }
            }
            let expires = clock() + rule.windowMs
            let opened = try entry(LedgerEntry.Kind.transferOpened, Self.onLedger(caller), [
                "transfer": .string(id), "parcel": .string(parcel), "record": .string(title.id), "rule": .string(rule.id),
                "rule_version": .u64(UInt64(rule.version)), "expires_ms": .u64(expires),
                "buyer_box": .bytes(try anchor.trail.seal(buyer, recordID: id)),
                "buyer_id_box": .bytes(try anchor.trail.sealBuyer(buyerNationalID, transferID: id)),
            ])
            _ = try tx.appendLedger([opened], citizens: [title.citizen])
            return .success(TransferView(
                id: id, parcel: parcel, title: title.id, rule: rule.id, ruleVersion: rule.version, status: "open", expiresAtMs: expires,
                conditions: rule.conditions.map { ($0.id, $0.by, nil) }, newTitle: nil, closedAt: nil, blocked: nil))
        }
        return try outcome.get()
    }

    /// Gives condition `condition` of transfer `id` as `caller` (a party through its citizen token `citizen`, or a
    /// member the rule names). When it is the last one and nothing blocks the transfer, the node executes it in the
    /// same transaction. A condition from anyone else is `wrongActor`; a closed transfer `transferClosed` (an
    /// expired one lapses, on the ledger, and is reported closed).
    public func giveCondition(transfer id: String, condition: String, by caller: Caller, citizen: Pseudonym? = nil) async throws -> TransferView {
        try await changeCondition(transfer: id, condition: condition, give: true, by: caller, citizen: citizen)
    }

    /// Withdraws a condition its giver gave, while the transfer is open (`transfer.withdrawn`).
    public func withdrawCondition(transfer id: String, condition: String, by caller: Caller, citizen: Pseudonym? = nil) async throws -> TransferView {
        try await changeCondition(transfer: id, condition: condition, give: false, by: caller, citizen: citizen)
    }

    /// Executes transfer `id` if every condition is met and nothing blocks it (after an encumbrance is lifted), for
    /// department members and officers; otherwise says what is missing.
    public func retryTransfer(_ id: String, by caller: Caller) async throws -> TransferView {
        let outcome: Result<TransferView, VaultError> = try await store.write { tx in
            try authorize(caller, [.department, .officer], tx, action: "execute transfers")
            guard anchor.withState({ $0.transfers[id] }) != nil else { return .failure(.transferNotFound(id)) }
            if try lapseIfExpired(id, tx: tx, caller: caller) { return .failure(.transferClosed(id, status: "lapsed")) }
            guard let transfer = anchor.withState({ $0.transfers[id] }), transfer.status == .open else {
                return .failure(.transferClosed(id, status: anchor.withState { $0.transfers[id]?.status.rawValue } ?? "closed"))
            }
            let blocked = try executeIfReady(id, tx: tx)
            return .success(try view(id, tx: tx, blocked: blocked))
        }
        return try outcome.get()
    }

    /// Transfer `id` as its parties (the seller's or buyer's citizen token), department members, officers and auditors see it.
    public func transfer(_ id: String, by caller: Caller, citizen: Pseudonym? = nil) async throws -> TransferView {
        try await store.read { tx in
            try authorize(caller, [.citizen, .department, .officer, .auditor], tx, action: "read transfers")
            guard let transfer = anchor.withState({ $0.transfers[id] }) else { throw VaultError.transferNotFound(id) }
            if caller.role == .citizen, citizen == nil || (citizen != transfer.seller && citizen != transfer.buyer) { throw VaultError.transferNotFound(id) }
            return try view(id, tx: tx, blocked: nil)
        }
    }

    private func changeCondition(transfer id: String, condition: String, give: Bool, by caller: Caller, citizen: Pseudonym?) async throws -> TransferView {
        let outcome: Result<TransferView, VaultError> = try await store.write { tx in
            try authorize(caller, [.citizen, .department, .officer], tx, action: "give transfer conditions")
            guard let transfer = anchor.withState({ $0.transfers[id] }) else { return .failure(.transferNotFound(id)) }
            if caller.role == .citizen, citizen == nil || (citizen != transfer.seller && citizen != transfer.buyer) { return .failure(.transferNotFound(id)) }
            guard transfer.status == .open else { return .failure(.transferClosed(id, status: transfer.status.rawValue)) }
            if try lapseIfExpired(id, tx: tx, caller: caller) { return .failure(.transferClosed(id, status: "lapsed")) }
            guard let rule = anchor.withState({ $0.transferRules[transfer.rule]?[transfer.ruleVersion] }) else {
                throw VaultError.corrupt("transfer \(id) names rule \(transfer.rule) v\(transfer.ruleVersion), which the ledger lacks")
            }
            guard let wanted = rule.condition(condition) else {
                return .failure(.invalidTransferRule("rule \(rule.id) v\(rule.version) has no condition \(condition.prefix(48))"))
            }
            let party: String
            switch wanted.by {
            case "seller", "buyer":
                let expected = wanted.by == "seller" ? transfer.seller : transfer.buyer
                guard caller.role == .citizen, let citizen, citizen == expected else {
                    return .failure(.wrongActor("condition \(condition) is the \(wanted.by)'s, given with the \(wanted.by)'s citizen token, not by \(caller.id)"))
                }
                party = wanted.by
            default:
                guard caller.role == wanted.role, wanted.matches(actor: caller.id) else {
                    return .failure(.wrongActor("condition \(condition) is given by \(wanted.by) (\(wanted.role?.rawValue ?? "?")), not by \(caller.id) (\(caller.role.rawValue))"))
                }
                party = "seller"
            }
            if let shredded = try shreddedParty(transfer, tx: tx) { return .failure(.partyShredded(shredded)) }
            let met = transfer.met[condition] != nil
            guard met != give else { return .success(try view(id, tx: tx, blocked: nil)) }
            let entry = try entry(give ? LedgerEntry.Kind.transferCondition : LedgerEntry.Kind.transferWithdrawn, Self.onLedger(caller), [
                "transfer": .string(id), "condition": .string(condition), "party": .string(party),
            ])
            let tagged = party == "buyer" ? transfer.buyer : transfer.seller
            _ = try tx.appendLedger([entry], citizens: [tagged])
            let blocked = give ? try executeIfReady(id, tx: tx) : nil
            return .success(try view(id, tx: tx, blocked: blocked))
        }
        return try outcome.get()
    }

    /// Who an entry names as its actor: a citizen acting through their token is the constant `citizen` (as for
    /// consent), never the token's actor id, which would link the citizen's entries on the public ledger.
    static func onLedger(_ caller: Caller) -> Caller {
        caller.role == .citizen ? Caller(id: citizenActor, role: .citizen) : caller
    }

    /// Appends `transfer.lapsed` for an open transfer past its expiry; true when it did.
    private func lapseIfExpired(_ id: String, tx: any VaultWriting, caller: Caller) throws -> Bool {
        guard let transfer = anchor.withState({ $0.transfers[id] }), transfer.status == .open, clock() >= transfer.expiresAtMs else { return false }
        _ = try tx.appendLedger(
            [try entry(LedgerEntry.Kind.transferLapsed, Self.onLedger(caller), ["transfer": .string(id), "parcel": .string(transfer.parcel)])], citizens: [transfer.seller])
        return true
    }

    /// What makes a party shredded: the title, or (when the buyer has records) every record of the buyer.
    private func shreddedParty(_ transfer: AnchoredState.TransferAnchor, tx: any VaultReading) throws -> String? {
        if try tx.record(id: transfer.title)?.shredded != false { return "the title \(transfer.title)" }
        guard let buyer = transfer.buyer else { return "the buyer (unreadable on this node)" }
        let records = try tx.records(citizen: buyer)
        if !records.isEmpty, records.allSatisfy(\.shredded) { return "the buyer's records" }
        return nil
    }

    /// In the transaction that met a condition: when every condition is met, executes the transfer (the buyer's new
    /// title, the seller's title shredded, `transfer.executed` naming the rule and each condition's entry) and
    /// returns nil; returns why it waits when the title is encumbered, nil also when conditions are missing.
    private func executeIfReady(_ id: String, tx: any VaultWriting) throws -> String? {
        guard let transfer = anchor.withState({ $0.transfers[id] }), transfer.status == .open,
              let rule = anchor.withState({ $0.transferRules[transfer.rule]?[transfer.ruleVersion] }) else { return nil }
        // The anchor has not applied this transaction's own entries yet: count the ones it wrote.
        let met = metConditions(id, transfer, tx: tx)
        guard rule.conditions.allSatisfy({ met[$0.id] != nil }) else { return nil }
        guard let old = try tx.record(id: transfer.title), !old.shredded else { throw VaultError.partyShredded("the title \(transfer.title)") }
        let schema = try schema(old.type, tx)
        let (tiers, _) = try tierLevels(tx)
        let kept = try keptFields(of: old, Set(schema.fields.map(\.name)), tiers: tiers, tx: tx)
        if let field = rule.unencumbered {
            guard case let .integer(count)? = kept[field]?.value else { throw VaultError.corrupt("title \(old.id) has no integer \(field)") }
            if count != 0 { return "the title has \(count) \(field); lift them, then POST /v1/transfers/\(id)/execute" }
        }
        guard let buyer = transfer.buyer, let box = try buyerBox(transfer, tx: tx), let buyerID = anchor.trail.openBuyer(box, transferID: id) else {
            throw VaultError.partyShredded("the buyer (unreadable on this node)")
        }
        let executor = Caller(id: "rule.\(rule.id)", role: .officer)
        var input = kept.mapValues(\.value.json)
        input["owner_ref"] = .string(buyerID)
        if case let .integer(n)? = input["title_number"] { input["title_number"] = .integer(n + 1) }
        let created = try insertRecord(type: old.type, citizen: buyer, input: input, tx: tx, caller: executor)
        var shredded = old
        shredded.shredded = true
        try tx.saveRecord(shredded)
        try tx.replaceDataKeys(recordID: old.id, with: [])
        try tx.replaceFields(recordID: old.id, with: [])
        try tx.replaceOpenings(recordID: old.id, with: [])
        let publicFields = try schema.validate(input).filter { schema.field(named: $0.key)?.tier == Tier.publicName }.mapValues(\.json)
        let conditions = rule.conditions.map { "\($0.id)@\(met[$0.id]!)" }.joined(separator: ",")
        _ = try tx.appendLedger([
            try entry(LedgerEntry.Kind.recordShredded, executor, ["record": .string(old.id)]),
            try entry(LedgerEntry.Kind.transferExecuted, executor, [
                "transfer": .string(id), "parcel": .string(transfer.parcel), "previous": .string(old.id), "record": .string(created.recordID),
                "rule": .string(rule.id), "rule_version": .u64(UInt64(rule.version)), "conditions": .string(conditions),
                "public_hash": .bytes(ParcelHistory.publicHash(publicFields)), "party": .string("buyer"),
            ]),
        ], citizens: [old.citizen, buyer])
        return nil
    }

    /// The transfer's conditions met, counting this transaction's own entries (the anchor applies them at commit).
    private func metConditions(_ id: String, _ transfer: AnchoredState.TransferAnchor, tx: any VaultReading) -> [String: UInt64] {
        var met = transfer.met
        guard let writer = tx as? AnchoredWriter else { return met }
        for append in writer.appended {
            for (offset, entry) in append.entries.enumerated() {
                guard case let .string(tid)? = entry.attributes["transfer"], case let .string(c)? = entry.attributes["condition"],
                      tid == id else { continue }
                met[c] = entry.type == LedgerEntry.Kind.transferCondition ? append.firstIndex + UInt64(offset) : nil
            }
        }
        return met
    }

    /// The `buyer_id_box` of the transfer's `transfer.opened` entry, read from the verified ledger.
    private func buyerBox(_ transfer: AnchoredState.TransferAnchor, tx: any VaultReading) throws -> [UInt8]? {
        let entry = try tx.ledgerEntry(at: transfer.openedAt)
        if case let .bytes(box)? = entry.attributes["buyer_id_box"] { return box }
        return nil
    }

    private func view(_ id: String, tx: any VaultReading, blocked: String?) throws -> TransferView {
        guard let transfer = anchor.withState({ $0.transfers[id] }) else { throw VaultError.transferNotFound(id) }
        let rule = anchor.withState { $0.transferRules[transfer.rule]?[transfer.ruleVersion] }
        let met = metConditions(id, transfer, tx: tx)
        var status = transfer.status.rawValue
        var newTitle: String?, closedAt = transfer.closedAt
        // This transaction's own executed or lapsed entry, not applied yet.
        if let writer = tx as? AnchoredWriter {
            for append in writer.appended {
                for (offset, entry) in append.entries.enumerated() where entry.attributes["transfer"] == .string(id) {
                    if entry.type == LedgerEntry.Kind.transferExecuted { status = "executed"; closedAt = append.firstIndex + UInt64(offset) }
                    if entry.type == LedgerEntry.Kind.transferLapsed { status = "lapsed"; closedAt = append.firstIndex + UInt64(offset) }
                    if entry.type == LedgerEntry.Kind.transferExecuted, case let .string(r)? = entry.attributes["record"] { newTitle = r }
                }
            }
        }
        if status == "executed", newTitle == nil, let closedAt, case let .string(r)? = try tx.ledgerEntry(at: closedAt).attributes["record"] { newTitle = r }
        if status == "open", clock() >= transfer.expiresAtMs { status = "lapsed" }
        return TransferView(
            id: id, parcel: transfer.parcel, title: transfer.title, rule: transfer.rule, ruleVersion: transfer.ruleVersion, status: status,
            expiresAtMs: transfer.expiresAtMs, conditions: (rule?.conditions ?? []).map { ($0.id, $0.by, met[$0.id]) }, newTitle: newTitle,
            closedAt: closedAt, blocked: status == "open" ? blocked : nil)
    }
}
