import Foundation
import VaultLedger

/// The vault's storage with every trusted row checked: a decorator over the backend's `VaultStore` that first
/// brings the `LedgerAnchor` up to the transaction's signed checkpoint, then hands the vault an `AnchoredReader`
/// or `AnchoredWriter`, whose reads of tiers, members, schemas, the policy, records and citizen events refuse
/// (`stateTampered`) any row that disagrees with the verified ledger.
///
/// A read transaction of a shared database may see an older snapshot than this node already applied; a row that
/// then disagrees may be older, not forged, so the read is retried on a newer snapshot, and only a disagreement
/// that persists is reported.
public struct AnchoredStore: VaultStore {
    /// The backend's store.
    public let base: any VaultStore
    /// The node's view of its verified ledger.
    public let anchor: LedgerAnchor
    /// The writers waiting for the next transaction.
    let group = GroupCommit()

    /// Attempts of a read whose snapshot lags the anchor before the disagreement counts as tampering.
    static let readAttempts = 8

    /// Write transactions committed by this store and the writers they carried.
    public var commitCounts: GroupCommitCounts { group.committed }

    public init(base: any VaultStore, anchor: LedgerAnchor) {
        self.base = base
        self.anchor = anchor
    }

    public func read<T>(_ body: (any VaultReading) throws -> T) async throws -> T {
        for attempt in 1..<Self.readAttempts {
            do {
                return try await base.read { tx in
                    let snapshot = try anchor.refresh(tx)
                    // A snapshot older than what this node committed: another node's snapshot lagging, or an older
                    // signed checkpoint put back under the node; retried, and judged at last by the write path.
                    if snapshot < anchor.committedSize { throw AnchorLag() }
                    return try body(AnchoredReader(tx, anchor: anchor, snapshotSize: snapshot, mayLag: true))
                }
            } catch is AnchorLag {
                try await Task.sleep(nanoseconds: UInt64(1_000_000 * attempt))
            }
        }
        // Rows still disagree with the anchor after every retry (or a write batch kept overtaking the snapshot): read
        // where nothing can be in flight and the snapshot is the newest, in the write path, where a disagreement is
        // tampering and named.
        return try await write { tx in try body(tx) }
    }

    /// Runs `body` as one writer of the next group commit (see `GroupCommit`): in a savepoint of a transaction shared
    /// with the writers that arrived meanwhile, against the anchor as the writers before it in the batch left it.
    /// Returns (or throws) once the batch's transaction committed: durable.
    public func write<T>(_ body: (any VaultWriting) throws -> T) async throws -> T {
        try await withoutActuallyEscaping(body) { body in
            let hop = TransactionHop(body)
            let result = TransactionHop<T?>(nil)
            defer { hop.clear() }
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let writer = GroupCommit.Writer(body: { tx in result.set(try hop.value!(tx)) }, continuation: continuation)
                group.enqueue(writer) { [self] batch in await commit(batch) }
            }
            return result.value!!
        }
    }

    /// Runs one batch in one transaction and answers its writers once it committed (or failed).
    func commit(_ batch: [GroupCommit.Writer]) async {
        do {
            try await base.write { tx in
                for writer in batch {
                    do {
                        let appended = try tx.savepoint { () throws -> [LedgerAnchor.Append] in
                            let snapshot = try anchor.refresh(tx)
                            // A write transaction sees the newest committed state: a checkpoint older than the anchor is
                            // a rollback.
                            guard snapshot == anchor.size else { throw VaultError.stateTampered(table: "ledger_checkpoint", key: "1") }
                            let anchored = AnchoredWriter(tx, anchor: anchor, snapshotSize: snapshot, mayLag: false)
                            try writer.body(anchored)
                            return anchored.appended
                        }
                        anchor.apply(appended)
                    } catch {
                        writer.failure = error
                    }
                }
            }
            anchor.commitApplied()
            group.countCommit(writers: batch.count)
            for writer in batch {
                if let failure = writer.failure { writer.continuation.resume(throwing: failure) } else { writer.continuation.resume() }
            }
        } catch {
            anchor.discardApplied()
            for writer in batch { writer.continuation.resume(throwing: writer.failure ?? error) }
        }
    }
}

/// Thrown inside a read whose snapshot is older than the anchor and whose rows disagree with it: retried.
struct AnchorLag: Error {}
