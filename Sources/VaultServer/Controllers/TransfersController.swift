import Foundation
import Hummingbird
import VaultCore

/// Transfers that execute themselves: `POST /v1/transfers` opens one (the seller's citizen token, a department
/// member or an officer), `POST|DELETE /v1/transfers/{id}/conditions/{condition}` gives or withdraws a condition
/// (the party or member the rule names), `POST /v1/transfers/{id}/execute` retries after an encumbrance is lifted,
/// `GET /v1/transfers/{id}` shows it. The node executes the transfer when the last condition is met.
struct TransfersController {
    let state: ServiceState

    struct OpenBody: Decodable {
        let parcel: String
        let buyer_national_id: String
        let rule: String
        static let keys: Set<String> = ["parcel", "buyer_national_id", "rule"]
    }

    struct ConditionJSON: Encodable {
        let id: String
        let by: String
        let met_at: UInt64?
    }

    struct ViewJSON: Encodable {
        let transfer: String
        let parcel: String
        let title: String
        let rule: String
        let rule_version: Int
        let status: String
        let expires_at_ms: UInt64
        let conditions: [ConditionJSON]
        let new_title: String?
        let closed_at: UInt64?
        let blocked: String?

        init(_ v: TransferView) {
            transfer = v.id
            parcel = v.parcel
            title = v.title
            rule = v.rule
            rule_version = v.ruleVersion
            status = v.status
            expires_at_ms = v.expiresAtMs
            conditions = v.conditions.map { ConditionJSON(id: $0.id, by: $0.by, met_at: $0.entry) }
            new_title = v.newTitle
            closed_at = v.closedAt
            blocked = v.blocked
        }
    }

    func addRoutes(to group: RouterGroup<VaultRequestContext>) {
        group.post { request, context in
            let caller = try context.require([.citizen, .department, .officer])
            let body = try await RequestBody.decode(OpenBody.self, from: request, allowed: OpenBody.keys, maxBytes: state.configuration.maxBodyBytes)
            guard !body.buyer_national_id.isEmpty, body.buyer_national_id.utf8.count <= 64, body.parcel.utf8.count <= 64, body.rule.utf8.count <= 64 else {
                throw APIError(.badRequest, "invalid_request", "parcel, rule and buyer_national_id are 1-64 bytes")
            }
            let view = try await state.vault.openTransfer(
                parcel: body.parcel, buyerNationalID: body.buyer_national_id, rule: body.rule, by: caller, citizen: context.citizen)
            return try JSONResponse.make(ViewJSON(view), status: .created)
        }
        group.get("{id}") { _, context in
            let caller = try context.require([.citizen, .department, .officer, .auditor])
            return try await JSONResponse.make(ViewJSON(try state.vault.transfer(try context.parameters.require("id"), by: caller, citizen: context.citizen)))
        }
        group.post("{id}/conditions/{condition}") { _, context in
            let caller = try context.require([.citizen, .department, .officer])
            let view = try await state.vault.giveCondition(
                transfer: try context.parameters.require("id"), condition: try context.parameters.require("condition"), by: caller, citizen: context.citizen)
            return try JSONResponse.make(ViewJSON(view))
        }
        group.delete("{id}/conditions/{condition}") { _, context in
            let caller = try context.require([.citizen, .department, .officer])
            let view = try await state.vault.withdrawCondition(
                transfer: try context.parameters.require("id"), condition: try context.parameters.require("condition"), by: caller, citizen: context.citizen)
            return try JSONResponse.make(ViewJSON(view))
        }
        group.post("{id}/execute") { _, context in
            let caller = try context.require([.department, .officer])
            return try await JSONResponse.make(ViewJSON(try state.vault.retryTransfer(try context.parameters.require("id"), by: caller)))
        }
    }
}
