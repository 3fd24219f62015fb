import Foundation
import Hummingbird
import VaultCore

/// The land registry: `POST /v1/parcels` (departments and officers register a parcel's title for its owner) and,
/// without a token, `GET /v1/public/parcels/{parcel}`: the public fields of the current title (never the owner)
/// and the parcel's ledger history with inclusion proofs against the signed checkpoint, to check offline.
struct ParcelsController {
    let state: ServiceState

    struct RegisterBody: Decodable {
        let owner_national_id: String
        let values: [String: JSONValue]
        static let keys: Set<String> = ["owner_national_id", "values"]
    }

    struct Registered: Encodable {
        let parcel: String
        let record: String
        let ledger_index: UInt64
    }

    func addRoutes(to group: RouterGroup<VaultRequestContext>) {
        group.post { request, context in
            let caller = try context.require([.department, .officer])
            let body = try await RequestBody.decode(RegisterBody.self, from: request, allowed: RegisterBody.keys, maxBytes: state.configuration.maxBodyBytes)
            guard !body.owner_national_id.isEmpty, body.owner_national_id.utf8.count <= 64 else {
                throw APIError(.badRequest, "invalid_request", "owner_national_id must be 1-64 bytes")
            }
            let receipt = try await state.vault.registerParcel(ownerNationalID: body.owner_national_id, values: body.values, by: caller)
            return try JSONResponse.make(Registered(parcel: receipt.parcel, record: receipt.recordID, ledger_index: receipt.ledgerIndex), status: .created)
        }
    }

    func addPublicRoutes(to group: RouterGroup<VaultRequestContext>) {
        group.get("{parcel}") { _, context in
            let parcel = try context.parameters.require("parcel")
            guard parcel.utf8.count <= 64 else { throw APIError(.badRequest, "invalid_request", "a parcel id is 1-64 characters") }
            return try await JSONResponse.make(try state.vault.publicParcel(parcel))
        }
    }
}
