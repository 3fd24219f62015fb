import ArgumentParser

/// `civicvault bench ...`: measurements to run by hand or from `make bench` (scripts/bench/run.py); never timed tests.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Run benchmarks.", subcommands: [
            BenchLedgerCommand.self, BenchProofsCommand.self, BenchRecordsCommand.self, BenchAttestCommand.self, BenchCryptoCommand.self,
            BenchPostgresCommand.self, BenchTrailCommand.self,
        ])
}
