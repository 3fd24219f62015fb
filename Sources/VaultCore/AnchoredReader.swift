import VaultCrypto
import VaultLedger

/// A read transaction whose trusted rows are checked against the `LedgerAnchor`: tiers, schemas, members, the
/// policy, records and citizen events must be exactly what the verified ledger records, ledger entries must be the
/// verified leaves. Everything else (ciphertexts, wrapped keys, openings) is authenticated encryption bound to
/// its record, field, tier and version, and passes through.
class AnchoredReader: VaultReading {
    let base: any VaultReading
    let anchor: LedgerAnchor
    /// The tree size of the checkpoint this transaction sees.
    let snapshotSize: UInt64
    /// True when a disagreement may come from an older snapshot (and the read is retried) rather than tampering.
    let mayLag: Bool
    /// Rows this transaction wrote itself ("table/key"): not checked again until the ledger has them.
    var written: Set<String> = []

    init(_ base: any VaultReading, anchor: LedgerAnchor, snapshotSize: UInt64, mayLag: Bool) {
        self.base = base
        self.anchor = anchor
        self.snapshotSize = snapshotSize
        self.mayLag = mayLag
    }

    /// Refuses a row that disagrees with the anchor, or asks for a retry when the snapshot is older than it.
    func refuse(_ table: String, _ key: String) throws -> Never {
        if mayLag && anchor.size > snapshotSize { throw AnchorLag() }
        throw VaultError.stateTampered(table: table, key: key)
    }

    func wrote(_ table: String, _ key: String) -> Bool { written.contains(table + "/" + key) }

    // MARK: checked

    func tiers() throws -> [TierState] {
        let rows = try base.tiers()
        let anchored = anchor.withState { $0.tiers }
        for row in rows where !wrote("vault_tier", row.name) {
            guard let a = anchored[row.name], a.rank == row.rank, a.currentVersion == row.currentVersion,
                  a.minDecryptionVersion == row.minDecryptionVersion, a.rotating == row.rotating else { try refuse("vault_tier", row.name) }
        }
        let present = Set(rows.map(\.name))
        for name in anchored.keys where !present.contains(name) { try refuse("vault_tier", name) }
        return rows
    }

    func schemas() throws -> [RecordSchema] {
        let rows = try base.schemas()
        let anchored = anchor.withState { $0.schemas }
        for row in rows where !wrote("vault_schema", row.type) {
            if anchor.schemaChecked(row) { continue }
            let hash = row.ledgerHash
            guard let a = anchored[row.type], a.version == row.version, ConstantTime.equals(a.hash, hash) else {
                try refuse("vault_schema", row.type)
            }
            anchor.markSchemaChecked(row, hash: hash)
        }
        let present = Set(rows.map(\.type))
        for type in anchored.keys where !present.contains(type) && !wrote("vault_schema", type) { try refuse("vault_schema", type) }
        return rows
    }

    func record(id: String) throws -> RecordRow? { try checked(try base.record(id: id), id: id) }

    /// `row` (the stored record `id`, or nil) if it is what the ledger records.
    func checked(_ row: RecordRow?, id: String) throws -> RecordRow? {
        if wrote("vault_record", id) { return row }
        let anchored = anchor.withState { $0.records[id] }
        switch (row, anchored) {
        case (nil, nil): return nil
        case let (row?, a?) where a.type == row.type && a.citizen == row.citizen && a.version == row.version && a.shredded == row.shredded:
            return row
        default: try refuse("vault_record", id)
        }
    }

    func records(citizen: Pseudonym) throws -> [RecordRow] {
        let rows = try base.records(citizen: citizen)
        let ids = anchor.withState { $0.citizenRecords[citizen] ?? [] }
        guard Set(rows.map(\.id)) == Set(ids) else { try refuse("vault_record", "citizen \(citizen.hex.prefix(16))") }
        for row in rows { _ = try checked(row, id: row.id) }
        return rows
    }

    func member(id: String) throws -> Member? { try checked(try base.member(id: id), id: id) }

