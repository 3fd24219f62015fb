import Foundation
import Hummingbird
import Logging
import Prometheus
import VaultCore
import VaultCrypto
import VaultLedger
import VaultNode
import VaultSQLite

/// `GET /v1/citizens/me/access-log`: a citizen sees every create, read, refusal, attestation and shred that
/// touched their records, with actor, purpose, time and the ledger index that proves it.
struct CitizensController {
    let state: ServiceState

    func addRoutes(to group: RouterGroup<VaultRequestContext>) {
        group.get("me/access-log") { _, context in
            let caller = try context.require([.citizen])
            guard let citizen = context.citizen else { throw APIError(.forbidden, "forbidden", "this token is not bound to a citizen") }
            let events = try state.vault.accessLog(citizen: citizen, by: caller).map(AccessEventJSON.init)
            return try JSONResponse.make(["events": events])
        }
    }
}
