import Foundation
import Hummingbird
import Logging
import Prometheus
import VaultCore
import VaultCrypto
import VaultLedger
import VaultProofs
import VaultNode
import VaultSQLite

/// A refusal the API returns as `{"error": code, "message": text}` with a 4xx (or, for a fault of ours, 500)
/// status. Messages never contain plaintext, tokens or keys: they are built from our own error descriptions,
/// which name fields, ids and checks only.
public struct APIError: Error, Sendable {
    public let status: HTTPResponse.Status
    public let code: String
    public let message: String
    /// For a bundle that fails verification: the name of the check that failed (`proof`, `inclusion`, ...).
    public let check: String?

    public init(_ status: HTTPResponse.Status, _ code: String, _ message: String, check: String? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.check = check
    }

    static let unauthorized = APIError(.unauthorized, "unauthorized", "a valid bearer token is required")

    /// Maps any error to an API error.
    static func from(_ error: any Error) -> APIError {
        switch error {
        case let e as APIError: return e
        case let e as VaultError: return from(vault: e)
        case let e as LedgerError: return APIError(.badRequest, "ledger", e.description)
        case let e as WitnessedCheckpoints.Refusal: return APIError(.badRequest, "cosignature_refused", e.description)
        case let e as BundleVerifier.Failure: return APIError(.unprocessableContent, "verification_failed", e.description, check: e.check)
        case let e as ProofError: return APIError(.badRequest, "proof", e.description)
        case let e as TokenRegistry.Refusal:
            switch e {
            case .revoked: return APIError(.unauthorized, "token_revoked", "this token was revoked")
            case .expired: return APIError(.unauthorized, "token_expired", "this token has expired")
            case .malformed, .unknown: return unauthorized
            }
        case is StorageFailure:
            // The database is down or unreachable: the operation did not happen; try again (details in the log).
            return APIError(.serviceUnavailable, "storage_unavailable", "the database is unavailable; nothing was done, try again")
        case let e as HTTPError where e.status == .contentTooLarge:
            return APIError(.contentTooLarge, "body_too_large", "the request body is too large")
        case let e as HTTPError:
            return APIError(e.status, "http", e.status.reasonPhrase)
        default:
            return APIError(.internalServerError, "internal", "internal error")
        }
    }

    static func from(vault e: VaultError) -> APIError {
        switch e {
        case .invalidSchema, .invalidPurpose, .invalidReason, .invalidPredicate, .unknownTier, .unknownRecordType, .tierExists:
            return APIError(.badRequest, "invalid_request", e.description)
        case .malformedJSON: return APIError(.badRequest, "malformed_json", e.description)
        case .invalidExpiry: return APIError(.badRequest, "invalid_request", e.description)
        case .unknownField, .missingField, .wrongType, .notAllowedValue, .valueOutOfRange:
            return APIError(.badRequest, "invalid_record", e.description)
        case .recordNotFound, .memberNotFound, .approvalNotFound: return APIError(.notFound, "not_found", e.description)
        case .recordShredded: return APIError(.gone, "shredded", e.description)
        case .forbidden, .insufficientClearance: return APIError(.forbidden, "forbidden", e.description)
        case .writeAboveClearance: return APIError(.forbidden, "clearance", e.description)
        case .policyDenied: return APIError(.forbidden, "policy_denied", e.description)
        case .predicateFalse: return APIError(.unprocessableContent, "predicate_false", e.description)
        case .rotationUnfinished: return APIError(.conflict, "rotation_unfinished", e.description)
        case .keyEncryptionKeyDropped: return APIError(.internalServerError, "kek_dropped", e.description)
        case .alreadyDecided: return APIError(.conflict, "already_decided", e.description)
        case .alreadyApproved: return APIError(.conflict, "already_approved", e.description)
        case .consentExpired: return APIError(.gone, "consent_expired", e.description)
        case .disclosureBudgetExhausted: return APIError(.tooManyRequests, "disclosure_budget_exhausted", e.description)
        case .notWitnessed: return APIError(.serviceUnavailable, "not_witnessed", e.description)
        case .corrupt: return APIError(.internalServerError, "corrupt", e.description)
        case .stateTampered: return APIError(.internalServerError, "state_tampered", e.description)
        case .invalidActor: return APIError(.badRequest, "invalid_request", e.description)
        case .tokenNotFound: return APIError(.notFound, "not_found", e.description)
        case .credentialRevoked: return APIError(.unauthorized, "token_revoked", e.description)
        case .parcelNotFound, .transferNotFound: return APIError(.notFound, "not_found", e.description)
        case .parcelExists: return APIError(.conflict, "parcel_exists", e.description)
        case .invalidParcelHistory, .invalidTransferRule: return APIError(.badRequest, "invalid_request", e.description)
        case .transferInFlight: return APIError(.conflict, "transfer_in_flight", e.description)
        case .wrongActor: return APIError(.forbidden, "wrong_actor", e.description)
        case .partyShredded: return APIError(.gone, "party_shredded", e.description)
        case .transferClosed: return APIError(.conflict, "transfer_closed", e.description)
        case .certificateNotFound: return APIError(.notFound, "not_found", e.description)
        case .certificateRevoked: return APIError(.gone, "certificate_revoked", e.description)
        case .invalidCertificate: return APIError(.badRequest, "invalid_request", e.description)
        case .importItemInvalid: return APIError(.unprocessableContent, "invalid_import_item", e.description)
        case .importBatchTooLarge: return APIError(.contentTooLarge, "batch_too_large", e.description)
        }
    }

    /// The JSON response.
    var response: Response {
        var fields = ["error": code, "message": message]
        if let check { fields["check"] = check }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let body = try! encoder.encode(fields)
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}

/// Turns every thrown error into a JSON error response, so no request ends in an HTML page or a dropped
/// connection; unexpected errors are logged by type only.
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = VaultRequestContext
    /// Counts refused tampered rows (`civicvault_state_tampered_total`); nil on a follower, which has no vault.
    var tampered: Prometheus.Counter?

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let api = APIError.from(error)
            if case let VaultError.stateTampered(table, key)? = error as? VaultError {
                tampered?.increment()
                context.logger.critical("stored state failed its check; not obeyed", metadata: ["table": "\(table)", "key": "\(key)", "path": "\(request.uri.path)"])
            } else if api.status == .internalServerError {
                context.logger.error("request failed", metadata: ["error_type": "\(type(of: error))", "path": "\(request.uri.path)"])
            }
            return api.response
        }
    }
}
