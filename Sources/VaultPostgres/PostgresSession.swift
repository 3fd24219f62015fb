import Logging
import NIOCore
import PostgresNIO
import VaultCore
import VaultNode

/// One open connection, used synchronously: each statement blocks the calling thread until PostgreSQL answers.
/// The connection runs on its own event loop (never the caller's), so waiting cannot deadlock.
final class PostgresSession: @unchecked Sendable {
    let connection: PostgresConnection
    let logger: Logger
    /// The longest a statement may take, waiting for the writer lock included, before the connection is dropped.
    static let statementTimeout = TimeAmount.seconds(60)

    init(connection: PostgresConnection, logger: Logger) {
        self.connection = connection
        self.logger = logger
    }

    /// Connects to `url` on `eventLoop` and sets the session's durability: every COMMIT waits for the WAL flush.
    static func connect(to url: PostgresURL, on eventLoop: any EventLoop, id: Int, logger: Logger) throws -> PostgresSession {
        let connection: PostgresConnection
        do {
            connection = try PostgresConnection.connect(on: eventLoop, configuration: try url.configuration(), id: id, logger: logger).wait()
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

    /// Inserts `rows` into `table` with multi-row INSERTs of up to 1,000 rows (one round trip each, not one per
    /// row); `suffix` follows the VALUES list (e.g. an ON CONFLICT clause).
    func insert(into table: String, columns: [String], rows: [[PostgresValue]], suffix: String = "") throws {
        for start in stride(from: 0, to: rows.count, by: 1000) {
            let chunk = rows[start..<min(start + 1000, rows.count)]
            let tuples = (0..<chunk.count).map { r in "(" + (1...columns.count).map { "$\(r * columns.count + $0)" }.joined(separator: ", ") + ")" }
            let sql = "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES " + tuples.joined(separator: ", ") + (suffix.isEmpty ? "" : " " + suffix)
            try execute(sql, chunk.flatMap { $0 })
        }
    }

    private func run(_ sql: String, _ values: [PostgresValue]) throws -> PostgresQueryResult {
        // A statement written to a connection the server already closed is never answered (postgres-nio drops it
        // with the channel write), so check first, and bound every wait in case it closes in between.
        guard !connection.isClosed else { throw StorageFailure(operation: "run a PostgreSQL statement", reason: "the connection was closed") }
        BlockingCallCheck.check("PostgreSQL statement")
        let answer = connection.query(PostgresQuery(unsafeSQL: sql, binds: PostgresValue.bindings(values)), logger: logger)
        do {
            return try Self.wait(for: answer, atMost: Self.statementTimeout)
        } catch is StatementTimeout {
            close()
            throw StorageFailure(operation: "run a PostgreSQL statement", reason: "no answer within \(Self.statementTimeout.nanoseconds / 1_000_000_000) s")
        } catch {
            throw StorageFailure(operation: "run a PostgreSQL statement", reason: Self.reason(error))
        }
    }

    /// No answer came in time.
    struct StatementTimeout: Error {}

    /// Blocks until `future` completes, or throws `StatementTimeout` after `limit`. Both outcomes are settled on
    /// the future's event loop, so exactly one of them completes the promise.
    static func wait<T: Sendable>(for future: EventLoopFuture<T>, atMost limit: TimeAmount) throws -> T {
        let loop = future.eventLoop
        let promise = loop.makePromise(of: T.self)
        let settled = NIOLoopBoundBox.makeBoxSendingValue(false, as: Bool.self, eventLoop: loop)
        let timer = loop.scheduleTask(in: limit) {
            guard !settled.value else { return }
            settled.value = true
            promise.fail(StatementTimeout())
        }
        future.whenComplete { result in
            timer.cancel()
            guard !settled.value else { return }
            settled.value = true
            promise.completeWith(result)
        }
        return try promise.futureResult.wait()
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
