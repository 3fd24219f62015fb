import ArgumentParser

/// `civicvault citizen ...`: what a citizen runs against a node to check their own trail.
struct CitizenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "citizen", abstract: "A citizen's own checks: audit the trail of ledger entries about them.", subcommands: [CitizenAuditCommand.self])
}
