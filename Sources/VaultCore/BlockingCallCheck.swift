import Dispatch
import Foundation

/// libdispatch's label of the current queue (`DISPATCH_CURRENT_QUEUE_LABEL` is a null queue).
@_silgen_name("dispatch_queue_get_label")
func dispatch_queue_get_label(_ queue: OpaquePointer?) -> UnsafePointer<CChar>

/// Catches a blocking database call on one of Swift concurrency's cooperative threads, where it would stall every
/// other request sharing the (two, here) threads: the service marks each request's task (`forbidden`), every SQLite
/// statement and PostgreSQL query calls `check`, and a debug build traps when a statement runs synchronously inside
/// such a task instead of on a store's own thread (a GRDB queue, the PostgreSQL blocking pool). Release builds do not
/// check.
public enum BlockingCallCheck {
    /// True inside the tasks of the service's requests.
    @TaskLocal public static var forbidden = false

    /// True when a blocking call here would stall a cooperative thread: inside a request's task, and not on a store's
    /// thread (GRDB runs an async door's body, and its own statements around it, in the caller's task but on its
    /// database queue) or the blocking pool's.
    public static var blockingIsForbiddenHere: Bool {
        forbidden && withUnsafeCurrentTask(body: { $0 != nil }) && !onStoreThread
    }

    /// Traps (debug builds) when called where `blockingIsForbiddenHere`.
    @inline(__always)
    public static func check(_ what: @autoclosure () -> String) {
        #if DEBUG
        if blockingIsForbiddenHere { preconditionFailure("blocking database call on a cooperative thread: \(what())") }
        #endif
    }

    /// True on a thread where waiting is expected: a GRDB database queue (whose executor runs the statements GRDB
    /// issues around a door's body) or a `BlockingPool` thread.
    static var onStoreThread: Bool {
        if let label = String(validatingCString: dispatch_queue_get_label(nil)), label.hasPrefix("GRDB") { return true }
        return Thread.current.name == BlockingPool.threadName
    }

    /// Runs `body`, which blocks (a database read outside the store doors, a file), on a `BlockingPool` thread rather
    /// than the caller's cooperative thread; the caller is suspended meanwhile.
    public static func offload<T>(_ body: @escaping () throws -> T) async throws -> T {
        let hop = TransactionHop(body)
        return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<TransactionHop<T>, any Error>) in
            BlockingPool.shared.submit {
                continuation.resume(with: Result { TransactionHop<T>(try hop.value!()) })
            }
        }.value!
    }
}
