import ArgumentParser
import VaultCore
import VaultNode
import VaultSQLite

/// `civicvault access-log <national-id>`: everything that touched a citizen's records, one JSON line each.
struct AccessLogCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "access-log", abstract: "Show a citizen's access log.")
    @OptionGroup var node: NodeOptions
    @Argument(help: "The citizen's national id.") var nationalId: String

    func run() async throws {
        let vault = try await node.open().vault
        do {
            for e in try await vault.accessLog(nationalID: nationalId) { try JSONOutput.print(AccessEventJSON(e)) }
        } catch { throw CLIFailure.from(error) }
    }
}
