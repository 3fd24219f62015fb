import ArgumentParser
import Foundation
import VaultCore
import VaultNode
import VaultSQLite

/// `civicvault policy install|show`: the attestation rules.
struct PolicyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy", abstract: "Install and show the attestation policy.", subcommands: [Install.self, Show.self])

    /// `policy install <file>`: a new version goes on the ledger with its hash.
    struct Install: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Install a policy file (JSON).")
        @OptionGroup var node: NodeOptions
        @Argument(help: "The policy file, e.g. Keys/policy.example.json.") var file: String
        @Flag(help: "Keep an installed policy of a higher version (e.g. one a scenario extended) instead of failing.") var keepNewer = false

        func run() async throws {
            guard let data = FileManager.default.contents(atPath: file) else { throw CLIFailure("cannot read \(file)", hint: "check the path") }
            let vault = try await node.open().vault
            do {
                let policy = try Policy.parse(data)
                if keepNewer, let installed = try await vault.policy(), installed.version > policy.version {
                    print("keeping the installed policy v\(installed.version) (newer than \(file)'s v\(policy.version))")
                    return
                }
                let changed = try await vault.installPolicy(policy, by: node.caller)
                print(changed ? "installed policy v\(policy.version) (\(policy.rules.count) rules)" : "policy v\(policy.version) is already installed")
            } catch { throw CLIFailure.from(error) }
        }
    }

    /// `policy show`.
    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the installed policy.")
        @OptionGroup var node: NodeOptions

        func run() async throws {
            let vault = try await node.open().vault
            do {
                guard let policy = try await vault.policy() else { throw CLIFailure("no policy is installed", hint: "civicvault policy install <file>") }
                try JSONOutput.print(policy)
            } catch { throw CLIFailure.from(error) }
        }
    }
}
