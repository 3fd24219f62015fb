import Foundation
import Logging
import NIOCore
import NIOPosix
import PostgresNIO
import VaultNode

/// The connections of one process to the shared PostgreSQL database, used synchronously by the storage
/// protocols: `read` runs a REPEATABLE READ, READ ONLY transaction (one consistent snapshot); `write` runs a
/// transaction that first takes the cluster-wide writer lock, so writers of every node sharing the database
/// commit one after another (the ledger's tip is read and extended atomically), while readers never wait.
/// With `synchronous_commit = on` a write is on disk when `write` returns.
public final class PostgresPool: @unchecked Sendable {
    /// The event loops of every pool of this process: not the caller's (HTTP handlers may run on the server's
    /// event loops), so blocking a caller on a query's future is safe.
    static let eventLoops = MultiThreadedEventLoopGroup(numberOfThreads: 2)

    /// The threads that run transactions (each blocks on its queries' futures): never the caller's cooperative
    /// thread nor an event loop. One per connection of a pool of the default size, and a few more for the pools of
    /// tools that open two.
    static let blockingThreads: NIOThreadPool = {
        let pool = NIOThreadPool(numberOfThreads: 12)
        pool.start()
        return pool
    }()

    /// Runs `body`, which blocks on the database, on one of `blockingThreads`, suspending the caller meanwhile.
    public func blocking<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await Self.blockingThreads.runIfActive(body)
    }

    /// The advisory lock key every CivicVault writer holds for the length of its transaction ("CVLT").
    static let writerLockKey: Int64 = 0x4356_4C54

    /// Where the database is.
    public let url: PostgresURL
    /// The most connections this process opens.
    public let maxConnections: Int
    let logger: Logger
    private let condition = NSCondition()
    private var idle: [PostgresSession] = []
    private var opened = 0
    private var nextID = 0
    private var closed = false

    /// A pool for `url`; connects lazily, at most `maxConnections` at a time.
    public init(url: PostgresURL, maxConnections: Int = 8, logger: Logger = Logger(label: "civicvault.postgres")) {
        self.url = url
        self.maxConnections = max(1, maxConnections)
        self.logger = logger
    }

    /// Runs `body` in a read-only transaction over one snapshot.
    func read<T>(_ body: (PostgresSession) throws -> T) throws -> T {
        try transaction(begin: ["BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"], body)
    }

    /// Runs `body` in a write transaction holding the writer lock; commits (durably) when it returns.
    @discardableResult
    func write<T>(_ body: (PostgresSession) throws -> T) throws -> T {
        try transaction(begin: ["BEGIN ISOLATION LEVEL READ COMMITTED", "SELECT pg_advisory_xact_lock(\(Self.writerLockKey))"], body)
    }

    private func transaction<T>(begin: [String], _ body: (PostgresSession) throws -> T) throws -> T {
        try withSession { session in
            for statement in begin { try session.execute(statement) }
            let result: T
            do {
                result = try body(session)
            } catch {
                do { try session.execute("ROLLBACK") } catch { session.close() }
                throw error
            }
            try session.execute("COMMIT")
            return result
        }
    }

    private func withSession<T>(_ body: (PostgresSession) throws -> T) throws -> T {
        let session = try checkOut()
        defer { checkIn(session) }
        return try body(session)
    }

    private func checkOut() throws -> PostgresSession {
        condition.lock()
        while idle.isEmpty && opened >= maxConnections { condition.wait() }
        if let session = idle.popLast() {
            condition.unlock()
            return session
        }
        opened += 1
        nextID += 1
        let id = nextID
        condition.unlock()
        do {
            return try PostgresSession.connect(to: url, on: Self.eventLoops.next(), id: id, logger: logger)
        } catch {
            condition.lock()
            opened -= 1
            condition.signal()
            condition.unlock()
            throw error
        }
    }

    private func checkIn(_ session: PostgresSession) {
        condition.lock()
        let discard = session.isClosed || closed
        if discard { opened -= 1 } else { idle.append(session) }
        condition.signal()
        condition.unlock()
        if discard { session.close() }
    }

    deinit { close() }

    /// Closes the idle connections (those in use close when returned after this).
    public func close() {
        condition.lock()
        closed = true
        let sessions = idle
        idle.removeAll()
        opened -= sessions.count
        condition.unlock()
        for session in sessions { session.close() }
    }
}

extension PostgresPool {
    /// Runs `sql` (CREATE DATABASE, DROP DATABASE, ...) outside any transaction, on a connection of its own.
    public func administer(sql: String) throws {
        let session = try PostgresSession.connect(to: url, on: Self.eventLoops.next(), id: -1, logger: logger)
        defer { session.close() }
        try session.execute(sql)
    }
}

extension PostgresPool {
    /// Runs `body` in one write transaction holding the writer lock, with statements that take bound parameters
    /// (`$1`, `$2`, ...; values are bound, never spliced into the SQL): for operators' maintenance and for tests
    /// that tamper with rows on purpose. Commits when `body` returns; rolls back when it throws.
    public func maintain<T>(_ body: (PostgresMaintenance) throws -> T) throws -> T {
        try write { try body(PostgresMaintenance(session: $0)) }
    }
}

/// The statements of one `PostgresPool.maintain` transaction (valid only inside it).
public struct PostgresMaintenance {
    let session: PostgresSession

    /// Runs one statement with `values` bound to `$1`, `$2`, ...; returns the rows it inserted, updated or deleted.
    @discardableResult
    public func execute(_ sql: String, _ values: [PostgresValue] = []) throws -> Int {
        try session.execute(sql, values)
    }

    /// The first column of every row, as bytes (for BYTEA: another type comes back in its binary wire form; a NULL
    /// is an error).
    public func bytes(_ sql: String, _ values: [PostgresValue] = []) throws -> [[UInt8]] {
        try session.rows(sql, values).map { try $0.bytes(at: 0) }
    }

    /// The first column of every row, as integers (SMALLINT, INTEGER, BIGINT; COUNT(*) included).
    public func integers(_ sql: String, _ values: [PostgresValue] = []) throws -> [Int64] {
        try session.rows(sql, values).map { try $0.int(at: 0) }
    }

    /// The first column of every row, as text (TEXT, VARCHAR or NAME; a NULL or another type is an error).
    public func texts(_ sql: String, _ values: [PostgresValue] = []) throws -> [String] {
        try session.rows(sql, values).map { try $0.text(at: 0) }
    }

    /// Every column of every row, as the values they would be bound as (integer, text, BYTEA and BOOLEAN columns;
    /// another type is an error): to find a row and write it back by its key.
    public func rows(_ sql: String, _ values: [PostgresValue] = []) throws -> [[PostgresValue]] {
        try session.rows(sql, values).map { row in try (0..<row.row.count).map { try row.value(at: $0) } }
    }
}
