import ArgumentParser

/// `civicvault bench ...`: measurements to run by hand (never timed tests).
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Run benchmarks.", subcommands: [BenchLedgerCommand.self, BenchProofsCommand.self])
}
