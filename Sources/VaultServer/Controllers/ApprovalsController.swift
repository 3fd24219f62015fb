import Foundation
import Hummingbird
import Logging
import Prometheus
import VaultCore
import VaultCrypto
import VaultLedger
import VaultNode
import VaultSQLite

/// `GET /v1/approvals` (officers: pending requests), `POST /v1/approvals/{id}` (officers other than the filer:
/// approve or deny; 409 once decided or when approving twice), `GET /v1/approvals/{id}` (officers, or the
/// requester collecting its bundle).
struct ApprovalsController {
    let state: ServiceState

    struct DecisionBody: Decodable {
        let decision: String
        /// A reason code written on the officer's ledger entry (a-z 0-9 . _ -, never free text).
        let reason: String?
        static let keys: Set<String> = ["decision", "reason"]
    }

    func addRoutes(to group: RouterGroup<VaultRequestContext>) {
        group.get { request, context in
            let caller = try context.require([.officer])
            let status = try request.uri.queryParameters.get("status").map { text -> Approval.Status in
                guard let status = Approval.Status(rawValue: text) else { throw APIError(.badRequest, "invalid_request", "status is pending, approved or denied") }
                return status
            } ?? .pending
            return try await JSONResponse.make(try state.vault.approvals(status: status, by: caller).map(ApprovalJSON.init))
        }
        group.get("{id}") { _, context in
            let caller = try context.require([.officer, .requester])
            guard let approval = try await state.vault.approval(id: try context.parameters.require("id"), by: caller) else {
                throw APIError(.notFound, "not_found", "no such approval")
            }
            return try JSONResponse.make(ApprovalJSON(approval))
        }
        group.post("{id}") { request, context in
            let caller = try context.require([.officer])
            let body = try await RequestBody.decode(DecisionBody.self, from: request, allowed: DecisionBody.keys, maxBytes: state.configuration.maxBodyBytes)
            guard body.decision == "approve" || body.decision == "deny" else {
                throw APIError(.badRequest, "invalid_request", "decision is approve or deny")
            }
            let id = try context.parameters.require("id")
            return try await JSONResponse.make(ApprovalJSON(try state.vault.decide(approvalID: id, approve: body.decision == "approve", reason: body.reason, by: caller)))
        }
    }
}

/// An approval as JSON.
struct ApprovalJSON: Encodable {
    let approval: String
    let status: String
    let rule: String
    let request: AttestationRequest
    let decided_by: String?
    let bundle: AttestationBundle?
    let filed_by: String
    /// Officers who approved so far, in order, and how many must.
    let approved_by: [String]
    let approvals: Int
    let required: Int

    init(_ a: Approval) {
        approval = a.id
        status = a.status.rawValue
        rule = a.rule
        request = a.request
        decided_by = a.decidedBy
        bundle = a.bundle
        filed_by = a.filedBy
        approved_by = a.approvers
        approvals = a.approvers.count
        required = a.required
    }
}
