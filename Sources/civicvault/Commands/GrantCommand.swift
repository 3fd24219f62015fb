import ArgumentParser
import VaultCore
import VaultNode
import VaultSQLite

/// `civicvault grant add|revoke|list`: members and their clearance.
struct GrantCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "grant", abstract: "Grant, revoke and list members' access.", subcommands: [Add.self, Revoke.self, List.self])

    /// `grant add --member ID --role R [--clearance TIER]`.
    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a member or change its role and clearance.")
        @OptionGroup var node: NodeOptions
        @Option(help: "Member id (a-z 0-9 . _ -).") var member: String
        @Option(help: "department, officer, requester, auditor or citizen.") var role: String
        @Option(help: "Highest tier the member may read.") var clearance: String?

        func run() async throws {
            guard let role = Role(rawValue: role) else {
                throw CLIFailure("unknown role \(self.role)", hint: "use one of: \(Role.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            let vault = try await node.open().vault
            do {
                let index = try await vault.grant(memberID: member, role: role, clearance: clearance, by: node.caller)
                print("granted \(member): \(role.rawValue)\(clearance.map { ", clearance \($0)" } ?? "") (ledger index \(index))")
            } catch { throw CLIFailure.from(error) }
        }
    }

    /// `grant revoke --member ID`: revokes and rotates the member's tiers.
    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke an actor: every token of it at once (any role), then the tiers a member could read are rotated.")
        @OptionGroup var node: NodeOptions
        @Option(help: "Actor id (a member, or any token holder).") var member: String

        func run() async throws {
            let storage = try await node.open()
            let vault = storage.vault
            do {
                let revocation = try await vault.revoke(memberID: member, by: node.caller)
                print("revoked \(member) and its \(revocation.tokens) tokens; rotated \(revocation.rotations.map { "\($0.tier) to v\($0.version)" }.joined(separator: ", "))")
            } catch { throw CLIFailure.from(error) }
        }
    }

    /// `grant list`.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List members.")
        @OptionGroup var node: NodeOptions

        func run() async throws {
            let vault = try await node.open().vault
            do {
                for m in try await vault.members() { print("\(m.id)\t\(m.role.rawValue)\t\(m.clearance ?? "-")\(m.revoked ? "\trevoked" : "")") }
            } catch { throw CLIFailure.from(error) }
        }
    }
}
