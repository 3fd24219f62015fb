import Foundation

/// Threads of the node's own for work that blocks (a synchronous database read off the store doors, a file): on
/// Linux Swift concurrency's executor runs on Dispatch's global root queue, so neither it nor `DispatchQueue.global()`
/// is a place to wait. Jobs run first come, first served.
public final class BlockingPool: @unchecked Sendable {
    /// The pool every `BlockingCallCheck.offload` uses.
    public static let shared = BlockingPool(threads: 8)

    /// The name of every thread of a pool (what `BlockingCallCheck` recognises).
    public static let threadName = "civicvault-blocking"

    private let condition = NSCondition()
    private var jobs: [() -> Void] = []

    /// Starts `threads` threads that wait for jobs for the life of the process.
    public init(threads: Int) {
        for _ in 0..<max(1, threads) {
            let thread = Thread { [self] in run() }
            thread.name = Self.threadName
            thread.start()
        }
    }

    /// Queues `job`.
    public func submit(_ job: @escaping () -> Void) {
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    private func run() {
        while true {
            condition.lock()
            while jobs.isEmpty { condition.wait() }
            let job = jobs.removeFirst()
            condition.unlock()
            job()
        }
    }
}
