import Foundation
import Hummingbird
import Logging
import Prometheus
import VaultCore
import VaultCrypto
import VaultLedger
import VaultNode
import VaultSQLite

/// `POST /v1/attestations` (requesters, officers on a requester's behalf): a bundle at once (201), or a pending
/// approval (202) when policy says so. `POST /v1/attestations/verify` (public): checks a bundle like the offline CLI.
struct AttestationsController {
    let state: ServiceState

    struct AttestBody: Decodable {
        let record: String
        let predicates: [PredicateSpec]
        let nonce: String
        let purpose: String
        let expires_in: UInt64?
        let requester: String?
        static let keys: Set<String> = ["record", "predicates", "nonce", "purpose", "expires_in", "requester"]
    }

    struct VerifyBody: Decodable {
        let bundle: AttestationBundle
        let requester: String?
        let nonce: String?
        static let keys: Set<String> = ["bundle", "requester", "nonce"]
    }

    struct Issued: Encodable {
        let status = "issued"
        let ledger_index: UInt64
        let bundle: AttestationBundle
    }

    func addRoutes(to group: RouterGroup<VaultRequestContext>) {
        group.post { request, context in
            let caller = try context.require([.requester, .officer])
            let body = try await RequestBody.decode(AttestBody.self, from: request, allowed: AttestBody.keys, maxBytes: state.configuration.maxBodyBytes)
            guard let nonce = Base64.decode(body.nonce), (16...64).contains(nonce.count) else {
                throw APIError(.badRequest, "invalid_request", "nonce must be 16-64 bytes, base64")
            }
            let requester = caller.role == .officer ? (body.requester ?? caller.id) : caller.id
            if caller.role == .requester, let claimed = body.requester, claimed != caller.id {
                throw APIError(.forbidden, "forbidden", "a requester may only ask for itself")
            }
            let lifetime = min(body.expires_in ?? 600, 86_400)
            let attestation = AttestationRequest(
                recordID: body.record, predicates: body.predicates, requester: requester, nonce: nonce,
                expiry: UInt64(Date().timeIntervalSince1970) + lifetime, purpose: body.purpose)
            switch try state.vault.requestAttestation(attestation, by: caller) {
            case let .issued(made):
                state.metrics.attestationsIssued.increment()
                return try JSONResponse.make(Issued(ledger_index: made.ledgerIndex, bundle: made.bundle), status: .created)
            case let .pending(approval):
                state.metrics.attestationsPending.increment()
                return try JSONResponse.make(ApprovalJSON(approval), status: .accepted)
            }
        }
    }

    func verify(_ request: Request, _ context: VaultRequestContext) async throws -> Response {
        let body = try await RequestBody.decode(VerifyBody.self, from: request, allowed: VerifyBody.keys, maxBytes: state.configuration.maxBodyBytes)
        var nonce: [UInt8]?
        if let text = body.nonce {
            guard let bytes = Base64.decode(text) else { throw APIError(.badRequest, "invalid_request", "nonce must be base64") }
            nonce = bytes
        }
        let verified = try BundleVerifier(ledgerKey: state.verifierKey).verify(
            body.bundle, now: UInt64(Date().timeIntervalSince1970), requester: body.requester, nonce: nonce)
        return try JSONResponse.make([
            "valid": .bool(true), "requester": .string(verified.requester), "predicate": .string(verified.predicate),
            "record_type": .string(verified.recordType), "ledger_index": .integer(Int64(verified.ledgerIndex)),
            "tree_size": .integer(Int64(verified.treeSize)), "expiry": .integer(Int64(verified.expiry)),
        ] as [String: JSONValue])
    }
}