    /// `row` (the stored member `id`, or nil) if it is what the ledger records.
    func checked(_ row: Member?, id: String) throws -> Member? {
        if wrote("vault_member", id) { return row }
        let anchored = anchor.withState { $0.members[id] }
        switch (row, anchored) {
        case (nil, nil): return nil
        case let (row?, a?) where a.role == row.role.rawValue && a.clearance == row.clearance && a.revoked == row.revoked: return row
        default: try refuse("vault_member", id)
        }
    }

    func members() throws -> [Member] {
        let rows = try base.members()
        for row in rows { _ = try checked(row, id: row.id) }
        let present = Set(rows.map(\.id))
        for id in anchor.withState({ Array($0.members.keys) }) where !present.contains(id) { try refuse("vault_member", id) }
        return rows
    }

    func policy() throws -> Policy? {
        let row = try base.policy()
        if wrote("vault_policy", "current") { return row }
        let anchored = anchor.withState { $0.policy }
        switch (row, anchored) {
        case (nil, nil): return nil
        case let (row?, a?):
            if anchor.policyChecked(row) { return row }
            let hash = row.hash
            guard a.version == row.version, ConstantTime.equals(a.hash, hash) else { try refuse("vault_policy", String(row.version)) }
            anchor.markPolicyChecked(row, hash: hash)
            return row
        case let (row?, nil): try refuse("vault_policy", String(row.version))
        case (nil, _?): try refuse("vault_policy", "current")
        }
    }

    func approval(id: String) throws -> Approval? { try checked(try base.approval(id: id), id: id) }

    /// `row` (the stored approval `id`, or nil) if it is what the ledger records.
    func checked(_ row: Approval?, id: String) throws -> Approval? {
        if wrote("vault_approval", id) { return row }
        let anchored = anchor.withState { $0.approvals[id] }
        switch (row, anchored) {
        case (nil, nil): return nil
        case let (row?, a?) where Self.agree(row, a, authenticator: anchor.authenticator): return row
        default: try refuse("vault_approval", id)
        }
    }

    func approvals(status: Approval.Status?) throws -> [Approval] {
        let rows = try base.approvals(status: status)
        for row in rows { _ = try checked(row, id: row.id) }
        let present = Set(rows.map(\.id))
        let expected = anchor.withState { $0.approvals.filter { status == nil || $0.value.status == status }.map(\.key) }
        for id in expected where !present.contains(id) && !wrote("vault_approval", id) { try refuse("vault_approval", id) }
        return rows
    }

    /// The row is what the ledger records; an approved row carries its bundle and no other row has one (the bundle
    /// itself is checked by its requester, offline: it is bound to their name and nonce).
    static func agree(_ row: Approval, _ a: AnchoredState.ApprovalAnchor, authenticator: StateAuthenticator) -> Bool {
        row.status == a.status && row.filedBy == a.filedBy && row.approvers == a.approvers && row.required == a.required
            && row.rule == a.rule && row.decidedBy == a.decidedBy && (row.bundle != nil) == (a.status == .approved)
            && ConstantTime.equals(row.requestMAC(authenticator), a.requestMAC)
    }

    func citizenEvents(citizen: Pseudonym) throws -> [UInt64] {
        let rows = try base.citizenEvents(citizen: citizen)
        let anchored = anchor.withState { ($0.citizenEvents[citizen] ?? []).filter { $0 < snapshotSize } }
        let older = rows.filter { $0 < snapshotSize }
        guard older == anchored else {
            let missing = Set(anchored).symmetricDifference(older).min() ?? 0
            try refuse("vault_citizen_event", "ledger_idx \(missing)")
        }
        // Rows past the verified checkpoint exist only for entries this transaction appended itself.
        for index in rows where index >= snapshotSize && !ownEntries.contains(index) { try refuse("vault_citizen_event", "ledger_idx \(index)") }
        return rows
    }

    /// Indices of the entries this transaction appended (a writer's own, not yet in any checkpoint the anchor saw).
    var ownEntries: Set<UInt64> { [] }

