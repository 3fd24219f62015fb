import Foundation
import VaultCrypto
import VaultLedger

/// The node's in-memory view of its verified ledger: the `AnchoredState` replayed from every entry up to the
/// newest signed checkpoint, each entry's leaf hash, and the right edge of the tree. `refresh` brings it up to
/// the checkpoint a transaction sees (entries appended by this node or by another node over the same database),
/// after checking the checkpoint's signature and that the entries rebuild its root; anything else is
/// `stateTampered`. Thread-safe: one lock around the state.
public final class LedgerAnchor: @unchecked Sendable {
    /// The log's key chain: each checkpoint must be signed by the key in force at its tree size.
    let keyChain: LedgerKeyChain
    let origin: String
    /// Checks the approvals' request MACs recorded in `request.filed` entries.
    let authenticator: StateAuthenticator
    private let lock = NSLock()
    private var state: AnchoredState
    private var range = CompactRange()
    /// Leaf hashes of every applied entry, 32 bytes each, back to back.
    private var leaves: [UInt8] = []
    private var lastNote: String?
    /// Schemas and policy rows already found to hash to what the ledger records (hashing JSON per read is costly).
    private var checkedSchemas: [String: (schema: RecordSchema, hash: [UInt8])] = [:]
    private var checkedPolicy: (policy: Policy, hash: [UInt8])?

    /// Entries read per query while catching up.
    static let chunk = 4096

    /// The anchor of the log named `origin` whose checkpoints `keyChain` verifies, on the node of `authenticator`.
    /// The node's citizen trail keys (tags of new entries, and resolving tags while replaying).
    let trail: CitizenTrail

    public init(origin: String, keyChain: LedgerKeyChain, authenticator: StateAuthenticator, trail: CitizenTrail) {
        self.origin = origin
        self.keyChain = keyChain
        self.authenticator = authenticator
        self.trail = trail
        state = AnchoredState(trail: trail)
    }

    /// Number of entries applied so far, including those of a write batch not yet committed.
    public var size: UInt64 { lock.withLock { state.size } }

    /// Entries applied that are durable: read from a signed checkpoint, or appended by a batch that committed.
    private var committed: UInt64 = 0

    /// Number of applied entries known to be committed (`size` minus a batch in flight).
    public var committedSize: UInt64 { lock.withLock { committed } }

    /// The right edge of the verified tree (what the next append must extend).
    var edge: CompactRange { lock.withLock { range } }

    /// Reads the anchored state under the lock.
    public func withState<T>(_ body: (AnchoredState) throws -> T) rethrows -> T {
        try lock.withLock { try body(state) }
    }

    /// Catches up with the checkpoint `tx` sees; returns that checkpoint's tree size (smaller than `size` when the
    /// transaction's snapshot is older than what this node already applied).
    @discardableResult
    public func refresh(_ tx: any VaultReading) throws -> UInt64 {
        let stored = try tx.ledgerCheckpoint()
        return try lock.withLock {
            guard let note = stored else {
                guard state.size == 0 else { throw VaultError.stateTampered(table: "ledger_checkpoint", key: "1") }
                return 0
            }
            if note == lastNote { return state.size }
            let checkpoint: Checkpoint
            do { checkpoint = try keyChain.openCheckpoint(note).0 } catch {
                throw VaultError.stateTampered(table: "ledger_checkpoint", key: "1")
            }
            if checkpoint.treeSize < state.size { return checkpoint.treeSize }
            if checkpoint.treeSize == state.size {
                guard ConstantTime.equals(range.root, checkpoint.root) else { throw VaultError.stateTampered(table: "ledger_checkpoint", key: "1") }
                lastNote = note
                return state.size
            }
            try catchUp(tx, to: checkpoint)
            lastNote = note
            return state.size
        }
    }

