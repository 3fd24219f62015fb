import ArgumentParser

/// `civicvault ledger proof ...`: RFC 9162 inclusion and consistency proofs as JSON.
struct LedgerProofCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "proof", abstract: "Print an inclusion or consistency proof.",
        subcommands: [LedgerProofInclusionCommand.self, LedgerProofConsistencyCommand.self])
}
