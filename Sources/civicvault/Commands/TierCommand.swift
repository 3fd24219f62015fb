import ArgumentParser
import Foundation
import VaultCore
import VaultNode
import VaultSQLite

/// `civicvault tier create|list|rotate|retire`: the tiered key hierarchy.
struct TierCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tier", abstract: "Create, list, rotate and retire tier keys.",
        subcommands: [Create.self, List.self, Rotate.self, Retire.self])

    /// `tier create <name> --rank N`.
    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a tier at a rank (higher is more sensitive).")
        @OptionGroup var node: NodeOptions
        @Argument(help: "Tier name.") var name: String
        @Option(help: "Rank in the order; higher reads lower.") var rank: Int

        func run() async throws {
            let vault = try await node.open().vault
            do { print("created tier \(name) (ledger index \(try await vault.createTier(name: name, rank: rank, by: node.caller)))") } catch { throw CLIFailure.from(error) }
        }
    }

    /// `tier list`.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List tiers, lowest first.")
        @OptionGroup var node: NodeOptions

        func run() async throws {
            let vault = try await node.open().vault
            do {
                for t in try await vault.tiers() {
                    print("\(t.name)\trank \(t.rank)\tkey v\(t.currentVersion)\tmin v\(t.minDecryptionVersion)\(t.rotating ? "\trotating" : "")")
                }
            } catch { throw CLIFailure.from(error) }
        }
    }

    /// `tier rotate <name>` or `tier rotate --resume`.
    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Rotate a tier's key and rewrap its data keys (resumable).")
        @OptionGroup var node: NodeOptions
        @Argument(help: "Tier to rotate.") var name: String?
        @Flag(help: "Finish rotations a crash interrupted.") var resume = false
        @Option(help: "Data keys rewrapped per transaction.") var batchSize: Int = 500

        func validate() throws {
            guard (name == nil) == resume else { throw ValidationError("give a tier name, or --resume") }
            guard batchSize > 0 else { throw ValidationError("--batch-size must be positive") }
        }

        func run() async throws {
            let vault = try await node.open().vault
            let report: (RotationProgress) -> Void = { p in
                FileHandle.standardError.write(Data("rotating \(p.tier) to v\(p.version): \(p.rewrapped) rewrapped, \(p.remaining) left\n".utf8))
            }
            do {
                let done = if let name {
                    [try await vault.rotate(tier: name, by: node.caller, batchSize: batchSize, progress: report)]
                } else {
                    try await vault.resumeRotations(by: node.caller, batchSize: batchSize, progress: report)
                }
                for p in done { print("tier \(p.tier) now at key v\(p.version); \(p.rewrapped) data keys rewrapped") }
                if done.isEmpty { print("no rotation to resume") }
            } catch { throw CLIFailure.from(error) }
        }
    }

    /// `tier retire <name> --below V`.
    struct Retire: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete key versions below V for good (after rotation).")
        @OptionGroup var node: NodeOptions
        @Argument(help: "Tier.") var name: String
        @Option(help: "Retire every version below this one.") var below: Int

        func run() async throws {
            let vault = try await node.open().vault
            do {
                try await vault.retire(tier: name, below: below, by: node.caller)
                print("tier \(name): versions below v\(below) retired")
            } catch { throw CLIFailure.from(error) }
        }
    }
}
