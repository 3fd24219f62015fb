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

    /// One record of a `POST /v1/records:batch` answer.
    struct BatchReceipt: Encodable {
        let key: String
        let record: String
        let version: Int
        let ledger_index: UInt64
        let status: String
    }

    /// A batch body read strictly: only the documented members, at every level; at most `Vault.maxImportBatch` records.
    static func batch(_ json: StrictJSON) throws -> (type: String, items: [RecordImport]) {
        let top = try json.members("body", allowed: ["type", "records"], required: ["type", "records"])
        let type = try top["type"]!.string("type")
        let records = try top["records"]!.array("records")
        guard !records.isEmpty else { throw APIError(.badRequest, "invalid_request", "records must hold 1-\(Vault.maxImportBatch) records") }
        guard records.count <= Vault.maxImportBatch else {
            throw APIError(.contentTooLarge, "batch_too_large", "a batch holds at most \(Vault.maxImportBatch) records, not \(records.count)")
        }
        let items = try records.indices.map { i in
            let m = try records[i].members("records[\(i)]", allowed: ["key", "national_id", "values"], required: ["key", "national_id", "values"])
            guard case let .object(values) = JSONValue(m["values"]!) else { throw VaultError.malformedJSON("records[\(i)].values must be an object") }
            return RecordImport(key: try m["key"]!.string("records[\(i)].key"), nationalID: try m["national_id"]!.string("records[\(i)].national_id"), values: values)
        }
        return (type, items)
    }

    /// `POST /v1/records:batch` (a literal segment: Hummingbird parses a component as a parameter only when it
    /// starts with `:` or `{`): up to 1,000 new records in one transaction, idempotent by each record's `key`.
    func addBatchRoute(to group: RouterGroup<VaultRequestContext>) {
        group.post("records:batch") { request, context in
            let caller = try context.require([.department, .officer])
            // A batch carries many records: it may be up to 16 times the size of a single request's body.
            let (json, _) = try await RequestBody.strict(from: request, maxBytes: state.configuration.maxBodyBytes * 16)
            let (type, items) = try Self.batch(json)
            let results = try await state.vault.importRecords(type: type, items, by: caller)
            let created = results.filter { $0.status == .created }.count
            if created > 0 { state.metrics.recordsWritten.increment(by: Int64(created)) }
            return try JSONResponse.make(["records": results.map {
                BatchReceipt(key: $0.key, record: $0.receipt.recordID, version: $0.receipt.version, ledger_index: $0.receipt.ledgerIndex, status: $0.status.rawValue)
            }])
        }
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
