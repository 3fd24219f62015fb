import Foundation
import GRDB

/// Online, consistent copies of a node's SQLite database with SQLite's backup API (through GRDB `backup(to:)`):
/// the copy is one snapshot taken under a read transaction, while the node keeps serving and writing.
public enum SQLiteBackup {
    /// Copies the database at `databasePath` into a new file at `destination` (mode 0600, rollback journal, no
    /// WAL left beside it) and returns the copy's bytes.
    public static func snapshot(databasePath: String, to destination: String) throws -> [UInt8] {
        var config = Configuration()
        config.busyMode = .timeout(10)
        let source = try DatabaseQueue(path: databasePath, configuration: config)
        FileManager.default.createFile(atPath: destination, contents: nil, attributes: [.posixPermissions: 0o600])
        do {
            let copy = try DatabaseQueue(path: destination)
            try source.backup(to: copy)
            try copy.writeWithoutTransaction { db in _ = try String.fetchOne(db, sql: "PRAGMA journal_mode = DELETE") }
            try copy.close()
        }
        try source.close()
        guard let data = FileManager.default.contents(atPath: destination) else {
            throw CocoaError(.fileReadUnknown, userInfo: [NSFilePathErrorKey: destination])
        }
        return [UInt8](data)
    }

    /// Leaves the database at `path` in rollback-journal mode with its WAL folded in, so the single file is the
    /// whole database (before it is renamed into place).
    public static func settle(path: String) throws {
        let queue = try DatabaseQueue(path: path)
        try queue.writeWithoutTransaction { db in _ = try String.fetchOne(db, sql: "PRAGMA journal_mode = DELETE") }
        try queue.close()
    }
}