    /// Reads entries [size, checkpoint.treeSize), checks they rebuild the signed root, then applies them. Small gaps
    /// are read once; a long replay (start-up) hashes everything first and reads again to apply, so memory stays
    /// bounded by one chunk.
    private func catchUp(_ tx: any VaultReading, to checkpoint: Checkpoint) throws {
        let start = state.size
        let end = checkpoint.treeSize
        var edge = range
        var newLeaves: [UInt8] = []
        newLeaves.reserveCapacity(Int(min(end - start, 1 << 20)) * 32)
        var kept: [[UInt8]] = []
        let keep = end - start <= UInt64(Self.chunk)
        var next = start
        while next < end {
            let batch = try tx.ledgerEntries(from: next, limit: Int(min(UInt64(Self.chunk), end - next)))
            guard !batch.isEmpty else { throw VaultError.stateTampered(table: "ledger_entry", key: String(next)) }
            for bytes in batch {
                let leaf = MerkleMath.leafHash(bytes)
                try edge.append(leafHash: leaf)
                newLeaves += leaf
                if keep { kept.append(bytes) }
            }
            next += UInt64(batch.count)
        }
        guard edge.size == end, ConstantTime.equals(edge.root, checkpoint.root) else {
            throw VaultError.stateTampered(table: "ledger_entry", key: "\(start)..<\(end)")
        }
        func apply(_ bytes: [UInt8], _ index: UInt64) throws {
            guard let entry = try? EntryCodec.decode(bytes) else { throw VaultError.stateTampered(table: "ledger_entry", key: String(index)) }
            state.apply(entry, index: index)
        }
        if keep {
            for (offset, bytes) in kept.enumerated() { try apply(bytes, start + UInt64(offset)) }
        } else {
            var index = start
            while index < end {
                let batch = try tx.ledgerEntries(from: index, limit: Int(min(UInt64(Self.chunk), end - index)))
                for bytes in batch {
                    guard ConstantTime.equals(MerkleMath.leafHash(bytes), Array(newLeaves[Int(index - start) * 32..<Int(index - start + 1) * 32])) else {
                        throw VaultError.stateTampered(table: "ledger_entry", key: String(index))
                    }
                    try apply(bytes, index)
                    index += 1
                }
            }
        }
        range = edge
        leaves += newLeaves
        committed = state.size
    }

    /// One append of this node's, checked by its writer before commit: the entries, where they start, the verified
    /// right edge extended by them, their leaf hashes and the signed checkpoint note of the new size.
    struct Append {
        let entries: [LedgerEntry]
        let firstIndex: UInt64
        let edge: CompactRange
        let leaves: [UInt8]
        let note: String
    }

    /// Applies what one writer of a batch appended, checked by its writer, while the batch's transaction is still
    /// open: the next writer of the batch decides on the state it left (budgets, revocations, parcels), and so does
    /// everything this node reads meanwhile. Until `commitApplied`, `committedSize` stays where it was, so a read
    /// whose snapshot predates the batch is a lag, not a rollback; if the transaction fails, `discardApplied`.
    func apply(_ appends: [Append]) {
        lock.withLock {
            for append in appends {
                guard append.firstIndex == state.size else { return }
                for (offset, entry) in append.entries.enumerated() { state.apply(entry, index: append.firstIndex + UInt64(offset)) }
                range = append.edge
                leaves += append.leaves
                lastNote = append.note
            }
        }
    }

    /// The batch whose entries were applied committed: they are durable.
    func commitApplied() { lock.withLock { committed = state.size } }

    /// The batch's transaction failed after some of its entries were applied: forget everything, so the next
    /// transaction replays the ledger from the database's signed checkpoint (rare: a full disk, a lost connection).
    func discardApplied() {
        lock.withLock {
            guard state.size != committed else { return }
            state = AnchoredState(trail: trail)
            range = CompactRange()
            leaves = []
            lastNote = nil
            committed = 0
            checkedSchemas = [:]
            checkedPolicy = nil
        }
    }

    /// Refuses stored entry bytes at `index` that are not the verified leaf (an entry edited after it was applied).
    public func checkEntry(_ bytes: [UInt8], at index: UInt64) throws {
        let expected: [UInt8]? = lock.withLock {
            index < state.size ? Array(leaves[Int(index) * 32..<Int(index + 1) * 32]) : nil
        }
        guard let expected else { return }  // this transaction's own entry (AnchoredReader admits no other)
        guard ConstantTime.equals(MerkleMath.leafHash(bytes), expected) else {
            throw VaultError.stateTampered(table: "ledger_entry", key: String(index))
        }
    }

    /// True when `schema` was already found to hash to what the ledger now records for its type.
    func schemaChecked(_ schema: RecordSchema) -> Bool {
        lock.withLock {
            guard let checked = checkedSchemas[schema.type], let anchored = state.schemas[schema.type] else { return false }
            return checked.schema == schema && ConstantTime.equals(checked.hash, anchored.hash) && anchored.version == schema.version
        }
    }
    func markSchemaChecked(_ schema: RecordSchema, hash: [UInt8]) { lock.withLock { checkedSchemas[schema.type] = (schema, hash) } }
    /// True when `policy` was already found to hash to the policy the ledger now records.
    func policyChecked(_ policy: Policy) -> Bool {
        lock.withLock {
            guard let checked = checkedPolicy, let anchored = state.policy else { return false }
            return checked.policy == policy && ConstantTime.equals(checked.hash, anchored.hash) && anchored.version == policy.version
        }
    }
    func markPolicyChecked(_ policy: Policy, hash: [UInt8]) { lock.withLock { checkedPolicy = (policy, hash) } }
}
