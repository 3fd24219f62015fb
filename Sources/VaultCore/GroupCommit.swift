import Foundation

/// Gathers the writers that arrive while a write transaction is running into the next one: one transaction, one
/// commit (one fsync) for the whole batch, each writer in a savepoint of its own, so one writer's error undoes only
/// its own work. Every writer is answered only once its batch is durable.
///
/// There is no timer: a batch is whatever queued up during the previous commit (at most `maxBatch`), so a lone
/// writer is never delayed, and under load the batch grows with the disk's latency.
final class GroupCommit: @unchecked Sendable {
    /// One queued writer: its body (which keeps its own result) and the continuation to answer.
    final class Writer {
        let body: (any VaultWriting) throws -> Void
        let continuation: CheckedContinuation<Void, any Error>
        /// Set when the body threw (its savepoint was rolled back).
        var failure: (any Error)?

        init(body: @escaping (any VaultWriting) throws -> Void, continuation: CheckedContinuation<Void, any Error>) {
            self.body = body
            self.continuation = continuation
        }
    }

    /// Most writers in one transaction.
    static let maxBatch = 256

    private let lock = NSLock()
    private var queue: [Writer] = []
    private var draining = false
    private var counts = GroupCommitCounts(transactions: 0, writers: 0)

    /// Batches committed so far and the writers they carried.
    var committed: GroupCommitCounts { lock.withLock { counts } }

    /// Counts a committed batch of `writers`.
    func countCommit(writers: Int) {
        lock.withLock {
            counts.transactions += 1
            counts.writers += UInt64(writers)
        }
    }

    /// Queues `writer`; starts a drain (in a task of its own) when none is running. `commit` runs one batch.
    func enqueue(_ writer: Writer, commit: @escaping @Sendable ([Writer]) async -> Void) {
        let start: Bool = lock.withLock {
            queue.append(writer)
            if draining { return false }
            draining = true
            return true
        }
        guard start else { return }
        Task { [self] in
            while let batch = next() { await commit(batch) }
        }
    }

    /// The next batch, or nil (and the drain ends) when the queue is empty.
    private func next() -> [Writer]? {
        lock.withLock {
            guard !queue.isEmpty else {
                draining = false
                return nil
            }
            let batch = Array(queue.prefix(Self.maxBatch))
            queue.removeFirst(batch.count)
            return batch
        }
    }
}

/// How well writers were grouped: committed write transactions and the writers they carried (their ratio is the
/// mean batch; every writer is counted, whether its own work stood or was undone).
public struct GroupCommitCounts: Sendable, Equatable {
    public var transactions: UInt64
    public var writers: UInt64
}
