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

    /// `{"bundle": {...}, "requester": id, "nonce": base64, "record": id?}`, or `"no_replay_check": true` instead of
    /// requester and nonce.
    static let verifyKeys: Set<String> = ["bundle", "requester", "nonce", "record", "no_replay_check"]

    /// A verification's result: what the bundle proves, each part authenticated.
    struct VerifiedJSON: Encodable {
        let valid = true
        let bundle_version: Int
        let record: String
        let record_version: UInt64
        let record_type: String
        let purpose: String?
        let requester: String
        let predicate: String
        let claims: [String]
        let on: [String]
        let expiry: UInt64
        let ledger_index: UInt64
        let tree_size: UInt64
        let replay_checked: Bool
        let warning: String?

        init(_ v: BundleVerifier.Verified) {
            bundle_version = v.bundleVersion
            record = v.recordID
            record_version = v.recordVersion
            record_type = v.recordType
            purpose = v.purpose
            requester = v.requester
            predicate = v.predicate
            claims = v.claims
            on = v.dates
            expiry = v.expiry
            ledger_index = v.ledgerIndex
            tree_size = v.treeSize
            replay_checked = v.replayChecked
            warning = v.replayChecked ? nil : "requester and nonce were not checked (no_replay_check): this bundle may be a copy made for someone else"
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(valid, forKey: .valid)
            try c.encode(bundle_version, forKey: .bundle_version)
            try c.encode(record, forKey: .record)
            try c.encode(record_version, forKey: .record_version)
            try c.encode(record_type, forKey: .record_type)
            try c.encode(purpose, forKey: .purpose)
            try c.encode(requester, forKey: .requester)
            try c.encode(predicate, forKey: .predicate)
            try c.encode(claims, forKey: .claims)
            try c.encode(on, forKey: .on)
            try c.encode(expiry, forKey: .expiry)
            try c.encode(ledger_index, forKey: .ledger_index)
            try c.encode(tree_size, forKey: .tree_size)
            try c.encode(replay_checked, forKey: .replay_checked)
            try c.encodeIfPresent(warning, forKey: .warning)
        }

        enum CodingKeys: String, CodingKey {
            case valid, bundle_version, record, record_version, record_type, purpose, requester, predicate, claims, on, expiry, ledger_index,
                tree_size, replay_checked, warning
        }
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
            let lifetime = body.expires_in ?? 86_400
            guard (1...BundleVerifier.maxLifetime).contains(lifetime) else {
                throw APIError(.badRequest, "invalid_request", "expires_in must be 1...\(BundleVerifier.maxLifetime) seconds (30 days); the default is one day")
            }
            let attestation = AttestationRequest(
                recordID: body.record, predicates: body.predicates, requester: requester, nonce: nonce,
                expiry: UInt64(Date().timeIntervalSince1970) + lifetime, purpose: body.purpose)
            switch try await state.vault.requestAttestation(attestation, by: caller) {
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
        let (json, _) = try await RequestBody.strict(from: request, maxBytes: state.configuration.maxBodyBytes)
        let body: [String: StrictJSON]
        do { body = try json.members("body", allowed: Self.verifyKeys, required: ["bundle"]) } catch {
            throw APIError(.badRequest, "invalid_request", error.description)
        }
        func text(_ name: String) throws -> String? {
            do { return try body[name].map { j throws(VaultError) in try j.string(name) } } catch {
                throw APIError(.badRequest, "invalid_request", error.description)
            }
        }
        let skip: Bool
        switch body["no_replay_check"] {
        case nil: skip = false
        case let .bool(b)?: skip = b
        default: throw APIError(.badRequest, "invalid_request", "no_replay_check must be a boolean")
        }
        let requester = try text("requester"), nonceText = try text("nonce"), record = try text("record")
        let expectation: BundleVerifier.Expectation
        if skip {
            guard requester == nil, nonceText == nil else {
                throw APIError(.badRequest, "invalid_request", "no_replay_check goes without requester and nonce")
            }
            expectation = .noReplayCheck(record: record)
        } else {
            guard let requester, let nonceText else {
                throw APIError(.badRequest, "replay_check_required", "give requester and nonce (the ones sent with the request), or \"no_replay_check\": true")
            }
            guard let nonce = Base64.decode(nonceText) else { throw APIError(.badRequest, "invalid_request", "nonce must be base64") }
            expectation = .replay(requester: requester, nonce: nonce, record: record)
        }
        let verified = try BundleVerifier(ledgerKey: state.verifierKey).verify(
            try AttestationBundle.decode(body["bundle"]!), now: UInt64(Date().timeIntervalSince1970), expecting: expectation)
        return try JSONResponse.make(VerifiedJSON(verified))
    }
}
