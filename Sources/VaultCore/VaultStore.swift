import VaultLedger

/// Read access to the vault's storage inside one consistent transaction.
public protocol VaultReading {
    func tiers() throws -> [TierState]
    func schemas() throws -> [RecordSchema]
    func tierKey(tier: String, version: Int) throws -> WrappedTierKey?
    func record(id: String) throws -> RecordRow?
    func records(citizen: Pseudonym) throws -> [RecordRow]
    func fields(recordID: String) throws -> [FieldRow]
    func dataKeys(recordID: String) throws -> [WrappedDataKey]
    /// Up to `limit` DEKs of `tier` wrapped under a version below `version`, by record id. Rewrapped keys leave
    /// this set, so repeating the call walks a rotation to its end without a cursor.
    func dataKeys(tier: String, wrappedBelow version: Int, limit: Int) throws -> [WrappedDataKey]
    /// The number of DEKs of `tier` wrapped under a version below `version`.
    func countDataKeys(tier: String, wrappedBelow version: Int) throws -> Int
    func openings(recordID: String) throws -> [OpeningRow]
    func member(id: String) throws -> Member?
    /// The installed attestation policy, if any.
    func policy() throws -> Policy?
    func approval(id: String) throws -> Approval?
    func approvals(status: Approval.Status?) throws -> [Approval]
    func members() throws -> [Member]
    /// Ledger indices of entries that concern `citizen`, ascending.
    func citizenEvents(citizen: Pseudonym) throws -> [UInt64]
    /// The ledger entry at `index`, decoded.
    func ledgerEntry(at index: UInt64) throws -> LedgerEntry
    /// The canonical bytes of the ledger entry at `index`.
    func ledgerEntryBytes(at index: UInt64) throws -> [UInt8]
    /// Up to `limit` ledger entries' canonical bytes from `index` on, in index order.
    func ledgerEntries(from index: UInt64, limit: Int) throws -> [[UInt8]]
    /// The latest signed checkpoint note, exactly as stored.
    func ledgerCheckpoint() throws -> String?
    /// An inclusion proof of `index` in the tree of `treeSize` entries.
    func inclusionProof(index: UInt64, treeSize: UInt64) throws -> InclusionProof
}

/// Write access inside one transaction: everything written, including the ledger entries, commits together or not
/// at all, and is durable when `VaultStore.write` returns.
public protocol VaultWriting: VaultReading {
    func saveTier(_ tier: TierState) throws
    func saveSchema(_ schema: RecordSchema) throws
    func insertTierKey(_ key: WrappedTierKey) throws
    func deleteTierKeys(tier: String, below version: Int) throws
    func saveRecord(_ record: RecordRow) throws
    func replaceFields(recordID: String, with fields: [FieldRow]) throws
    func replaceDataKeys(recordID: String, with keys: [WrappedDataKey]) throws
    func updateDataKey(_ key: WrappedDataKey) throws
    func replaceOpenings(recordID: String, with openings: [OpeningRow]) throws
    func saveMember(_ member: Member) throws
    func savePolicy(_ policy: Policy) throws
    /// Files a new approval.
    func saveApproval(_ approval: Approval) throws
    /// Marks every bearer token of `actor` revoked; returns how many rows changed.
    func revokeTokens(actor: String) throws -> Int
    /// Marks the bearer token `id` revoked; false when there is none.
    func revokeToken(id: String) throws -> Bool
    /// Compare-and-set: stores `approval`'s status, approvers, decider and bundle only if the row still reads pending
    /// with exactly `previous`'s approvers. False, with nothing written, when another decision got there first.
    func updateApproval(_ approval: Approval, from previous: Approval) throws -> Bool
    /// Runs `body` in a savepoint of this transaction: when it throws, everything it wrote is undone (and the error
    /// rethrown) while what came before it stays; group commit runs each writer of a batch this way.
    func savepoint<T>(_ body: () throws -> T) throws -> T
    /// Appends entries to the ledger in this transaction; `citizens[i]` (if any) indexes entry i in that citizen's log.
    func appendLedger(_ entries: [LedgerEntry], citizens: [Pseudonym?]) throws -> AppendReceipt
}

/// The vault's storage: one read or write transaction at a time through these two doors.
///
/// The doors are async and the bodies synchronous (as GRDB's `DatabasePool.write`): the caller is suspended while
/// the store runs the body on a thread of its own (a database queue or a blocking pool), never on one of Swift
/// concurrency's cooperative threads, so a slow disk or a lock wait never stalls other requests.
public protocol VaultStore: Sendable {
    func read<T>(_ body: (any VaultReading) throws -> T) async throws -> T
    func write<T>(_ body: (any VaultWriting) throws -> T) async throws -> T
}