    func ledgerEntry(at index: UInt64) throws -> LedgerEntry { try EntryCodec.decode(try ledgerEntryBytes(at: index)) }

    func ledgerEntryBytes(at index: UInt64) throws -> [UInt8] {
        // Beyond the verified checkpoint only this transaction's own entries may be read.
        guard index < snapshotSize || ownEntries.contains(index) else { try refuse("ledger_entry", String(index)) }
        let bytes = try base.ledgerEntryBytes(at: index)
        try anchor.checkEntry(bytes, at: index)
        return bytes
    }

    /// The entry that wrote the record's current version, as the ledger has it.
    func recordEntryIndex(_ id: String) -> UInt64? { anchor.withState { $0.records[id]?.entryIndex } }

    /// Refuses field rows whose ciphertexts are not the version the ledger recorded (a field deleted, added, or
    /// put back from an older version).
    func checkFields(_ rows: [FieldRow], of record: RecordRow, schema: RecordSchema) throws {
        if wrote("vault_record", record.id) { return }
        guard let anchored = anchor.withState({ $0.records[record.id] }),
              ConstantTime.equals(anchored.ciphertextHash, anchored.hashByName ? RecordSchema.ciphertextHash(byName: rows) : schema.ciphertextHash(of: rows))
        else { try refuse("vault_field", record.id) }
    }

    // MARK: passed through (authenticated encryption, or not an access decision)

    func tierKey(tier: String, version: Int) throws -> WrappedTierKey? { try base.tierKey(tier: tier, version: version) }
    func fields(recordID: String) throws -> [FieldRow] { try base.fields(recordID: recordID) }
    func dataKeys(recordID: String) throws -> [WrappedDataKey] { try base.dataKeys(recordID: recordID) }
    func dataKeys(tier: String, wrappedBelow version: Int, limit: Int) throws -> [WrappedDataKey] {
        try base.dataKeys(tier: tier, wrappedBelow: version, limit: limit)
    }
    func countDataKeys(tier: String, wrappedBelow version: Int) throws -> Int { try base.countDataKeys(tier: tier, wrappedBelow: version) }
    func openings(recordID: String) throws -> [OpeningRow] { try base.openings(recordID: recordID) }
    func ledgerCheckpoint() throws -> String? { try base.ledgerCheckpoint() }
    func ledgerEntries(from index: UInt64, limit: Int) throws -> [[UInt8]] { try base.ledgerEntries(from: index, limit: limit) }
    func inclusionProof(index: UInt64, treeSize: UInt64) throws -> InclusionProof { try base.inclusionProof(index: index, treeSize: treeSize) }
}

/// A write transaction over an `AnchoredReader`: rows it writes are its own (the ledger entries it appends in the
/// same transaction anchor them), so they are not checked again within it.
final class AnchoredWriter: AnchoredReader, VaultWriting {
    let writer: any VaultWriting
    /// What this transaction appended, already checked against the verified tree, for the anchor once it commits.
    private(set) var appended: [LedgerAnchor.Append] = []

    init(_ writer: any VaultWriting, anchor: LedgerAnchor, snapshotSize: UInt64, mayLag: Bool) {
        self.writer = writer
        edge = anchor.edge
        super.init(writer, anchor: anchor, snapshotSize: snapshotSize, mayLag: mayLag)
    }

    private func mark(_ table: String, _ key: String) { written.insert(table + "/" + key) }

