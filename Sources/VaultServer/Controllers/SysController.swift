import Foundation
import Hummingbird
import Logging
import VaultCore
import VaultCrypto
import VaultNode

/// `/v1/sys/*` and, while sealed, `/health` and `/ready`: the routes a sealed node answers.
/// `POST /v1/sys/unseal` `{"share":"cvshare1-..."}` (no token: the share is the credential; each is checked on
/// arrival), `GET /v1/sys/seal-status`, `POST /v1/sys/seal` (officer token).
struct SysController {
    let gate: SealGate

    struct UnsealRequest: Decodable {
        let share: String
    }

    func addRoutes(to router: Router<VaultRequestContext>) {
        router.get("v1/sys/seal-status") { _, _ in try JSONResponse.make(gate.status) }
        router.post("v1/sys/unseal") { request, context -> Response in
            // The share travels as a JSON string: that copy is not zeroed (docs/THREAT_MODEL.md, intermediate copies).
            let parsed = try await RequestBody.decode(UnsealRequest.self, from: request, allowed: ["share"], maxBytes: 4096)
            let share = SecureBytes(copying: Array(parsed.share.utf8))
            do {
                let status = try await gate.unseal(share: share)
                context.logger.notice("unseal share accepted", metadata: ["progress": "\(status.progress)", "sealed": "\(status.sealed)"])
                return try JSONResponse.make(status)
            } catch let f as SecretShares.Failure {
                context.logger.warning("unseal share refused", metadata: ["reason": "\(Self.code(f))"])
                throw APIError(.badRequest, Self.code(f), f.description)
            } catch let r as SealGate.Refusal {
                throw APIError(.conflict, r == .alreadyUnsealed ? "already_unsealed" : (r == .notShareProtected ? "not_share_protected" : "unseal_failed"), r.description)
            }
        }
        router.post("v1/sys/seal") { request, context in
            guard let state = gate.current else { throw APIError(.conflict, "sealed", "the node is sealed already") }
            guard let header = request.headers[.authorization], header.hasPrefix("Bearer ") else { throw APIError.unauthorized }
            let grant = try await BlockingCallCheck.offload({ try state.tokens.resolve(String(header.dropFirst("Bearer ".count))) })
            guard grant.caller.role == .officer else { throw APIError(.forbidden, "forbidden", "only an officer may seal the node") }
            do { try gate.seal() } catch let r as SealGate.Refusal { throw APIError(.conflict, "not_share_protected", r.description) }
            context.logger.notice("sealed", metadata: ["by": "\(grant.caller.id)"])
            return try JSONResponse.make(gate.status)
        }
    }

    /// The routes of a sealed node besides /v1/sys: health says sealed, ready is 503, the rest 503 `sealed`.
    func addSealedRoutes(to router: Router<VaultRequestContext>) {
        router.get("health") { _, _ in try JSONResponse.make(["status": .string("ok"), "sealed": .bool(true)] as [String: JSONValue]) }
        router.get("ready") { _, _ in
            try JSONResponse.make(
                ["status": .string("not_ready"), "reason": .string("sealed"), "checks": .object(["keys": .string("sealed")])] as [String: JSONValue],
                status: .serviceUnavailable)
        }
    }

    static func code(_ f: SecretShares.Failure) -> String {
        switch f {
        case .malformedShare: return "malformed_share"
        case .shareChecksum: return "share_checksum"
        case .shareForAnotherNode: return "share_for_another_node"
        case .shareFromAnotherSet: return "share_from_another_set"
        case .duplicateShare: return "duplicate_share"
        case .wrongShare: return "wrong_share"
        case .notEnoughShares: return "not_enough_shares"
        case .malformedShareSet, .invalidParameters: return "share_set"
        }
    }
}

/// Sends `/v1/sys/*` to the sys routes, everything else to the node's full router when unsealed, or to the
/// sealed routes (503 `sealed` for anything but /health and /ready) when not.
struct SealableResponder: HTTPResponder {
    typealias Context = VaultRequestContext
    let gate: SealGate
    let sys: RouterResponder<VaultRequestContext>
    let sealed: RouterResponder<VaultRequestContext>

    func respond(to request: Request, context: Context) async throws -> Response {
        if request.uri.path.hasPrefix("/v1/sys/") { return try await sys.respond(to: request, context: context) }
        if let full = gate.currentResponder { return try await full.respond(to: request, context: context) }
        return try await sealed.respond(to: request, context: context)
    }
}

/// The application of a node behind a seal gate (every node `civicvault serve` runs).
public func buildGatedApplication(
    _ gate: SealGate, host: String, port: Int, logger: Logger = Logger(label: "civicvault")
) -> some ApplicationProtocol {
    let controller = SysController(gate: gate)
    let sys = Router(context: VaultRequestContext.self)
    sys.add(middleware: RequestLogMiddleware())
    sys.add(middleware: ErrorMiddleware())
    controller.addRoutes(to: sys)
    let sealed = Router(context: VaultRequestContext.self)
    sealed.add(middleware: RequestLogMiddleware())
    sealed.add(middleware: ErrorMiddleware())
    controller.addSealedRoutes(to: sealed)
    sealed.add(middleware: SealedFallback())
    return Application(
        responder: SealableResponder(gate: gate, sys: sys.buildResponder(), sealed: sealed.buildResponder()),
        configuration: .init(address: .hostname(host, port: port), serverName: "civicvault"),
        logger: logger)
}

/// Answers every route a sealed node does not have with 503 `sealed`.
struct SealedFallback: RouterMiddleware {
    typealias Context = VaultRequestContext
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if request.uri.path == "/health" || request.uri.path == "/ready" { return try await next(request, context) }
        return APIError(.serviceUnavailable, "sealed", "the node is sealed: give k unseal shares with `civicvault unseal` or POST /v1/sys/unseal").response
    }
}
