import ArgumentParser

/// `civicvault ledger ...`: the transparency ledger (docs/format/tree.md).
struct LedgerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ledger",
        abstract: "Append to, prove and verify the transparency ledger.",
        subcommands: [
            LedgerAppendCommand.self, LedgerCheckpointCommand.self, LedgerProofCommand.self, LedgerEntryCommand.self,
            LedgerVerifyCommand.self,
        ]
    )
}
