import Foundation
import Hummingbird
import VaultCore
import VaultCrypto
import VaultLedger
import VaultNode
import VaultPages

/// `/citizen`: the citizen's access log in plain words, the requests waiting for their consent (allow or refuse),
/// and "check my trail" (trail.js, with the trail key from `/citizen/trail`). Only a citizen's session opens it, and
/// it reads through the same vault calls as `/v1/citizens/me/...` with that session's caller.
extension PagesController {
    func addCitizenRoutes(to group: RouterGroup<VaultRequestContext>) {
        group.get("citizen") { request, _ in try await citizen(request) }
        group.get("citizen/trail") { request, _ in try await citizenTrail(request) }
        group.post("citizen/requests/{id}") { request, context in
            let id = try context.parameters.require("id")
            return try await sessionForm(request, roles: [.citizen], page: "/citizen", fields: ["decision"]) { viewer, form in
                let citizen = try Self.citizen(of: viewer)
                guard let decision = form["decision"], decision == "approve" || decision == "deny" else {
                    throw APIError(.badRequest, "invalid_request", "the decision is approve or deny")
                }
                let decided = try await state.vault.decideConsent(id: id, approve: decision == "approve", citizen: citizen, by: viewer.caller)
                let who = decided.approval.request.requester
                return decision == "approve" ? "You allowed \(who)'s request; they have their answer." : "You refused \(who)'s request."
            }
        }
    }

    static func citizen(of viewer: PageViewer) throws -> Pseudonym {
        guard let citizen = viewer.grant.citizen else { throw APIError(.forbidden, "forbidden", "this token is not bound to a citizen") }
        return citizen
    }

    func citizen(_ request: Request) async throws -> Response {
        guard await PageViewer.of(request, state) != nil else { return PageResponse.redirect("/signin") }
        let viewer = try await PageViewer.require(request, state, [.citizen], page: "citizen")
        let citizen = try Self.citizen(of: viewer)
        let events = try await state.vault.accessLog(citizen: citizen, by: viewer.caller)
        let requests = try await state.vault.consentRequests(citizen: citizen, by: viewer.caller)
        func claims(_ specs: [PredicateSpec]) -> [String] { specs.map(PlainWords.predicate) }
        let decided = requests.filter { $0.approval.status != .pending || $0.expired }
        let values: [String: Any] = [
            "hasDecided": !decided.isEmpty,
            "csrf": viewer.session.csrf,
            "verifierKey": state.verifierKey.description,
            "pending": requests.filter { $0.approval.status == .pending && !$0.expired }.map { r -> [String: Any] in
                ["id": r.approval.id, "requester": r.approval.request.requester, "purpose": r.approval.request.purpose,
                 "record": r.approval.request.recordID, "claims": claims(r.approval.request.predicates), "expires": PlainWords.time(r.expiresAtMs)]
            },
            "decided": decided.map { r -> [String: Any] in
                ["requester": r.approval.request.requester, "purpose": r.approval.request.purpose,
                 "status": r.expired ? "expired" : r.approval.status == .approved ? "allowed" : "refused"]
            },
            "events": events.reversed().map { e -> [String: Any] in
                let (sentence, outcome) = PlainWords.event(e)
                var v: [String: Any] = ["index": e.ledgerIndex, "time": PlainWords.time(e.timestampMs), "sentence": sentence,
                                        "outcomeClass": outcome.map { $0 == "answered" ? "answered" : "refused" } ?? ""]
                if let outcome { v["outcome"] = outcome }
                return v
            },
        ]
        return await state.render("citizen", values, chrome: viewer.chrome(state, title: "Your records", current: "citizen", scripts: ["ledger.js", "trail.js"]))
    }

    /// The citizen's trail key and the ledger indexes of their log, for "check my trail" (JSON; the same data as
    /// `GET /v1/citizens/me/trail-key` and `/access-log`). The session cookie is SameSite=Strict and the answer is
    /// JSON, which another site's page can neither send with the cookie nor read.
    func citizenTrail(_ request: Request) async throws -> Response {
        let viewer = try await PageViewer.require(request, state, [.citizen], page: "citizen")
        let citizen = try Self.citizen(of: viewer)
        let key = try await state.vault.trailKey(citizen: citizen, by: viewer.caller)
        let events = try await state.vault.accessLog(citizen: citizen, by: viewer.caller)
        return try JSONResponse.make([
            "trail_key": .string(Base64.encode(key.unsafeCopy())),
            "events": .array(events.map { .object(["ledger_index": .integer(Int64($0.ledgerIndex)), "type": .string($0.type)]) }),
        ] as [String: JSONValue])
    }
}
