import Foundation
import VaultNode
import VaultPostgres
import VaultSQLite
import VaultTestSupport

extension VaultTamperTests {
    /// Copies the pristine database (SQLite: the file; PostgreSQL: `CREATE DATABASE ... TEMPLATE`), applies
    /// `change` to the copy through a `TamperConnection`, reopens the node on it and observes it; removes the copy.
    static func evaluate(_ p: Pristine, _ change: (TamperConnection) throws -> Void) async throws -> Observation {
        switch p.backend {
        case .sqlite:
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cv-tamper-\(UUID().uuidString)").path
            defer { try? FileManager.default.removeItem(atPath: dir) }
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            let file = NodeDatabase.path(inDataDirectory: dir)
            try FileManager.default.copyItem(atPath: p.file, toPath: file)
            try TamperConnection.sqlite(path: file, change)
            return await observe(p) { try NodeStorage.open(dataDirectory: dir, keys: p.keys).store }
        case .postgres:
            let name = try PostgresTestDatabase.create(template: p.location)
            defer { PostgresTestDatabase.drop(name) }
            let url = try PostgresTestDatabase.url(name)
            try TamperConnection.postgres(url: url, change)
            var pool: PostgresPool?
            defer { pool?.close() }
            return await observe(p) {
                let opened = try PostgresNode.open(url: url, keys: p.keys)
                pool = opened.pool
                return opened.store
            }
        }
    }
}
