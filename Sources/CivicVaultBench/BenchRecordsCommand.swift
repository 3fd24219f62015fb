import ArgumentParser
import Foundation
import GRDB
import VaultCore
import VaultCrypto
import VaultLedger
import VaultSQLite

/// `civicvault-bench records`: encrypt + commit + append of ten-field records (`Vault.createRecord`, one durable
/// transaction each), beside two baselines timed in the same run: the libsodium calls such a write must make, in a
/// tight loop (the crypto floor), and raw SQLite inserting the very same rows into the same tables with the same
/// durability (the storage floor). Run on the scratch disk and, when given, on a tmpfs where fsync costs nothing.
struct BenchRecordsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "records", abstract: "Benchmark record writes against the libsodium floor and raw SQLite (build with -c release).")

    @Option(help: "Records to write on the scratch disk (one durable transaction each).") var records: Int = 2_000
    @Option(help: "Records to write on the tmpfs directory (0: skip).") var memoryRecords: Int = 5_000
    @Option(help: "A tmpfs directory for the fsync-free run (default /dev/shm when it exists).") var memoryDir: String?
    @Option(help: "Records' worth of libsodium calls to time for the floor.") var floorRecords: Int = 5_000
    @OptionGroup var output: BenchOutputOptions

    func validate() throws {
        guard records >= 10, memoryRecords >= 0, floorRecords >= 10 else {
            throw ValidationError("--records and --floor-records must be at least 10, --memory-records at least 0")
        }
    }

    func run() async throws {
        try await runBench()
    }

    /// Synchronous, so GRDB's blocking `read`/`write` are used.
    func runBench() async throws {
        var results = BenchResults(bench: "records")
        results.set("fields_per_record", BenchNode.tenFieldFields)
        results.set("attestable_per_record", BenchNode.tenFieldAttestable)
        print("bench records: ten fields over \(BenchNode.tenFieldTiers) tiers, \(BenchNode.tenFieldAttestable) attestable; WAL + synchronous=FULL, one transaction per record")

        var places: [(label: String, base: String?, count: Int)] = [("disk", output.scratch, records)]
        let tmpfs = memoryDir ?? (FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : nil)
        if memoryRecords > 0, let tmpfs { places.append(("tmpfs", tmpfs, memoryRecords)) }
        var shape: RecordShape?
        for place in places {
            let scratch = BenchOutputOptions.scratchDirectory(under: place.base, name: "records-\(place.label)")
            defer { try? FileManager.default.removeItem(atPath: scratch) }
            let run = try await Self.writeRecords(count: place.count, in: scratch)
            shape = shape ?? run.shape
            let raw = try Self.rawInserts(of: run.rows, in: scratch)
            let rate = Double(place.count) / run.wall, rawRate = Double(place.count) / raw.wall
            results.set("\(place.label)_records", place.count)
            results.set("\(place.label)_records_per_s", rate)
            results.set("\(place.label)_cpu_us_per_record", run.cpu / Double(place.count) * 1e6)
            results.set("\(place.label)_p50_ms", BenchStats.median(run.latencies) * 1e3)
            results.set("\(place.label)_p99_ms", BenchStats.percentile(run.latencies, 99) * 1e3)
            results.set("\(place.label)_raw_records_per_s", rawRate)
            results.set("\(place.label)_raw_cpu_us_per_record", raw.cpu / Double(place.count) * 1e6)
            print(String(format: "%@: vault %.0f records/s (p50 %.2f ms, p99 %.2f ms, %.0f us CPU each)   raw SQLite, same rows: %.0f records/s   vault/raw = %.2f",
                         place.label, rate, BenchStats.median(run.latencies) * 1e3, BenchStats.percentile(run.latencies, 99) * 1e3,
                         run.cpu / Double(place.count) * 1e6, rawRate, rate / rawRate))
        }

        // The crypto floor: the libsodium calls of one record, in a tight loop.
        let material = try FloorMaterial(shape: shape!)
        for _ in 0..<min(200, floorRecords) { try material.oneRecord(treeSize: 1_000) }
        let floor = try BenchClock.measure { for i in 0..<floorRecords { try material.oneRecord(treeSize: UInt64(1_000 + i)) } }
        let floorRate = Double(floorRecords) / floor.wall
        results.set("floor_records_per_s", floorRate)
        results.set("floor_us_per_record", floor.wall / Double(floorRecords) * 1e6)
        results.set("floor_cpu_us_per_record", floor.cpu / Double(floorRecords) * 1e6)
        results.set("floor_calls", material.callSummary)
        print(String(format: "floor: %.0f records/s (%.1f us each) of libsodium calls: %@", floorRate, floor.wall / Double(floorRecords) * 1e6, material.callSummary))
        try results.write(to: output.json)
    }

    /// Sizes taken from a real record, so the floor encrypts, hashes and signs inputs of the same lengths.
    struct RecordShape {
        let plaintextSizes: [Int]
        let entryBytes: Int
        let headerBytes: Int
        let noteBytes: Int
    }

    /// One table row as read back from the vault's database.
    struct CopiedRow {
        let table: String
        let columns: [String]
        let values: [DatabaseValue]
    }

    /// Writes `count` records through the vault; returns the timings and every row each record added.
    static func writeRecords(count: Int, in dir: String) async throws -> (wall: Double, cpu: Double, latencies: [Double], rows: [[CopiedRow]], shape: RecordShape) {
        let node = try await BenchNode(dataDirectory: (dir as NSString).appendingPathComponent("vault"), schemas: [BenchNode.tenFieldSchema])
        let inputs = (0..<count).map(BenchNode.tenFieldValues)
        // Setup appended some entries several to a block (the standard tiers); from here on every record write is
        // one entry in one block, so a record's block height is its entry index minus this shift.
        let shift = try await node.storage.database.read { db in
            (try Int64.fetchOne(db, sql: "SELECT (SELECT COUNT(*) FROM ledger_entry) - (SELECT COUNT(*) FROM ledger_block)") ?? 0)
        }
        var receipts: [RecordReceipt] = []
        receipts.reserveCapacity(count)
        var latencies: [Double] = []
        latencies.reserveCapacity(count)
        let total = try await BenchClock.measure {
            for (nationalID, values) in inputs {
                let start = BenchClock.wallNow()
                receipts.append(try await node.vault.createRecord(type: "bench_citizen", nationalID: nationalID, input: values, by: BenchNode.clerk))
                latencies.append(BenchClock.wallNow() - start)
            }
        }
        let written = receipts
        let rows = try await node.storage.database.read { db in try written.map { try copyRows(of: $0, blockShift: shift, db) } }
        let shape = try await node.storage.database.read { db in
            RecordShape(
                plaintextSizes: try schemaPlaintextSizes(inputs[0].values),
                entryBytes: try Int.fetchOne(db, sql: "SELECT length(entry) FROM ledger_entry WHERE idx = ?", arguments: [Int64(written[0].ledgerIndex)]) ?? 0,
                headerBytes: try Int.fetchOne(db, sql: "SELECT length(header) FROM ledger_block ORDER BY height DESC LIMIT 1") ?? 0,
                noteBytes: try Int.fetchOne(db, sql: "SELECT length(note) FROM ledger_checkpoint") ?? 0)
        }
        return (total.wall, total.cpu, latencies, rows, shape)
    }

    /// Canonical plaintext lengths of a record's field values, as the vault encrypts them.
    static func schemaPlaintextSizes(_ values: [String: JSONValue]) throws -> [Int] {
        let schema = try JSONDecoder().decode(RecordSchema.self, from: BenchNode.tenFieldSchema)
        return try schema.validate(values).values.map(\.canonicalBytes.count)
    }

    /// The rows one record write added: record, fields, data keys, openings, ledger entry and block, checkpoint, citizen index.
    static func copyRows(of receipt: RecordReceipt, blockShift: Int64, _ db: Database) throws -> [CopiedRow] {
        let idx = Int64(receipt.ledgerIndex)
        let queries: [(String, String, StatementArguments)] = [
            ("vault_record", "SELECT * FROM vault_record WHERE id = ?", [receipt.recordID]),
            ("vault_field", "SELECT * FROM vault_field WHERE record_id = ?", [receipt.recordID]),
            ("vault_data_key", "SELECT * FROM vault_data_key WHERE record_id = ?", [receipt.recordID]),
            ("vault_opening", "SELECT * FROM vault_opening WHERE record_id = ?", [receipt.recordID]),
            ("ledger_entry", "SELECT * FROM ledger_entry WHERE idx = ?", [idx]),
            // Every record write appends one entry in one block.
            ("ledger_block", "SELECT * FROM ledger_block WHERE height = ?", [idx - blockShift]),
            ("ledger_checkpoint", "SELECT * FROM ledger_checkpoint", []),
            ("vault_citizen_event", "SELECT * FROM vault_citizen_event WHERE ledger_idx = ?", [idx]),
        ]
        var out: [CopiedRow] = []
        for (table, sql, arguments) in queries {
            for row in try Row.fetchAll(db, sql: sql, arguments: arguments) {
                out.append(CopiedRow(table: table, columns: Array(row.columnNames), values: Array(row.databaseValues)))
            }
        }
        guard out.contains(where: { $0.table == "ledger_block" }) else { throw BenchFailure("block \(idx) not found", hint: "the ledger appended more than one entry per block") }
        return out
    }

    /// Inserts the same rows into a fresh database with the vault's tables and indices and the same durability
    /// settings (WAL, synchronous=FULL, foreign keys), one transaction per record.
    static func rawInserts(of records: [[CopiedRow]], in dir: String) throws -> (wall: Double, cpu: Double) {
        let source = try NodeDatabase.open(path: NodeDatabase.path(inDataDirectory: (dir as NSString).appendingPathComponent("vault")))
        let ddl = try source.read { db in
            try String.fetchAll(db, sql: """
                SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'grdb_%'
                ORDER BY CASE type WHEN 'table' THEN 0 ELSE 1 END, rowid
                """)
        }
        let raw = try SQLiteDatabase.open(path: (dir as NSString).appendingPathComponent("raw.sqlite"))
        try raw.write { db in for statement in ddl { try db.execute(sql: statement) } }
        return try BenchClock.measure {
            for rows in records {
                try raw.write { db in
                    for row in rows {
                        let verb = row.table == "ledger_checkpoint" ? "INSERT OR REPLACE" : "INSERT"
                        let marks = Array(repeating: "?", count: row.columns.count).joined(separator: ", ")
                        let insert = try db.cachedStatement(sql: "\(verb) INTO \(row.table) (\(row.columns.joined(separator: ", "))) VALUES (\(marks))")
                        insert.setUncheckedArguments(StatementArguments(row.values))
                        try insert.execute()
                    }
                }
            }
        }
    }
}
