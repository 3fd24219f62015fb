@testable import CivicVaultBench
@testable import civicvault
import ArgumentParser
import Foundation
import Testing
import VaultPostgres
import VaultTestSupport

/// The `civicvault-bench` commands that write through the storage backends, run at a tiny scale: they must finish
/// and write their JSON (no figure is checked: timings never go in tests). `make bench` runs them at full scale.
@Suite struct BenchSmokeTests {
    static func results(_ arguments: [String]) throws -> [String: Any] {
        let json = try BenchBinary.temporaryDirectory().appendingPathComponent("bench.json").path
        let run = try BenchBinary.run(arguments + ["--json", json])
        #expect(run.status == 0, "\(arguments): \(run.stderr)")
        return (try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json)))) as? [String: Any] ?? [:]
    }

    @Test func benchRecordsCopiesEveryRecordsRows() throws {
        let r = try Self.results(["records", "--records", "12", "--memory-records", "0", "--floor-records", "10"])
        #expect((r["disk_records"] as? Int) == 12)
        #expect((r["disk_raw_records_per_s"] as? Double ?? 0) > 0)
    }

    @Test func theProductBinaryHasNoBenchCommand() throws {
        let help = try BenchBinary.run(["--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("records") && help.stdout.contains("postgres"))
        #expect(!CivicVaultCommand.configuration.subcommands.contains { $0.configuration.commandName == "bench" })
    }

    @Test func benchRefusesAMissingSchemaWithAHint() throws {
        let run = try BenchBinary.run(["attest", "--schema", "/nonexistent/citizen.json", "--runs", "1"])
        #expect(run.status == 1)
        #expect(run.stderr.hasPrefix("error: cannot read /nonexistent/citizen.json"))
        #expect(run.stderr.contains("\nhint: "))
    }

    /// The trail bench walks tags as the audit does, so both must probe as far past the end.
    @Test func trailBenchProbesAsFarAsTheAudit() {
        #expect(BenchTrailCommand.auditLookahead == CitizenAuditCommand.lookahead)
    }

    @Test func benchTrailFindsEveryEventBothWaysAndReplays() throws {
        let r = try Self.results(["trail", "--entries", "300", "--events", "5", "--batch", "64"])
        #expect((r["entries"] as? Int) == 300)
        #expect((r["events"] as? Int) == 5)
        // The audit's walk: every event, then the probes past the end.
        #expect((r["lookup_lookups"] as? Int) == 5 + 9)
        for key in ["lookup_total_ms", "lookup_us_per_event", "lookup_hashes_per_event", "scan_entries_per_s", "replay_entries_per_s",
                    "raw_read_entries_per_s", "sha256_messages_per_s", "tag_index_build_s"] {
            #expect((r[key] as? Double ?? 0) > 0, "\(key)")
        }
    }

    @Test(.enabled(if: StorageBackend.postgresURL != nil, "needs CIVICVAULT_TEST_POSTGRES_URL"))
    func benchPostgresWritesCopiesAndVerifies() throws {
        let r = try Self.results(["postgres", "--database", StorageBackend.postgresURL!.description, "--records", "12", "--writers", "2"])
        // 23 rows a record (record, 10 fields, 4 data keys, 4 openings, entry, block, checkpoint, citizen event), and
        // now and then a completed subtree.
        #expect((23..<24).contains(r["rows_per_record"] as? Double ?? 0))
        #expect((r["concurrent_failures"] as? Int) == 0)
        #expect((r["tree_size"] as? Int ?? 0) > 24)
    }
}
