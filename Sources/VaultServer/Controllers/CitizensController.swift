import Foundation
import Hummingbird
import Logging
import Prometheus
import VaultCore
import VaultCrypto
import VaultLedger
import VaultSQLite

/// `GET /v1/citizens/me/access-log`: a citizen sees every create, read, refusal, attestation and shred that
/// touched their records, with actor, purpose, time and the ledger index that proves it.
struct CitizensController {
    let state: ServiceState

    struct Event: Encodable {
        let ledger_index: UInt64
        let type: String
        let actor: String
        let timestamp_ms: UInt64
        let record: String?
        let purpose: String?
        let fields: [String]?
        let refused: [String]?
        let requester: String?
    }

    func addRoutes(to group: RouterGroup<VaultRequestContext>) {
        group.get("me/access-log") { _, context in
            _ = try context.require([.citizen])
            guard let citizen = context.citizen else { throw APIError(.forbidden, "forbidden", "this token is not bound to a citizen") }
            let events = try state.vault.accessLog(citizen: citizen).map {
                Event(ledger_index: $0.ledgerIndex, type: $0.type, actor: $0.actor, timestamp_ms: $0.timestampMs, record: $0.record,
                      purpose: $0.purpose, fields: $0.fields.isEmpty ? nil : $0.fields, refused: $0.refused.isEmpty ? nil : $0.refused,
                      requester: $0.requester)
            }
            return try JSONResponse.make(["events": events])
        }
    }
}
