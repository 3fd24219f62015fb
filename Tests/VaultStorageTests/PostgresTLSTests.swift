import Foundation
import Testing
import VaultCore
import VaultCrypto
import VaultLedger
import VaultNode
import VaultPostgres
import VaultTestSupport

/// Connections to PostgreSQL over TLS, against the tests' server (its self-signed certificate for 127.0.0.1 is
/// `CIVICVAULT_TEST_POSTGRES_CA`): what each sslmode gives, and a whole node over verify-full.
@Suite(.enabled(if: StorageBackend.postgresURL != nil && StorageBackend.postgresCertificate != nil, "needs the tests' PostgreSQL and its certificate"))
struct PostgresTLSTests {
    static func url(_ query: String) throws -> PostgresURL {
        try PostgresURL(StorageBackend.postgresURL!.description + query)
    }

    /// Whether this pool's connection is encrypted, as the server sees it.
    static func encrypted(_ url: PostgresURL) throws -> Bool {
        let pool = PostgresPool(url: url, maxConnections: 1)
        defer { pool.close() }
        return try pool.maintain { try $0.integers("SELECT CASE WHEN ssl THEN 1 ELSE 0 END FROM pg_stat_ssl WHERE pid = pg_backend_pid()") } == [1]
    }

    @Test func eachModeGivesWhatItSays() async throws {
        let ca = StorageBackend.postgresCertificate!
        #expect(try Self.encrypted(Self.url("")) == false)
        #expect(try Self.encrypted(Self.url("?sslmode=disable")) == false)
        #expect(try Self.encrypted(Self.url("?sslmode=require")) == true)
        #expect(try Self.encrypted(Self.url("?sslmode=verify-full&sslrootcert=\(ca)")) == true)
        // verify-full refuses a certificate no trusted authority signed (the system's roots do not know this one).
        await #expect(throws: StorageFailure.self) { try await Self.encrypted(Self.url("?sslmode=verify-full")) }
        // ... and a root file that does not exist.
        await #expect(throws: StorageFailure.self) { try await Self.encrypted(Self.url("?sslmode=verify-full&sslrootcert=/nonexistent/ca.pem")) }
    }

    @Test func aNodeRunsOverVerifiedTLS() async throws {
        let name = try PostgresTestDatabase.create()
        defer { PostgresTestDatabase.drop(name) }
        let url = try Self.url("?sslmode=verify-full&sslrootcert=\(StorageBackend.postgresCertificate!)").with(database: name)
        let (store, pool) = try PostgresNode.open(url: url, keys: .generate(name: "tls.test/node"))
        defer { pool.close() }
        let officer = Caller.operatorCLI()
        try await store.vault.createStandardTiersIfNeeded(by: officer)
        #expect(try store.verifyLedger().treeSize == 4)
        #expect(url.description.hasSuffix("?sslmode=verify-full&sslrootcert=\(StorageBackend.postgresCertificate!)"))
    }
}
