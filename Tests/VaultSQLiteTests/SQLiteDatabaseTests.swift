import Foundation
import GRDB
import Testing
@testable import VaultSQLite

@Suite struct SQLiteDatabaseTests {
    @Test func opensInWALModeWithFullSync() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cv-sqlite-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = try SQLiteDatabase.open(path: dir.appendingPathComponent("t.sqlite").path)
        let (journal, synchronous, foreignKeys) = try db.read { db in
            (
                try String.fetchOne(db, sql: "PRAGMA journal_mode"), try Int.fetchOne(db, sql: "PRAGMA synchronous"),
                try Int.fetchOne(db, sql: "PRAGMA foreign_keys")
            )
        }
        #expect(journal == "wal")
        #expect(synchronous == 2)  // FULL
        #expect(foreignKeys == 1)
    }
}
