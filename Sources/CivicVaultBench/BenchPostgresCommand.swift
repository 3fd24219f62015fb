import ArgumentParser
import Foundation
import VaultCore
import VaultCrypto
import VaultLedger
import VaultNode
import VaultPostgres

/// `civicvault-bench postgres`: the shared PostgreSQL backend. Record writes through the vault (ten fields, one
/// durable transaction each, under the writer lock), beside raw PostgreSQL inserting the very same rows with the
/// same statements and lock, one transaction per record (the storage floor), measured in the same run; then the
/// same writes from several threads at once, as several service nodes would send them. Uses scratch databases
/// it creates on the server and drops afterwards.
struct BenchPostgresCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "postgres", abstract: "Benchmark record writes on PostgreSQL against raw PostgreSQL (build with -c release).")

    @Option(help: "A PostgreSQL server where scratch databases may be created, e.g. postgres://civicvault@127.0.0.1:54329/civicvault_test.")
    var database: String
    @Option(help: "Records to write (one durable transaction each).") var records: Int = 1_000
    @Option(help: "Concurrent writers for the second run (0: skip).") var writers: Int = 4
    @OptionGroup var output: BenchOutputOptions

    func validate() throws {
        guard records >= 10, writers >= 0 else { throw ValidationError("--records must be at least 10, --writers at least 0") }
    }

    func run() async throws {
        try await runBench()
    }

    func runBench() async throws {
        let server: PostgresURL
        do { server = try PostgresURL(database) } catch { throw BenchFailure("bad --database: \(error)", hint: "postgres://user@host:port/database") }
        var results = BenchResults(bench: "postgres")
        print("bench postgres: ten fields over \(BenchNode.tenFieldTiers) tiers, \(BenchNode.tenFieldAttestable) attestable; synchronous_commit=on, writer lock, one transaction per record")
        try await withScratchDatabase(on: server) { url in
            let (store, pool) = try PostgresNode.open(url: url, keys: .generate(name: "bench.civicvault/node"), maxConnections: max(2, writers))
            defer { pool.close() }
            try await store.vault.createStandardTiersIfNeeded(by: BenchNode.operatorCaller)
            try await store.vault.registerSchema(json: BenchNode.tenFieldSchema, by: BenchNode.operatorCaller)
            let inputs = (0..<records).map(BenchNode.tenFieldValues)
            var latencies: [Double] = []
            var copied: [PostgresRecordReplay.Rows] = []
            var vaultWall = 0.0, vaultCPU = 0.0
            for (nationalID, values) in inputs {
                var receipt: RecordReceipt?
                let t = try await BenchClock.measure {
                    receipt = try await store.vault.createRecord(type: "bench_citizen", nationalID: nationalID, input: values, by: BenchNode.clerk)
                }
                latencies.append(t.wall)
                vaultWall += t.wall
                vaultCPU += t.cpu
                // The rows this write added, read right after it (outside the timed write) for the raw floor.
                copied.append(try PostgresRecordReplay.rows(ofRecord: receipt!.recordID, ledgerIndex: receipt!.ledgerIndex, in: pool))
            }
            let raw = try await withScratchDatabase(on: server) { rawURL in
                let rawPool = PostgresPool(url: rawURL, maxConnections: 1)
                defer { rawPool.close() }
                try PostgresSchema.migrate(rawPool)
                return try BenchClock.measure { try PostgresRecordReplay.insert(copied, into: rawPool) }
            }
            let rate = Double(records) / vaultWall, rawRate = Double(records) / raw.wall
            results.set("records", records)
            results.set("rows_per_record", Double(copied.map(\.count).reduce(0, +)) / Double(records))
            results.set("records_per_s", rate)
            results.set("cpu_us_per_record", vaultCPU / Double(records) * 1e6)
            results.set("p50_ms", BenchStats.median(latencies) * 1e3)
            results.set("p99_ms", BenchStats.percentile(latencies, 99) * 1e3)
            results.set("raw_records_per_s", rawRate)
            results.set("raw_cpu_us_per_record", raw.cpu / Double(records) * 1e6)
            print(String(format: "one writer: vault %.0f records/s (p50 %.2f ms, p99 %.2f ms, %.0f us client CPU each)   raw PostgreSQL, same rows: %.0f records/s   vault/raw = %.2f",
                         rate, BenchStats.median(latencies) * 1e3, BenchStats.percentile(latencies, 99) * 1e3, vaultCPU / Double(records) * 1e6,
                         rawRate, rate / rawRate))

            guard writers > 0 else { return }
            // Several writers at once (threads of this process standing in for service nodes).
            let each = max(1, records / writers)
            let failures = FailureCount()
            let vault = store.vault
            let concurrent = await BenchClock.measure {
                await withTaskGroup(of: Void.self) { group in
                    for w in 0..<writers {
                        group.addTask {
                            for i in 0..<each {
                                let (nationalID, values) = BenchNode.tenFieldValues(records + w * each + i)
                                do { _ = try await vault.createRecord(type: "bench_citizen", nationalID: nationalID, input: values, by: BenchNode.clerk) } catch { failures.add() }
                            }
                        }
                    }
                }
            }
            let concurrentRate = Double(writers * each) / concurrent.wall
            results.set("writers", writers)
            results.set("concurrent_records_per_s", concurrentRate)
            results.set("concurrent_failures", failures.count)
            let verified = try store.verifyLedger()
            results.set("tree_size", Int(verified.treeSize))
            print(String(format: "%d writers: %.0f records/s (%d failed); ledger verified: %llu entries", writers, concurrentRate, failures.count, verified.treeSize))
        }
        try results.write(to: output.json)
    }

    /// Creates a database with a fresh name on `server`, runs `body` with its URL, and drops it.
    func withScratchDatabase<T>(on server: PostgresURL, _ body: (PostgresURL) async throws -> T) async throws -> T {
        let name = "cv_bench_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        let admin = PostgresPool(url: server, maxConnections: 1)
        do { try admin.administer(sql: "CREATE DATABASE \(name)") } catch { throw BenchFailure("cannot create a scratch database: \(error)", hint: "the --database user needs CREATEDB") }
        defer { try? admin.administer(sql: "DROP DATABASE IF EXISTS \(name) WITH (FORCE)") }
        return try await body(server.with(database: name))
    }
}

/// Failures counted across threads.
final class FailureCount: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func add() { lock.withLock { value += 1 } }
    var count: Int { lock.withLock { value } }
}
