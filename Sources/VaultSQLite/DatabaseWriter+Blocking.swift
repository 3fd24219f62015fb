import GRDB
import VaultCore

extension DatabaseWriter {
    /// GRDB's synchronous `read`, for callers off the request path (tools, the follower's loop, offloaded reads):
    /// checked by `BlockingCallCheck`, so a debug build traps when a request's task calls it on a cooperative thread.
    func blockingRead<T>(_ body: (Database) throws -> T) throws -> T {
        BlockingCallCheck.check("a synchronous SQLite read")
        return try read(body)
    }

    /// GRDB's synchronous `write`, checked like `blockingRead`.
    func blockingWrite<T>(_ body: (Database) throws -> T) throws -> T {
        BlockingCallCheck.check("a synchronous SQLite write")
        return try write(body)
    }
}
