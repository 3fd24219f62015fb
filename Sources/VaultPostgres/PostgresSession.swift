import Logging
import NIOCore
import PostgresNIO
import VaultNode

/// One open connection, used synchronously: each statement blocks the calling thread until PostgreSQL answers.
/// The connection runs on its own event loop (never the caller's), so waiting cannot deadlock.
final class PostgresSession: @unchecked Sendable {
    let connection: PostgresConnection
    let logger: Logger

    init(connection: PostgresConnection, logger: Logger) {
        self.connection = connection
        self.logger = logger
    }

    /// Connects to `url` on `eventLoop` and sets the session's durability: every COMMIT waits for the WAL flush.
    static func connect(to url: PostgresURL, on eventLoop: any EventLoop, id: Int, logger: Logger) throws -> PostgresSession {
        let connection: PostgresConnection
        do {
            connection = try PostgresConnection.connect(on: eventLoop, configuration: url.configuration, id: id, logger: logger).wait()
        } catch {
            throw StorageFailure(operation: "connect to PostgreSQL at \(url.host):\(url.port)", reason: Self.reason(error))
        }
        let session = PostgresSession(connection: connection, logger: logger)
        try session.execute("SET synchronous_commit TO on")
        return session
    }

    /// Runs `sql` and returns its rows.
    func rows(_ sql: String, _ values: [PostgresValue] = []) throws -> [PostgresRowReader] {
        try run(sql, values).rows.map(PostgresRowReader.init)
    }

    /// Runs `sql` and returns the number of rows it inserted, updated or deleted.
    @discardableResult
    func execute(_ sql: String, _ values: [PostgresValue] = []) throws -> Int {
        try run(sql, values).metadata.rows ?? 0
    }

    private func run(_ sql: String, _ values: [PostgresValue]) throws -> PostgresQueryResult {
        do {
            return try connection.query(PostgresQuery(unsafeSQL: sql, binds: PostgresValue.bindings(values)), logger: logger).wait()
        } catch {
            throw StorageFailure(operation: "run a PostgreSQL statement", reason: Self.reason(error))
        }
    }

    var isClosed: Bool { connection.isClosed }

    /// Closes the connection (waiting until it is closed); harmless when already closed.
    func close() {
        guard !connection.isClosed else { return }
        try? connection.close().wait()
    }

    deinit { close() }

    /// The driver's error code and the server's SQLSTATE and message: never the statement's bound values
    /// (the server's DETAIL field, which can quote them, is left out).
    static func reason(_ error: any Error) -> String {
        guard let e = error as? PSQLError else { return "\(type(of: error))" }
        var out = "\(e.code)"
        if let state = e.serverInfo?[.sqlState] { out += " SQLSTATE \(state)" }
        if let message = e.serverInfo?[.message] { out += ": \(message)" }
        return out
    }
}
