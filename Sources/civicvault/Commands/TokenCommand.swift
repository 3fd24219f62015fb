import ArgumentParser
import VaultCore
import VaultNode
import VaultSQLite

/// `civicvault token create`: makes a bearer token for the HTTP API and prints it once (only its hash is kept).
struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "token", abstract: "Create and revoke API tokens.", subcommands: [Create.self, Revoke.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a token; it is printed once and never stored.")
        @OptionGroup var node: NodeOptions
        @Option(help: "department, officer, requester, auditor or citizen.") var role: String
        @Option(name: .customLong("for"), help: "The actor id the token acts as (e.g. clerk-1, bank-1).") var subject: String
        @Option(help: "Clearance tier (department and officer tokens).") var clearance: String?
        @Option(help: "For citizen tokens: the citizen's national id (only its pseudonym is stored).") var nationalId: String?
        @Option(help: "Lifetime in seconds (default: no expiry).") var expiresIn: UInt64?

        func run() async throws {
            guard let role = Role(rawValue: role) else {
                throw CLIFailure("unknown role \(self.role)", hint: "use one of: \(Role.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            if role == .citizen && nationalId == nil { throw CLIFailure("a citizen token needs --national-id", hint: "the token only ever sees that citizen's log") }
            let storage = try node.open()
            do {
                if role == .department || role == .officer, let clearance {
                    if try storage.vault.member(id: subject) == nil {
                        try storage.vault.grant(memberID: subject, role: role, clearance: clearance, by: node.caller)
                    }
                }
                let citizen = try nationalId.map { try storage.vault.pseudonym(of: $0) }
                let token = try storage.tokens.create(
                    role: role, actor: subject, clearance: clearance, citizen: citizen, lifetimeMs: expiresIn.map { $0 * 1000 })
                print(token)
            } catch { throw CLIFailure.from(error) }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke every token of an actor.")
        @OptionGroup var node: NodeOptions
        @Option(name: .customLong("for"), help: "The actor id.") var subject: String

        func run() async throws {
            let storage = try node.open()
            do { print("revoked \(try storage.tokens.revokeAll(actor: subject)) tokens of \(subject)") } catch { throw CLIFailure.from(error) }
        }
    }
}
