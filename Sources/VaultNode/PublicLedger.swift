import VaultLedger

/// The public, read-only face of a ledger, served over HTTP by a log node and by its followers alike.
public protocol PublicLedger: Sendable {
    func treeSize() throws -> UInt64
    func latestCheckpoint() throws -> String?
    func entry(at index: UInt64) throws -> StoredEntry
    func entries(from: UInt64, limit: Int) throws -> [StoredEntry]
    func inclusionProof(index: UInt64, treeSize: UInt64) throws -> InclusionProof
    func consistencyProof(oldSize: UInt64, treeSize: UInt64) throws -> ConsistencyProof
}
