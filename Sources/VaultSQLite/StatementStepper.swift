import GRDB
import GRDBSQLite
import VaultLedger

/// Steps a GRDB cached statement through the SQLite C API with integer arguments bound directly: for the
/// few hot queries of proofs (stored subtrees, leaf tiles), where building `StatementArguments` costs as
/// much as the query. Errors become `LedgerError.storeFailure`; the statement is reset after use.
struct StatementStepper {
    let statement: Statement

    /// Binds `arguments` (1-based, in order), runs the statement and calls `row` for each result row.
    func run(_ arguments: [Int64], row: (OpaquePointer) throws -> Void) throws {
        let raw = statement.sqliteStatement
        sqlite3_reset(raw)
        for (i, value) in arguments.enumerated() { sqlite3_bind_int64(raw, Int32(i + 1), value) }
        defer { sqlite3_reset(raw) }
        while true {
            let rc = sqlite3_step(raw)
            if rc == SQLITE_DONE { return }
            guard rc == SQLITE_ROW else { throw LedgerError.storeFailure("SQLite error \(rc) while reading hashes") }
            try row(raw)
        }
    }

    /// Column `index` of the current row as an integer.
    static func int(_ raw: OpaquePointer, _ index: Int32) -> Int64 { sqlite3_column_int64(raw, index) }

    /// Column `index` of the current row as bytes (a NULL reads as no bytes).
    static func bytes(_ raw: OpaquePointer, _ index: Int32) -> [UInt8] {
        let count = Int(sqlite3_column_bytes(raw, index))
        guard count > 0, let base = sqlite3_column_blob(raw, index) else { return [] }
        return [UInt8](UnsafeRawBufferPointer(start: base, count: count))
    }
}
