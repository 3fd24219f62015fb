import Foundation
import GRDB
import VaultCore
import VaultCrypto
import VaultLedger
import VaultNode

/// A follower's copy of a log: entries mirrored from the log node, accepted only when the tree they extend
/// has exactly the root of a checkpoint signed by the log's key, so a rewritten or forked history is refused.
/// Serves the same public reads and proofs as the log, and keeps serving them when the log is down.
public final class LedgerMirror: PublicLedger, Sendable {
    /// Why mirrored entries were refused; nothing is written then.
    public enum Refusal: Error, Equatable, Sendable, CustomStringConvertible {
        case badCheckpoint(String)
        case gap(expected: UInt64, got: UInt64)
        case leafMismatch(index: UInt64)
        case rootMismatch(size: UInt64)
        case shrunk(local: UInt64, checkpoint: UInt64)

        public var description: String {
            switch self {
            case let .badCheckpoint(why): return "checkpoint refused: \(why)"
            case let .gap(expected, got): return "entries must continue at index \(expected), got \(got)"
            case let .leafMismatch(index): return "entry \(index): bytes do not hash to the leaf hash sent"
            case let .rootMismatch(size): return "LOG MISBEHAVIOUR: the mirrored tree of size \(size) does not have the signed root (fork or rewritten entry)"
            case let .shrunk(local, checkpoint): return "LOG MISBEHAVIOUR: the log's checkpoint (size \(checkpoint)) is smaller than the mirror (\(local))"
            }
        }
    }

    let database: DatabasePool
    /// The followed log's key.
    public let logKey: NoteVerifierKey

    /// Opens (creating) the mirror database at `path`.
    public init(path: String, logKey: NoteVerifierKey) throws {
        database = try NodeDatabase.open(path: path)
        self.logKey = logKey
    }

    public func treeSize() throws -> UInt64 {
        try database.blockingRead { db in UInt64(try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(idx) + 1, 0) FROM ledger_entry") ?? 0) }
    }

    public func latestCheckpoint() throws -> String? { try database.blockingRead { try SQLiteLedgerReader($0).checkpointNote() } }
    public func entry(at index: UInt64) throws -> StoredEntry { try database.blockingRead { try SQLiteLedgerReader($0).entry(at: index) } }
    public func entries(from: UInt64, limit: Int) throws -> [StoredEntry] { try database.blockingRead { try SQLiteLedgerReader($0).entries(from: from, limit: limit) } }
    // The mirror has no blocks of its own: proofs are bounded by the mirrored size, not by a block tip.
    public func inclusionProof(index: UInt64, treeSize: UInt64) throws -> InclusionProof {
        let size = try self.treeSize()
        guard treeSize <= size else { throw LedgerError.invalidTreeSizes(old: treeSize, new: size) }
        return try database.blockingRead { try InclusionProof.generate(leafIndex: index, treeSize: treeSize, from: TiledSubtreeSource(reader: SQLiteLedgerReader($0))) }
    }
    public func consistencyProof(oldSize: UInt64, treeSize: UInt64) throws -> ConsistencyProof {
        let size = try self.treeSize()
        guard treeSize <= size else { throw LedgerError.invalidTreeSizes(old: treeSize, new: size) }
        return try database.blockingRead { try ConsistencyProof.generate(oldSize: oldSize, treeSize: treeSize, from: TiledSubtreeSource(reader: SQLiteLedgerReader($0))) }
    }

    /// Appends `entries` (index, canonical bytes, leaf hash as sent) that take the mirror exactly to the size of
    /// `checkpoint`, in one transaction, after checking every leaf hash and the signed root.
    /// With `keyChain` (the log's chain, which must start with `logKey`), the checkpoint must be signed by the key in
    /// force at its size, and the mirrored tree must have the announcing checkpoint's root at every rotation it passes.
    public func apply(_ entries: [StoredEntry], checkpoint text: String, keyChain: LedgerKeyChain? = nil) throws {
        let chain = keyChain ?? LedgerKeyChain(root: logKey)
        guard chain.root == logKey else { throw Refusal.badCheckpoint("the key chain does not start with the followed log's key") }
        let checkpoint: Checkpoint
        do { (checkpoint, _) = try chain.openCheckpoint(text) } catch {
            throw Refusal.badCheckpoint("\(error)")
        }
        var rotationRoots: [UInt64: [UInt8]] = [:]
        for link in chain.links.dropFirst() {
            if let note = link.announcement?.checkpoint, let announced = try? Checkpoint(parsing: SignedNote(parsing: note).text) {
                rotationRoots[link.signsAfter] = announced.root
            }
        }
        try database.blockingWrite { db in
            let reader = SQLiteLedgerReader(db)
            let local = UInt64(try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(idx) + 1, 0) FROM ledger_entry") ?? 0)
            guard checkpoint.treeSize >= local else { throw Refusal.shrunk(local: local, checkpoint: checkpoint.treeSize) }
            guard checkpoint.treeSize == local + UInt64(entries.count) else { throw Refusal.gap(expected: local, got: entries.first?.index ?? checkpoint.treeSize) }
            var range = try CompactRange(size: local, source: TiledSubtreeSource(reader: reader))
            var nodes: [(Int, UInt64, [UInt8])] = []
            for (offset, entry) in entries.enumerated() {
                guard entry.index == local + UInt64(offset) else { throw Refusal.gap(expected: local + UInt64(offset), got: entry.index) }
                guard ConstantTime.equals(MerkleMath.leafHash(entry.bytes), entry.leafHash) else { throw Refusal.leafMismatch(index: entry.index) }
                range.append(leafHash: entry.leafHash) { level, index, hash in
                    if level >= LedgerLabels.firstStoredLevel { nodes.append((level, index, hash)) }  // as LedgerAppender stores them
                }
                if let announced = rotationRoots[range.size], !ConstantTime.equals(range.root, announced) {
                    throw Refusal.rootMismatch(size: range.size)
                }
            }
            guard ConstantTime.equals(range.root, checkpoint.root) else { throw Refusal.rootMismatch(size: checkpoint.treeSize) }
            for entry in entries {
                try db.execute(sql: "INSERT INTO ledger_entry (idx, leaf_hash, entry) VALUES (?, ?, ?)",
                               arguments: [Int64(entry.index), Data(entry.leafHash), Data(entry.bytes)])
            }
            for (level, index, hash) in nodes {
                try db.execute(sql: "INSERT INTO ledger_node (level, idx, hash) VALUES (?, ?, ?)", arguments: [level, Int64(index), Data(hash)])
            }
            try db.execute(
                sql: "INSERT INTO ledger_checkpoint (id, tree_size, note) VALUES (1, ?, ?) ON CONFLICT(id) DO UPDATE SET tree_size = excluded.tree_size, note = excluded.note",
                arguments: [Int64(checkpoint.treeSize), text])
        }
    }
}
