/// The JSON shape of a read record, shared by the CLI and the HTTP API.
public struct RecordViewJSON: Encodable, Sendable {
    public let record: String
    public let type: String
    public let version: Int
    public let fields: [String: JSONValue]
    public let withheld: [String]
    public let ledger_index: UInt64

    public init(_ view: RecordView) {
        record = view.recordID
        type = view.type
        version = view.version
        fields = view.fields.mapValues(\.json)
        withheld = view.withheld
        ledger_index = view.ledgerIndex
    }
}

/// The JSON shape of an access-log event, shared by the CLI and the HTTP API; empty lists are left out.
public struct AccessEventJSON: Encodable, Sendable {
    public let ledger_index: UInt64
    public let type: String
    public let actor: String
    public let timestamp_ms: UInt64
    public let record: String?
    public let purpose: String?
    public let fields: [String]?
    public let refused: [String]?
    public let requester: String?
    public let outcome: String?

    public init(_ e: AccessEvent) {
        ledger_index = e.ledgerIndex
        type = e.type
        actor = e.actor
        timestamp_ms = e.timestampMs
        record = e.record
        purpose = e.purpose
        fields = e.fields.isEmpty ? nil : e.fields
        refused = e.refused.isEmpty ? nil : e.refused
        requester = e.requester
        outcome = e.outcome
    }
}
