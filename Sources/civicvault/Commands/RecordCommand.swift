import ArgumentParser
import Foundation
import VaultCore
import VaultNode
import VaultSQLite

/// `civicvault record put|import|update|get|list|shred`: citizens' records, encrypted at rest, every operation on the ledger.
struct RecordCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "record", abstract: "Store, update, read, list and shred records.",
        subcommands: [RecordPutCommand.self, RecordImportCommand.self, RecordUpdateCommand.self, RecordGetCommand.self, RecordListCommand.self, RecordShredCommand.self])

    /// Field values as a JSON object, from `json` or else standard input.
    static func values(_ json: String?) throws -> [String: JSONValue] {
        let text = json ?? String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
        do {
            return try JSONDecoder().decode([String: JSONValue].self, from: Data(text.utf8))
        } catch {
            throw CLIFailure("the values are not a JSON object", hint: #"pass --json '{"full_name": "...", "birth_date": "1990-01-31"}'"#)
        }
    }
}

/// `record put`: stores a record (values as a JSON object from --json or standard input).
struct RecordPutCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "put", abstract: "Store a new record, or replace a record's values with --id (as `record update --replace`).")
    @OptionGroup var node: NodeOptions
    @Option(help: "Record type (a registered schema).") var type: String = "citizen"
    @Option(help: "The citizen's national id (only its keyed pseudonym is stored).") var nationalId: String?
    @Option(help: "Replace this record's values instead of creating one (fields not given are dropped).") var id: String?
    @Option(help: "Field values as a JSON object; read from standard input when absent.") var json: String?

    func validate() throws {
        if id == nil && nationalId == nil { throw ValidationError("give --national-id for a new record, or --id to update one") }
    }

    func run() async throws {
        let input = try RecordCommand.values(json)
        let vault = try await node.open().vault
        do {
            let receipt = if let id {
                try await vault.updateRecord(id: id, input: input, by: node.caller)
            } else {
                try await vault.createRecord(type: type, nationalID: nationalId!, input: input, by: node.caller)
            }
            try JSONOutput.print(["record": .string(receipt.recordID), "version": .integer(Int64(receipt.version)), "ledger_index": .integer(Int64(receipt.ledgerIndex))] as [String: JSONValue])
        } catch { throw CLIFailure.from(error) }
    }
}

/// `record update`: a new version of a record; a patch by default (only the fields given change), or a full
/// replace with `--replace`.
struct RecordUpdateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "update", abstract: "Change a record's fields in a new version (a patch unless --replace).",
        discussion: """
            By default only the fields in --json change (null removes an optional field); every other field keeps its \
            value, re-encrypted for the new version, and attestable fields keep their commitments. With --replace the \
            values given are the whole record and fields not given are dropped. Either way a write may set, change or \
            drop only fields at or below the actor's clearance: a replace is refused when the record holds a value above \
            it, even an unchanged one. The operator at the command line is an officer with every clearance.
            """)
    @OptionGroup var node: NodeOptions
    @Option(help: "Record id.") var id: String
    @Option(help: "Field values as a JSON object (only the fields to change, unless --replace); read from standard input when absent.") var json: String?
    @Flag(help: "Replace the whole record: fields not in --json are dropped.") var replace = false

    func run() async throws {
        let input = try RecordCommand.values(json)
        let vault = try await node.open().vault
        do {
            let receipt = await replace
                ? try vault.updateRecord(id: id, input: input, by: node.caller) : try vault.patchRecord(id: id, changes: input, by: node.caller)
            try JSONOutput.print(["record": .string(receipt.recordID), "version": .integer(Int64(receipt.version)), "ledger_index": .integer(Int64(receipt.ledgerIndex))] as [String: JSONValue])
        } catch { throw CLIFailure.from(error) }
    }
}

/// `record get`: reads the fields the actor may see, for a purpose; the read is logged on the ledger.
struct RecordGetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "get", abstract: "Read a record (logged on the ledger).")
    @OptionGroup var node: NodeOptions
    @Option(help: "Record id.") var id: String
    @Option(help: "Why it is read: a code such as audit or benefit-check (public on the ledger).") var purpose: String

    func run() async throws {
        let vault = try await node.open().vault
        do {
            let view = try await vault.readRecord(id: id, purpose: purpose, by: node.caller)
            try JSONOutput.print(RecordViewJSON(view))
        } catch { throw CLIFailure.from(error) }
    }
}

/// `record list`: the records of a citizen (ids and metadata only).
struct RecordListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List a citizen's records.")
    @OptionGroup var node: NodeOptions
    @Option(help: "The citizen's national id.") var nationalId: String

    func run() async throws {
        let vault = try await node.open().vault
        do {
            for row in try await vault.records(ofCitizen: nationalId, by: node.caller) {
                try JSONOutput.print(["record": .string(row.id), "type": .string(row.type), "version": .integer(Int64(row.version)), "shredded": .bool(row.shredded)] as [String: JSONValue])
            }
        } catch { throw CLIFailure.from(error) }
    }
}

/// `record shred`: crypto-shreds a record.
struct RecordShredCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "shred", abstract: "Crypto-shred a record: its keys, values and openings are destroyed.")
    @OptionGroup var node: NodeOptions
    @Option(help: "Record id.") var id: String

    func run() async throws {
        let vault = try await node.open().vault
        do {
            let index = try await vault.shred(id: id, by: node.caller)
            print("shredded \(id) (ledger index \(index))")
        } catch { throw CLIFailure.from(error) }
    }
}
