import ArgumentParser
import Foundation

/// The `civicvault` command line: one subcommand per file under Commands/.
@main
struct CivicVaultCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "civicvault",
        abstract: "A privacy-preserving records vault with a verifiable transparency ledger.",
        subcommands: [
            InitCommand.self, KeysCommand.self, StatusCommand.self, SchemaCommand.self, RecordCommand.self, TierCommand.self,
            GrantCommand.self, AccessLogCommand.self, PolicyCommand.self, AttestCommand.self, VerifyCommand.self, LedgerCommand.self,
            TokenCommand.self, ServeCommand.self, BackupCommand.self, RestoreCommand.self, UnsealCommand.self, SealCommand.self, OfficerCommand.self, DemoCommand.self, ScenarioCommand.self, ParcelCommand.self, CertificateCommand.self, WitnessCommand.self, FollowCommand.self, CitizenCommand.self,
        ]
    )

    /// Runs the command; failures of ours print `error: ...` and `hint: ...` and exit 1.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let failure as CLIFailure {
            FileHandle.standardError.write(Data(failure.rendered.utf8))
            Foundation.exit(failure.exitCode)
        } catch {
            exit(withError: error)
        }
    }
}
