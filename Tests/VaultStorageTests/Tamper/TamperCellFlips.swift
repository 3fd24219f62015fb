import Foundation
import Testing
import VaultTestSupport

extension VaultTamperTests {
    /// One BLOB/BYTEA or TEXT column, with how many of its cells are not NULL.
    struct FlipColumn: Sendable {
        let table: String
        let column: String
        let text: Bool
        let key: [String]
        let cells: Int
    }

    /// The analogue of `randomByteFlipsInTheFile` for every backend: one random bit flipped in one random non-NULL
    /// BLOB/BYTEA or TEXT cell, through SQL (PostgreSQL has no file to flip). Text keeps valid UTF-8 without NUL
    /// (PostgreSQL refuses anything else): the bit is one of the low seven of an ASCII character. Each copy is
    /// reopened and observed; a flip the database refuses (a key collision) is counted as refused. A wrong answer
    /// fails the test wherever the cell is: trusted state is authenticated or checked against the ledger too.
    @Test(arguments: StorageBackend.available) func randomBitFlipsInCells(backend: StorageBackend) async throws {
        let started = Date()
        let p = try await Self.makePristine(backend)
        defer { p.remove() }
        let columns = try p.connect { db in
            try db.blobAndTextColumns().map { c in
                FlipColumn(table: c.table, column: c.column, text: c.text, key: try db.primaryKey(of: c.table),
                           cells: Int(try db.string("SELECT CAST(COUNT(\(c.column)) AS TEXT) FROM \(c.table)"))!)
            }.filter { !$0.key.isEmpty && $0.cells > 0 }
        }
        let total = columns.reduce(0) { $0 + $1.cells }
        let flips = ProcessInfo.processInfo.environment["CIVICVAULT_TAMPER_FLIPS"].flatMap(Int.init) ?? 40
        var rng = SplitMix(state: ProcessInfo.processInfo.environment["CIVICVAULT_FUZZ_SEED"].flatMap(UInt64.init) ?? 0x7A_3BE5)
        var detected = 0, unchanged = 0, less = 0, wrong = 0, refused = 0
        for _ in 0..<flips {
            var k = Int.random(in: 0..<total, using: &rng), c = 0
            while k >= columns[c].cells { (k, c) = (k - columns[c].cells, c + 1) }
            let column = columns[c]
            let seed = rng.next()
            var what = "\(column.table).\(column.column) row \(k)"
            let o: Observation
            do {
                o = try await Self.evaluate(p) { db in what = try Self.flipBit(db, column, row: k, seed: seed) }
            } catch {
                refused += 1
                print("tamper cell flip (\(backend)) \(what): refused: \(error)")
                continue
            }
            if !o.wrong.isEmpty {
                wrong += 1
                print("tamper cell flip (\(backend)) \(what): \(o.summary)")
            } else if !o.missing.isEmpty {
                less += 1
                print("tamper cell flip (\(backend)) \(what): \(o.summary)")
            } else if o.detected.isEmpty { unchanged += 1 } else { detected += 1 }
            #expect(o.wrong.isEmpty, "\(backend): \(what): \(o.summary)")
        }
        print("tamper (\(backend)): \(flips) random bit flips in \(total) BLOB/TEXT cells of \(columns.count) columns: \(detected) detected, "
              + "\(unchanged) without observable effect, \(less) returned less without an error, \(wrong) wrong answers, \(refused) refused by the database, "
              + "in \(String(format: "%.1f", Date().timeIntervalSince(started))) s")
    }

    /// Flips one bit of the cell of `column` in row `row` (in primary-key order), found and written back by its
    /// primary key; returns what it flipped.
    static func flipBit(_ db: TamperConnection, _ column: FlipColumn, row: Int, seed: UInt64) throws -> String {
        var rng = SplitMix(state: seed)
        let key = column.key.joined(separator: ", ")
        let found = try db.rows(
            "SELECT \(key), \(column.column) FROM \(column.table) WHERE \(column.column) IS NOT NULL ORDER BY \(key) LIMIT 1 OFFSET ?", [.int(Int64(row))])
        guard let values = found.first else { throw TamperConnectionError(description: "no row \(row) in \(column.table)") }
        var bytes: [UInt8]
        switch values.last! {
        case let .bytes(b): bytes = b
        case let .text(t): bytes = Array(t.utf8)
        default: throw TamperConnectionError(description: "\(column.table).\(column.column) is not a BLOB or TEXT")
        }
        // Text: only ASCII characters, only their low seven bits, never to NUL.
        let positions = column.text ? bytes.indices.filter { bytes[$0] < 0x80 } : Array(bytes.indices)
        guard let position = positions.randomElement(using: &rng) else { throw TamperConnectionError(description: "nothing to flip") }
        let bits = (0..<(column.text ? 7 : 8)).filter { bytes[position] ^ (1 << $0) != 0 }
        let mask = UInt8(1 << bits.randomElement(using: &rng)!)
        bytes[position] ^= mask
        let value: SQLValue = column.text ? .text(String(decoding: bytes, as: UTF8.self)) : .bytes(bytes)
        let condition = column.key.map { "\($0) = ?" }.joined(separator: " AND ")
        let changed = try db.execute("UPDATE \(column.table) SET \(column.column) = ? WHERE \(condition)", [value] + values.dropLast())
        guard changed == 1 else { throw TamperConnectionError(description: "\(changed) rows changed") }
        return "\(column.table).\(column.column) row \(row) byte \(position) ^ \(mask)"
    }
}