    func saveTier(_ tier: TierState) throws { mark("vault_tier", tier.name); try writer.saveTier(tier) }
    func saveSchema(_ schema: RecordSchema) throws { mark("vault_schema", schema.type); try writer.saveSchema(schema) }
    func insertTierKey(_ key: WrappedTierKey) throws { try writer.insertTierKey(key) }
    func deleteTierKeys(tier: String, below version: Int) throws { try writer.deleteTierKeys(tier: tier, below: version) }
    func saveRecord(_ record: RecordRow) throws { mark("vault_record", record.id); try writer.saveRecord(record) }
    func replaceFields(recordID: String, with fields: [FieldRow]) throws { mark("vault_record", recordID); try writer.replaceFields(recordID: recordID, with: fields) }
    func replaceDataKeys(recordID: String, with keys: [WrappedDataKey]) throws { try writer.replaceDataKeys(recordID: recordID, with: keys) }
    func updateDataKey(_ key: WrappedDataKey) throws { try writer.updateDataKey(key) }
    func replaceOpenings(recordID: String, with openings: [OpeningRow]) throws { try writer.replaceOpenings(recordID: recordID, with: openings) }
    func saveMember(_ member: Member) throws { mark("vault_member", member.id); try writer.saveMember(member) }
    func savePolicy(_ policy: Policy) throws { mark("vault_policy", "current"); try writer.savePolicy(policy) }
    func saveApproval(_ approval: Approval) throws { mark("vault_approval", approval.id); try writer.saveApproval(approval) }
    func updateApproval(_ approval: Approval, from previous: Approval) throws -> Bool {
        guard try writer.updateApproval(approval, from: previous) else { return false }
        mark("vault_approval", approval.id)
        return true
    }
    func savepoint<T>(_ body: () throws -> T) throws -> T { try writer.savepoint(body) }
    func revokeTokens(actor: String) throws -> Int { try writer.revokeTokens(actor: actor) }
    func revokeToken(id: String) throws -> Bool { try writer.revokeToken(id: id) }
    /// Tagged entries of each citizen appended in this transaction so far.
    private var pendingTrail: [Pseudonym: UInt64] = [:]
    /// The verified tree's right edge extended by this transaction's own entries.
    private var edge: CompactRange
    private var own: Set<UInt64> = []
    override var ownEntries: Set<UInt64> { own }

    /// Appends `entries`; each entry about a citizen (`citizens[i]`) leaves with the citizen's next tag instead of
    /// any pseudonym, and a record's first entry with its sealed pseudonym (see `CitizenTrail`).
    func appendLedger(_ entries: [LedgerEntry], citizens: [Pseudonym?]) throws -> AppendReceipt {
        let trail = anchor.trail
        let tagged: [LedgerEntry] = try entries.enumerated().map { i, entry in
            guard i < citizens.count, let citizen = citizens[i] else { return entry }
            var attributes = entry.attributes
            attributes["citizen"] = nil
            let n = anchor.withState { $0.trailCounts[citizen] ?? 0 } + pendingTrail[citizen, default: 0]
            pendingTrail[citizen, default: 0] += 1
            attributes["tag"] = .bytes(trail.tag(citizen, n))
            if entry.type == LedgerEntry.Kind.recordCreated, case let .string(id)? = attributes["record"] {
                attributes["citizen_box"] = .bytes(try trail.seal(citizen, recordID: id))
            }
            return try LedgerEntry(type: entry.type, timestampMs: entry.timestampMs, actor: entry.actor, attributes: attributes)
        }
        let receipt = try writer.appendLedger(tagged, citizens: citizens)
        // The store built on its stored tip; the node signs only a tree that extends the verified one with exactly
        // these entries (rows planted after the checkpoint, or a forged tip block, would otherwise be signed in).
        var leaves: [UInt8] = []
        for entry in tagged {
            let leaf = MerkleMath.leafHash(EntryCodec.encode(entry))
            try edge.append(leafHash: leaf)
            leaves += leaf
        }
        guard receipt.firstIndex + UInt64(tagged.count) == edge.size, receipt.treeSize == edge.size,
              let signed = try? Checkpoint(parsing: receipt.checkpoint.text), ConstantTime.equals(signed.root, edge.root)
        else { throw VaultError.stateTampered(table: "ledger_block", key: "tip at \(receipt.firstIndex)") }
        own.formUnion(receipt.firstIndex..<receipt.treeSize)
        appended.append(LedgerAnchor.Append(
            entries: tagged, firstIndex: receipt.firstIndex, edge: edge, leaves: leaves, note: receipt.checkpoint.serialized))
        return receipt
    }
}
