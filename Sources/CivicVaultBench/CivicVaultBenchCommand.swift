import ArgumentParser
import Foundation

/// `civicvault-bench`: the measurements `make bench` runs (scripts/bench/run.py writes docs/BENCHMARKS.md from their
/// `--json`), each beside its baseline timed in the same run; never timed tests. A binary of its own, so the
/// `civicvault` product neither links the raw-SQL baselines nor knows table names.
@main
struct CivicVaultBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "civicvault-bench", abstract: "Run CivicVault's benchmarks (build with -c release).", subcommands: [
            BenchLedgerCommand.self, BenchProofsCommand.self, BenchRecordsCommand.self, BenchAttestCommand.self, BenchCryptoCommand.self,
            BenchPostgresCommand.self, BenchTrailCommand.self,
        ])

    /// Runs the command; a `BenchFailure` prints `error: ...` and `hint: ...` and exits 1.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let failure as BenchFailure {
            FileHandle.standardError.write(Data(failure.rendered.utf8))
            Foundation.exit(1)
        } catch {
            exit(withError: error)
        }
    }
}
