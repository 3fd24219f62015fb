/// The database could not be used (down, unreachable, connection lost, or a statement failed): the
/// operation did not happen. Says what failed without any value that was being written.
public struct StorageFailure: Error, Equatable, Sendable, CustomStringConvertible {
    /// What was being done, e.g. "connect to PostgreSQL at 127.0.0.1:5432".
    public let operation: String
    /// Why, from the database driver (never includes bound values).
    public let reason: String

    public init(operation: String, reason: String) {
        self.operation = operation
        self.reason = reason
    }

    public var description: String { "storage unavailable: cannot \(operation): \(reason)" }
}
