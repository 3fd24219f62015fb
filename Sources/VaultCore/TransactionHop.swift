/// Carries a transaction body, and the value it returns, to the store's own thread and back.
///
/// The body is not `Sendable` (it captures the caller's state), but the caller stays suspended until the body has
/// run, exactly once, on the store's thread: nothing touches what it captured meanwhile, which is what makes the
/// unchecked conformance sound. Used only by `VaultStore` doors (`run(_:on:)`).
public struct TransactionHop<Value>: @unchecked Sendable {
    public let value: Value

    public init(_ value: Value) { self.value = value }

    /// Runs `body` through `door`, an async function that runs a `@Sendable` synchronous closure on the store's own
    /// thread (e.g. GRDB's `DatabasePool.write`), with `argument`'s transaction.
    public static func run<Transaction, T>(
        _ body: (Transaction) throws -> T,
        through door: (@escaping @Sendable (Transaction) throws -> TransactionHop<T>) async throws -> TransactionHop<T>
    ) async throws -> T where Value == (Transaction) throws -> T {
        try await withoutActuallyEscaping(body) { body in
            let hop = TransactionHop(body)
            return try await door { transaction in TransactionHop<T>(try hop.value(transaction)) }.value
        }
    }
}
