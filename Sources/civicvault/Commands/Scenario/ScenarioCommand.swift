import ArgumentParser
import Foundation
import VaultCore
import VaultNode

/// `civicvault scenario install|list`: the ready-made cases under `scenarios/` (civil identity, land registry).
struct ScenarioCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scenario", abstract: "Install and list the ready-made scenarios.", subcommands: [Install.self, List.self])

    /// `scenario install NAME`: registers the scenario's schemas and merges its rules into the policy (a new version).
    struct Install: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Install a scenario's schemas and policy rules.")
        @OptionGroup var node: NodeOptions
        @Option(help: "Where the scenarios are.") var scenarios: String = "scenarios"
        @Argument(help: "The scenario: civil-identity, land-registry or certificates.") var name: String

        func run() async throws {
            let scenario = try Scenario.locate(name, in: scenarios)
            let vault = try await node.open().vault
            do {
                for line in try await scenario.install(into: vault, by: node.caller) { print(line) }
            } catch let failure as CLIFailure { throw failure } catch { throw CLIFailure.from(error) }
        }
    }

    /// `scenario list`.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the scenarios.")
        func run() async throws { for name in Scenario.names { print(name) } }
    }
}
