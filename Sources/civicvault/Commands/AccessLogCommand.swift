import ArgumentParser
import VaultCore
import VaultSQLite

/// `civicvault access-log <national-id>`: everything that touched a citizen's records, one JSON line each.
struct AccessLogCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "access-log", abstract: "Show a citizen's access log.")
    @OptionGroup var node: NodeOptions
    @Argument(help: "The citizen's national id.") var nationalId: String

    func run() async throws {
        let vault = try node.open().vault
        do {
            for e in try vault.accessLog(nationalID: nationalId) { try JSONOutput.print(AccessEventJSON(e)) }
        } catch { throw CLIFailure.from(error) }
    }
}

/// The JSON shape of an access-log event (also served over HTTP).
struct AccessEventJSON: Encodable {
    let ledger_index: UInt64
    let type: String
    let actor: String
    let timestamp_ms: UInt64
    let record: String?
    let purpose: String?
    let fields: [String]?
    let refused: [String]?
    let requester: String?

    init(_ e: AccessEvent) {
        ledger_index = e.ledgerIndex
        type = e.type
        actor = e.actor
        timestamp_ms = e.timestampMs
        record = e.record
        purpose = e.purpose
        fields = e.fields.isEmpty ? nil : e.fields
        refused = e.refused.isEmpty ? nil : e.refused
        requester = e.requester
    }
}
