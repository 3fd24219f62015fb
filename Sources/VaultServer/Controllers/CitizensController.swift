import Foundation
import Hummingbird
import Logging
import Prometheus
import VaultCore
import VaultCrypto
import VaultLedger
import VaultNode
import VaultSQLite

/// `GET /v1/citizens/me/trail-key` (the key of the citizen's ledger tags) and `GET /v1/citizens/me/access-log`: a citizen sees every create, read, refusal, attestation and shred that
/// touched their records, with actor, purpose, time and the ledger index that proves it.
struct CitizensController {
    let state: ServiceState

    func addRoutes(to group: RouterGroup<VaultRequestContext>) {
        group.get("me/trail-key") { _, context in
            let caller = try context.require([.citizen])
            guard let citizen = context.citizen else { throw APIError(.forbidden, "forbidden", "this token is not bound to a citizen") }
            let key = try state.vault.trailKey(citizen: citizen, by: caller)
            return try JSONResponse.make([
                "trail_key": .string(Base64.encode(key.unsafeCopy())),
                "tag": .string("tag_n = HMAC-SHA-256(trail_key, n as 8 bytes big-endian), n = 0, 1, 2, ... per event"),
                "lookup": .string("GET /v1/ledger/tags/{hex(tag_n)}"),
            ] as [String: JSONValue])
        }
        group.get("me/access-log") { _, context in
            let caller = try context.require([.citizen])
            guard let citizen = context.citizen else { throw APIError(.forbidden, "forbidden", "this token is not bound to a citizen") }
            let events = try state.vault.accessLog(citizen: citizen, by: caller).map(AccessEventJSON.init)
            return try JSONResponse.make(["events": events])
        }
    }
}
