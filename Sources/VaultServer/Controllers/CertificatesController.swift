import Foundation
import Hummingbird
import VaultCore
import VaultCrypto

/// Paperless certificates: `POST /v1/citizens/me/certificates` (the citizen chooses the fields and the verifier),
/// `DELETE /v1/certificates/{certificate}` (department members and officers revoke), and without a token
/// `GET /v1/public/certificates/{certificate}`: the status, with proofs, to check offline beside the certificate.
struct CertificatesController {
    let state: ServiceState

    struct IssueBody: Decodable {
        let record: String
        let fields: [String]
        let verifier: String
        let nonce: String
        let expires_in: UInt64?
        static let keys: Set<String> = ["record", "fields", "verifier", "nonce", "expires_in"]
    }

    func addCitizenRoutes(to group: RouterGroup<VaultRequestContext>) {
        group.post("me/certificates") { request, context in
            let caller = try context.require([.citizen])
            guard let citizen = context.citizen else { throw APIError(.forbidden, "forbidden", "this token is not bound to a citizen") }
            let body = try await RequestBody.decode(IssueBody.self, from: request, allowed: IssueBody.keys, maxBytes: state.configuration.maxBodyBytes)
            guard let nonce = Base64.decode(body.nonce), (16...64).contains(nonce.count) else {
                throw APIError(.badRequest, "invalid_request", "nonce must be 16-64 bytes, base64")
            }
            let lifetime = body.expires_in ?? 86_400
            guard (1...BundleVerifier.maxLifetime).contains(lifetime) else {
                throw APIError(.badRequest, "invalid_request", "expires_in must be 1...\(BundleVerifier.maxLifetime) seconds (30 days); the default is one day")
            }
            let certificate = try await state.vault.issueCertificate(
                recordID: body.record, fields: body.fields, verifier: body.verifier, nonce: nonce,
                expiry: UInt64(Date().timeIntervalSince1970) + lifetime, citizen: citizen, by: caller)
            return try JSONResponse.make(certificate, status: .created)
        }
    }

    func addRoutes(to group: RouterGroup<VaultRequestContext>) {
        group.delete("{certificate}") { _, context in
            let caller = try context.require([.department, .officer])
            let at = try await state.vault.revokeCertificate(try index(context), by: caller)
            return try JSONResponse.make(["revoked": .bool(true), "ledger_index": .integer(Int64(at))] as [String: JSONValue])
        }
    }

    func addPublicRoutes(to group: RouterGroup<VaultRequestContext>) {
        group.get("{certificate}") { _, context in
            try await JSONResponse.make(try state.vault.certificateStatus(try index(context)))
        }
    }

    func index(_ context: VaultRequestContext) throws -> UInt64 {
        let text = try context.parameters.require("certificate")
        guard let index = UInt64(text), String(index) == text else { throw APIError(.badRequest, "invalid_request", "a certificate is its ledger index, a decimal integer") }
        return index
    }
}
