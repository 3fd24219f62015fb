import ArgumentParser
import Foundation
import VaultCore
import VaultNode
import VaultSQLite

/// `civicvault schema add|list`: record types and their fields.
struct SchemaCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema", abstract: "Register and list record schemas.", subcommands: [Add.self, List.self])

    /// `schema add <file>`: registers a schema (JSON), logged on the ledger with its hash.
    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Register a record schema from a JSON file.")
        @OptionGroup var node: NodeOptions
        @Argument(help: "The schema file (JSON), e.g. schemas/citizen.json.") var file: String

        func run() async throws {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw CLIFailure("cannot read \(file)", hint: "check the path")
            }
            let storage = try await node.open()
            do {
                let schema = try await storage.vault.registerSchema(json: data, by: node.caller)
                print("registered schema \(schema.type) v\(schema.version) (\(schema.fields.count) fields)")
            } catch { throw CLIFailure.from(error) }
        }
    }

    /// `schema list`: prints every registered schema as JSON.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List registered schemas.")
        @OptionGroup var node: NodeOptions

        func run() async throws {
            do { try await JSONOutput.print(try node.open().vault.schemas()) } catch { throw CLIFailure.from(error) }
        }
    }
}
