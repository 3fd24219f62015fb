import Foundation
import Hummingbird
import Logging
import Prometheus
import VaultCore
import VaultCrypto
import VaultLedger
import VaultNode
import VaultSQLite

/// `POST /v1/records`, `GET|PUT|PATCH|DELETE /v1/records/{id}`: departments and officers write and read records
/// within their clearance (a write may set or change only fields at or below it: PATCH names the fields it
/// changes, PUT replaces a record whose every value the caller may write); officers shred. Every operation is on
/// the ledger.
struct RecordsController {
    let state: ServiceState

    struct CreateBody: Decodable {
        let type: String
        let national_id: String
        let values: [String: JSONValue]
        static let keys: Set<String> = ["type", "national_id", "values"]
    }

    struct UpdateBody: Decodable {
        let values: [String: JSONValue]
        static let keys: Set<String> = ["values"]
    }

    struct Receipt: Encodable {
        let record: String
        let version: Int
        let ledger_index: UInt64
    }

    func addRoutes(to group: RouterGroup<VaultRequestContext>) {
        group.post { request, context in
            let caller = try context.require([.department, .officer])
            let body = try await RequestBody.decode(CreateBody.self, from: request, allowed: CreateBody.keys, maxBytes: state.configuration.maxBodyBytes)
            guard !body.national_id.isEmpty, body.national_id.utf8.count <= 64 else {
                throw APIError(.badRequest, "invalid_request", "national_id must be 1-64 bytes")
            }
            let receipt = try await state.vault.createRecord(type: body.type, nationalID: body.national_id, input: body.values, by: caller)
            state.metrics.recordsWritten.increment()
            return try JSONResponse.make(Receipt(record: receipt.recordID, version: receipt.version, ledger_index: receipt.ledgerIndex), status: .created)
        }
        group.get("{id}") { request, context in
            let caller = try context.require([.department, .officer, .requester, .auditor, .citizen])
            let id = try context.parameters.require("id")
            guard let purpose = request.uri.queryParameters.get("purpose") else {
                throw APIError(.badRequest, "invalid_request", "query parameter purpose is required (a code such as audit)")
            }
            do {
                let view = try await state.vault.readRecord(id: id, purpose: purpose, by: caller)
                state.metrics.recordReads.increment()
                return try JSONResponse.make(RecordViewJSON(view))
            } catch {
                state.metrics.refusals.increment()
                throw error
            }
        }
        group.put("{id}") { request, context in
            let caller = try context.require([.department, .officer])
            let body = try await RequestBody.decode(UpdateBody.self, from: request, allowed: UpdateBody.keys, maxBytes: state.configuration.maxBodyBytes)
            let receipt = try await state.vault.updateRecord(id: try context.parameters.require("id"), input: body.values, by: caller)
            state.metrics.recordsWritten.increment()
            return try JSONResponse.make(Receipt(record: receipt.recordID, version: receipt.version, ledger_index: receipt.ledgerIndex))
        }
        group.patch("{id}") { request, context in
            let caller = try context.require([.department, .officer])
            let body = try await RequestBody.decode(UpdateBody.self, from: request, allowed: UpdateBody.keys, maxBytes: state.configuration.maxBodyBytes)
            let receipt = try await state.vault.patchRecord(id: try context.parameters.require("id"), changes: body.values, by: caller)
            state.metrics.recordsWritten.increment()
            return try JSONResponse.make(Receipt(record: receipt.recordID, version: receipt.version, ledger_index: receipt.ledgerIndex))
        }
        group.delete("{id}") { _, context in
            let caller = try context.require([.officer])
            let index = try await state.vault.shred(id: try context.parameters.require("id"), by: caller)
            return try JSONResponse.make(["shredded": .bool(true), "ledger_index": .integer(Int64(index))] as [String: JSONValue])
        }
    }
}
