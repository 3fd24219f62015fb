/// Carries a transaction body to the store's own thread and its value back.
///
/// The body is not `Sendable` (it captures the caller's state), but the caller stays suspended until the body has
/// run, exactly once, on the store's thread: nothing touches what it captured meanwhile, which is what makes the
/// unchecked conformance sound. The body is dropped as soon as the door returns, so a thread pool that keeps its
/// work item a little longer never keeps the caller's closure alive.
public final class TransactionHop<Value>: @unchecked Sendable {
    public private(set) var value: Value?

    public init(_ value: Value) { self.value = value }

    /// Replaces the value (the store's thread, while the caller waits).
    public func set(_ value: Value) { self.value = value }

    /// Drops the value.
    public func clear() { value = nil }

    /// Runs `body` through `door`, an async function that runs a `@Sendable` synchronous closure on the store's own
    /// thread (e.g. GRDB's `DatabasePool.write`, or a blocking pool), with that thread's transaction.
    public static func run<Transaction, T>(
        _ body: (Transaction) throws -> T,
        through door: (@escaping @Sendable (Transaction) throws -> TransactionHop<T>) async throws -> TransactionHop<T>
    ) async throws -> T where Value == (Transaction) throws -> T {
        try await withoutActuallyEscaping(body) { body in
            let hop = TransactionHop(body)
            defer { hop.value = nil }
            let result = try await door { transaction in TransactionHop<T>(try hop.value!(transaction)) }
            return result.value!
        }
    }
}
