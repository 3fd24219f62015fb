import ArgumentParser
import Foundation
import VaultLedger
import VaultSQLite

/// `civicvault ledger checkpoint`: prints the latest signed checkpoint byte for byte as stored (a C2SP
/// signed note that golang.org/x/mod/sumdb/note verifies with the node's verifier key).
struct LedgerCheckpointCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "checkpoint", abstract: "Print the latest signed checkpoint.")

    @OptionGroup var dataOptions: DataOptions
    @OptionGroup var keyOptions: KeyOptions

    func run() async throws {
        guard let note = try dataOptions.readLedger({ try $0.checkpointNote() }) else {
            throw CLIFailure("the ledger is empty: no checkpoint yet", hint: "append entries first with `civicvault ledger append`")
        }
        FileHandle.standardOutput.write(Data(note.utf8))
    }
}
