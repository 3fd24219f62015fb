import Foundation
import GRDB
import Testing
import VaultCore
import VaultCrypto
import VaultNode
@testable import VaultPostgres
import VaultSQLite
import VaultTestSupport

/// Approvals stored before filers, approvers and k-of-n were recorded migrate on each backend: the filer reads as
/// the requester named in them, an approved one lists its decider as its one approver, and each needs one officer.
@Suite struct ApprovalMigrationTests {
    static let request = #"{"record":"r-1","predicates":[],"requester":"landlord-1","nonce":"AAAAAAAAAAAAAAAAAAAAAA==","expiry":1,"purpose":"tenancy"}"#

    static func rows(blob: (String) -> String) -> [String] {
        [
            "INSERT INTO vault_approval (id, request, rule, status, requester, decided_by, bundle, created_at_ms) VALUES ('a-old-pending', \(blob(request)), 'r', 'pending', 'landlord-1', NULL, NULL, 1)",
            "INSERT INTO vault_approval (id, request, rule, status, requester, decided_by, bundle, created_at_ms) VALUES ('a-old-approved', \(blob(request)), 'r', 'approved', 'landlord-1', 'officer-9', NULL, 2)",
        ]
    }

    @Test(arguments: StorageBackend.available) func oldApprovalsMigrate(backend: StorageBackend) async throws {
        let keys = NodeKeys.generate(name: "test.node/migration")
        let vault: Vault
        let raw: any VaultStore
        let cleanUp: () -> Void
        switch backend {
        case .sqlite:
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cv-migrate-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let queue = try SQLiteDatabase.open(path: NodeDatabase.path(inDataDirectory: directory))
            var migrator = DatabaseMigrator()
            LedgerSchema.register(in: &migrator)
            VaultSchema.register(in: &migrator)
            try migrator.migrate(queue, upTo: "vault-v4-witness-cosignatures")
            try await queue.write { db in for sql in Self.rows(blob: { "CAST('\($0)' AS BLOB)" }) { try db.execute(sql: sql) } }
            try queue.close()
            let storage = try NodeStorage.open(dataDirectory: directory, keys: keys)
            (vault, raw) = (storage.vault, SQLiteVaultStore(writer: storage.database, ledger: storage.ledger))
            cleanUp = { try? FileManager.default.removeItem(atPath: directory) }
        case .postgres:
            let name = try PostgresTestDatabase.create()
            let pool = PostgresPool(url: try PostgresTestDatabase.url(name), maxConnections: 2)
            try pool.write { session in
                try session.execute("CREATE TABLE civicvault_migration (name TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())")
                for statement in PostgresSchema.migrations[0].statements { try session.execute(statement) }
                try session.execute("INSERT INTO civicvault_migration (name) VALUES ('pg-v1')")
                for sql in Self.rows(blob: { "convert_to('\($0)', 'UTF8')" }) { try session.execute(sql) }
            }
            pool.close()
            let opened = try PostgresNode.open(url: try PostgresTestDatabase.url(name), keys: keys, maxConnections: 2)
            (vault, raw) = (opened.store.vault, PostgresVaultStore(pool: opened.pool, ledger: opened.store.ledger as! PostgresLedgerStore))
            cleanUp = { PostgresTestDatabase.drop(name) }
        }
        defer { cleanUp() }
        let pending = try await #require(try raw.read { try $0.approval(id: "a-old-pending") })
        #expect(pending.status == .pending && pending.filedBy == "landlord-1" && pending.approvers.isEmpty && pending.required == 1)
        let approved = try await #require(try raw.read { try $0.approval(id: "a-old-approved") })
        #expect(approved.status == .approved && approved.filedBy == "landlord-1" && approved.approvers == ["officer-9"] && approved.required == 1)
        await #expect(try raw.read { try $0.approvals(status: .pending) }.map(\.id) == ["a-old-pending"])
        // Rows filed before approvals were anchored in the ledger (no request.filed entry) cannot be told from forged
        // ones: the vault refuses them by name, and such requests are filed again.
        await #expect(throws: VaultError.stateTampered(table: "vault_approval", key: "a-old-pending")) { try await vault.approval(id: "a-old-pending") }
    }
}
