import NIOCore
import NIOPosix
import Testing
@testable import VaultPostgres

/// The bounded wait every PostgreSQL statement goes through: an answer that never comes ends in a timeout
/// instead of a thread blocked forever (a statement sent on a connection the server closed is never answered).
@Suite struct PostgresSessionTests {
    @Test func anAnswerThatNeverComesTimesOut() async throws {
        let loop = PostgresPool.eventLoops.next()
        let never = loop.makePromise(of: Int.self)
        defer { never.succeed(0) }  // settle it afterwards: NIO refuses to drop an unfulfilled promise
        await #expect(throws: PostgresSession.StatementTimeout.self) { try await PostgresSession.wait(for: never.futureResult, atMost: .milliseconds(50)) }
    }

    @Test func anAnswerInTimeIsReturnedAndAFailureIsRethrown() async throws {
        let loop = PostgresPool.eventLoops.next()
        let late = loop.scheduleTask(in: .milliseconds(20)) { 42 }
        #expect(try PostgresSession.wait(for: late.futureResult, atMost: .seconds(5)) == 42)
        struct Boom: Error {}
        await #expect(throws: Boom.self) { try await PostgresSession.wait(for: loop.makeFailedFuture(Boom()) as EventLoopFuture<Int>, atMost: .seconds(5)) }
    }

    @Test func databaseURLsAreParsedStrictlyAndPrintedWithoutThePassword() async throws {
        let url = try PostgresURL("postgres://vault:s3cret@db.internal:6543/dept_a")
        #expect(url.host == "db.internal" && url.port == 6543 && url.user == "vault" && url.password == "s3cret" && url.database == "dept_a")
        #expect(url.description == "postgres://vault@db.internal:6543/dept_a")
        #expect(try PostgresURL("postgresql://vault@127.0.0.1/x?sslmode=disable").port == 5432)
        let verified = try PostgresURL("postgres://vault@db.internal/x?sslmode=verify-full&sslrootcert=/etc/civicvault/db-ca.pem")
        #expect(verified.tls == .verifyFull && verified.rootCertificate == "/etc/civicvault/db-ca.pem")
        #expect(try PostgresURL(verified.description) == verified)
        for bad in ["mysql://u@h/db", "postgres://h/db", "postgres://u@h", "postgres://u@h/", "postgres://u@h/a/b", "postgres://u@h/db?sslmode=prefer", "postgres://u@h/db?sslmode=require&sslrootcert=/ca.pem", "postgres://u@h/db?application_name=x", "postgres://u@:5/db"] {
            await #expect(throws: StorageURLError.self, "\(bad)") { try await PostgresURL(bad) }
        }
        do { _ = try PostgresURL("mysql://u:s3cret@h/db") } catch { #expect(!"\(error)".contains("s3cret")) }
    }
}
