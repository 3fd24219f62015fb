import Foundation
import Hummingbird
import Logging
import Prometheus
import VaultCore
import VaultCrypto
import VaultLedger
import VaultNode
import VaultSQLite

/// `GET /v1/citizens/me/trail-key` (the key of the citizen's ledger tags) and `GET /v1/citizens/me/access-log`:
/// a citizen sees every create, read, refusal, question (with its outcome) and shred that touched their records,
/// with actor, purpose, time and the ledger index that proves it. `GET /v1/citizens/me/requests` and
/// `POST /v1/citizens/me/requests/{id}`: the requests that wait for their consent, and their decision.
struct CitizensController {
    let state: ServiceState

    struct DecisionBody: Decodable {
        let decision: String
        static let keys: Set<String> = ["decision"]
    }

    func addRoutes(to group: RouterGroup<VaultRequestContext>) {
        group.get("me/trail-key") { _, context in
            let caller = try context.require([.citizen])
            guard let citizen = context.citizen else { throw APIError(.forbidden, "forbidden", "this token is not bound to a citizen") }
            let key = try await state.vault.trailKey(citizen: citizen, by: caller)
            return try JSONResponse.make([
                "trail_key": .string(Base64.encode(key.unsafeCopy())),
                "tag": .string("tag_n = HMAC-SHA-256(trail_key, n as 8 bytes big-endian), n = 0, 1, 2, ... per event"),
                "lookup": .string("GET /v1/ledger/tags/{hex(tag_n)}"),
            ] as [String: JSONValue])
        }
        group.get("me/access-log") { _, context in
            let caller = try context.require([.citizen])
            guard let citizen = context.citizen else { throw APIError(.forbidden, "forbidden", "this token is not bound to a citizen") }
            let events = try await state.vault.accessLog(citizen: citizen, by: caller).map(AccessEventJSON.init)
            return try JSONResponse.make(["events": events])
        }
        group.get("me/requests") { _, context in
            let caller = try context.require([.citizen])
            guard let citizen = context.citizen else { throw APIError(.forbidden, "forbidden", "this token is not bound to a citizen") }
            return try await JSONResponse.make(["requests": try state.vault.consentRequests(citizen: citizen, by: caller).map(ConsentRequestJSON.init)])
        }
        group.post("me/requests/{id}") { request, context in
            let caller = try context.require([.citizen])
            guard let citizen = context.citizen else { throw APIError(.forbidden, "forbidden", "this token is not bound to a citizen") }
            let body = try await RequestBody.decode(DecisionBody.self, from: request, allowed: DecisionBody.keys, maxBytes: state.configuration.maxBodyBytes)
            guard body.decision == "approve" || body.decision == "deny" else {
                throw APIError(.badRequest, "invalid_request", "decision is approve or deny")
            }
            let decided = try await state.vault.decideConsent(
                id: try context.parameters.require("id"), approve: body.decision == "approve", citizen: citizen, by: caller)
            return try JSONResponse.make(ConsentRequestJSON(decided))
        }
    }
}

/// A consent request as the citizen sees it: who asks what about which record, for what, until when. No bundle.
struct ConsentRequestJSON: Encodable {
    let request: String
    /// pending, approved, denied, or expired (pending past its expiry).
    let status: String
    let requester: String
    let purpose: String
    let record: String
    let predicates: [PredicateSpec]
    let rule: String
    let created_at_ms: UInt64
    let expires_at_ms: UInt64
    let decided_by: String?

    init(_ c: ConsentRequest) {
        request = c.approval.id
        status = c.expired ? "expired" : c.approval.status.rawValue
        requester = c.approval.request.requester
        purpose = c.approval.request.purpose
        record = c.approval.request.recordID
        predicates = c.approval.request.predicates
        rule = c.approval.rule
        created_at_ms = c.approval.createdAtMs
        expires_at_ms = c.expiresAtMs
        decided_by = c.approval.decidedBy
    }
}
