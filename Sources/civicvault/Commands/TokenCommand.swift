import Foundation
import ArgumentParser
import VaultCore
import VaultNode
import VaultSQLite

/// `civicvault token create|revoke`: makes a bearer token for the HTTP API and prints it once (only its keyed hash
/// is kept), or revokes one token, or every token of an actor, on the ledger.
struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "token", abstract: "Create and revoke API tokens.", subcommands: [Create.self, Revoke.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a token; it is printed once and never stored.")
        @OptionGroup var node: NodeOptions
        @Option(help: "department, officer, requester, auditor or citizen.") var role: String
        @Option(name: .customLong("for"), help: "The actor id the token acts as (e.g. clerk-1, bank-1).") var subject: String
        @Option(help: "Clearance tier (department and officer tokens).") var clearance: String?
        @Option(help: "For citizen tokens: the citizen's national id (only its pseudonym is stored).") var nationalId: String?
        @Option(help: "Lifetime in seconds (default: 90 days).") var expiresIn: UInt64?
        @Flag(help: "The token never expires (instead of --expires-in).") var noExpiry = false
        @Flag(help: "Print a one-time sign-in link for the pages instead of a bearer token (valid 15 minutes unless --expires-in).")
        var link = false
        @Option(help: "With --link: the node's base URL the link points at.") var url: String = "http://127.0.0.1:8080"

        /// How long a sign-in link stays usable when no --expires-in is given.
        static let linkLifetimeMs: UInt64 = 15 * 60 * 1000

        func run() async throws {
            guard let role = Role(rawValue: role) else {
                throw CLIFailure("unknown role \(self.role)", hint: "use one of: \(Role.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            if noExpiry && expiresIn != nil { throw CLIFailure("--no-expiry and --expires-in contradict each other", hint: "give one of them") }
            if link && noExpiry { throw CLIFailure("a sign-in link always expires", hint: "drop --no-expiry, or give --expires-in") }
            guard !link || url.hasPrefix("http://") || url.hasPrefix("https://") else {
                throw CLIFailure("--url must start with http:// or https://", hint: "e.g. --url http://127.0.0.1:8080")
            }
            var lifetimeMs: UInt64? = link ? Self.linkLifetimeMs : TokenRegistry.defaultLifetimeMs
            if noExpiry { lifetimeMs = nil }
            if let expiresIn {
                let (ms, overflow) = expiresIn.multipliedReportingOverflow(by: 1000)
                guard !overflow, ms <= UInt64(Int64.max) / 2 else {
                    throw CLIFailure("--expires-in \(expiresIn) is too long", hint: "give a lifetime in seconds, or --no-expiry for a token that never expires")
                }
                lifetimeMs = ms
            }
            if role == .citizen && nationalId == nil { throw CLIFailure("a citizen token needs --national-id", hint: "the token only ever sees that citizen's log") }
            let storage = try await node.open()
            do {
                if role == .department || role == .officer, let clearance {
                    if try await storage.vault.member(id: subject) == nil {
                        try await storage.vault.grant(memberID: subject, role: role, clearance: clearance, by: node.caller)
                    }
                }
                let citizen = try nationalId.map { try storage.vault.pseudonym(of: $0) }
                let token = try storage.tokens.issue(
                    role: role, actor: subject, clearance: clearance, citizen: citizen, lifetimeMs: lifetimeMs, signInLink: link)
                FileHandle.standardError.write(Data("token id: \(token.id) (revoke with: civicvault token revoke --id \(token.id))\n".utf8))
                // The token travels in the fragment, which browsers never send to a server or put in its logs; the page's
                // script posts it once and removes it from the address bar.
                print(link ? "\(url.hasSuffix("/") ? String(url.dropLast()) : url)/signin/link#\(token.text)" : token.text)
            } catch { throw CLIFailure.from(error) }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke one token (--id) or every token of an actor (--for), on the ledger.")
        @OptionGroup var node: NodeOptions
        @Option(name: .customLong("for"), help: "The actor id: revokes all its tokens (and the member, as grant revoke does).") var subject: String?
        @Option(help: "One token's id (printed when it was made).") var id: String?

        func run() async throws {
            guard (subject == nil) != (id == nil) else { throw CLIFailure("give exactly one of --for and --id", hint: "--id t-... revokes one token, --for ACTOR all of an actor's") }
            let storage = try await node.open()
            do {
                if let id {
                    let index = try await storage.vault.revokeToken(id: id, by: node.caller)
                    print("revoked token \(id) (ledger entry \(index))")
                } else if let subject {
                    let revocation = try await storage.vault.revoke(memberID: subject, by: node.caller)
                    print("revoked \(revocation.tokens) tokens of \(subject)")
                }
            } catch { throw CLIFailure.from(error) }
        }
    }
}
