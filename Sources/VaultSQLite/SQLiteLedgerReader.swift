import Foundation
import GRDB
import VaultLedger

/// Reads the ledger tables through one open `Database` (inside a read or write transaction, so what it sees
/// is consistent). Used for proofs, roots, the right edge before an append, and by `LedgerVerifier`.
public struct SQLiteLedgerReader: TiledLedgerReader {
    let db: Database
    public let cache: SubtreeHashCache?

    /// A reader over `db`; proofs and roots use `cache` for complete subtrees when given (verification never does).
    public init(_ db: Database, cache: SubtreeHashCache? = nil) {
        self.db = db
        self.cache = cache
    }

    /// The tip: tree size, next height and last block hash (the empty tip before the first append).
    public func tip() throws -> LedgerTip {
        let statement = try db.cachedStatement(sql: "SELECT header FROM ledger_block ORDER BY height DESC LIMIT 1")
        guard let row = try Row.fetchOne(statement) else { return .empty }
        return LedgerTip(after: try BlockHeader(decoding: try Self.bytes(row, 0)))
    }

    public func storedHashes(level: Int, from: UInt64, count: Int) throws -> [[UInt8]] {
        let statement = level == 0
            ? try db.cachedStatement(sql: "SELECT idx, leaf_hash FROM ledger_entry WHERE idx >= ?1 AND idx < ?2 ORDER BY idx")
            : try db.cachedStatement(sql: "SELECT idx, hash FROM ledger_node WHERE level = ?3 AND idx >= ?1 AND idx < ?2 ORDER BY idx")
        var out: [[UInt8]] = []
        out.reserveCapacity(count)
        var expected = Int64(from), gap = false
        let arguments = level == 0 ? [Int64(from), Int64(from) + Int64(count)] : [Int64(from), Int64(from) + Int64(count), Int64(level)]
        try StatementStepper(statement: statement).run(arguments) { raw in
            guard !gap, StatementStepper.int(raw, 0) == expected else { gap = true; return }
            out.append(StatementStepper.bytes(raw, 1))
            expected += 1
        }
        return out
    }

    /// Lookups per batched statement; short batches repeat their first id, so there is one statement shape.
    static let batch = 32
    /// `SELECT ... WHERE (level = ? AND idx = ?) OR ...`: SQLite searches the primary key once per term (a
    /// row-value IN over VALUES would scan the table).
    static let batchSQL = "SELECT level, idx, hash FROM ledger_node WHERE "
        + Array(repeating: "(level = ? AND idx = ?)", count: batch).joined(separator: " OR ")

    public func storedHashes(_ ids: [SubtreeID]) throws -> [SubtreeID: [UInt8]] {
        var out: [SubtreeID: [UInt8]] = [:]
        let stepper = StatementStepper(statement: try db.cachedStatement(sql: Self.batchSQL))
        var arguments = [Int64](repeating: 0, count: 2 * Self.batch)
        for start in stride(from: 0, to: ids.count, by: Self.batch) {
            let chunk = ids[start..<min(start + Self.batch, ids.count)]
            for i in 0..<Self.batch {
                let id = i < chunk.count ? chunk[chunk.startIndex + i] : chunk[chunk.startIndex]
                arguments[2 * i] = Int64(id.level)
                arguments[2 * i + 1] = Int64(id.index)
            }
            try stepper.run(arguments) { raw in
                out[SubtreeID(level: Int(StatementStepper.int(raw, 0)), index: UInt64(StatementStepper.int(raw, 1)))] = StatementStepper.bytes(raw, 2)
            }
        }
        return out
    }

    /// The blob in column `index` of `row`, copied once (a NULL reads as no bytes).
    static func bytes(_ row: Row, _ index: Int) throws -> [UInt8] {
        try row.withUnsafeData(atIndex: index) { data in data.map { $0.withUnsafeBytes { [UInt8]($0) } } } ?? []
    }

    public func entries(from: UInt64, limit: Int) throws -> [StoredEntry] {
        let statement = try db.cachedStatement(sql: "SELECT idx, entry, leaf_hash FROM ledger_entry WHERE idx >= ? ORDER BY idx LIMIT ?")
        let rows = try Row.fetchCursor(statement, arguments: [Int64(from), limit])
        var out: [StoredEntry] = []
        while let row = try rows.next() {
            out.append(StoredEntry(index: UInt64(row[0] as Int64), bytes: try Self.bytes(row, 1), leafHash: try Self.bytes(row, 2)))
        }
        return out
    }

    public func blocks(from: UInt64, limit: Int) throws -> [StoredBlock] {
        let statement = try db.cachedStatement(sql: "SELECT height, header, signature FROM ledger_block WHERE height >= ? ORDER BY height LIMIT ?")
        return try Row.fetchAll(statement, arguments: [Int64(from), limit]).map { row in
            StoredBlock(height: UInt64(row[0] as Int64), header: try Self.bytes(row, 1), signature: try Self.bytes(row, 2))
        }
    }

    public func storedSubtreeHash(level: Int, index: UInt64) throws -> [UInt8]? {
        let statement = try db.cachedStatement(sql: "SELECT hash FROM ledger_node WHERE level = ? AND idx = ?")
        return try Row.fetchOne(statement, arguments: [level, Int64(index)]).map { try Self.bytes($0, 0) }
    }

    public func checkpointNote() throws -> String? {
        try String.fetchOne(db, sql: "SELECT note FROM ledger_checkpoint WHERE id = 1")
    }
}
