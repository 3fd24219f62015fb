import Foundation
import Hummingbird
import Logging
import Prometheus
import VaultCore
import VaultNode
import VaultCrypto
import VaultLedger
import VaultSQLite

/// Builds the router: public routes (health, metrics, ledger reads and proofs, bundle verification) and the
/// authenticated /v1 routes, each controller adding its endpoints.
public func buildRouter(_ state: ServiceState) -> Router<VaultRequestContext> {
    let router = Router(context: VaultRequestContext.self)
    router.add(middleware: BlockingCallCheckMiddleware())
    router.add(middleware: RequestLogMiddleware())
    router.add(middleware: ErrorMiddleware(tampered: state.metrics.stateTampered))
    HealthController(state: state).addRoutes(to: router.group(""))
    let vault = state.vault
    LedgerController(
        ledger: state.storage.ledger, witnessed: state.witnessed, maxBodyBytes: state.configuration.maxBodyBytes,
        keyChain: state.storage.ledger.signer.keyChain, tagIndex: { tag in try await vault.ledgerIndex(ofTag: tag) }
    ).addRoutes(to: router.group("v1/ledger"))
    router.post("v1/attestations/verify") { request, context in
        try await AttestationsController(state: state).verify(request, context)
    }
    ParcelsController(state: state).addPublicRoutes(to: router.group("v1/public/parcels"))
    CertificatesController(state: state).addPublicRoutes(to: router.group("v1/public/certificates"))
    let authenticated = router.group("v1").add(middleware: AuthMiddleware(tokens: state.tokens))
    ParcelsController(state: state).addRoutes(to: authenticated.group("parcels"))
    TransfersController(state: state).addRoutes(to: authenticated.group("transfers"))
    CertificatesController(state: state).addRoutes(to: authenticated.group("certificates"))
    CertificatesController(state: state).addCitizenRoutes(to: authenticated.group("citizens"))
    RecordsController(state: state).addRoutes(to: authenticated.group("records"))
    RecordsController(state: state).addBatchRoute(to: authenticated)
    AttestationsController(state: state).addRoutes(to: authenticated.group("attestations"))
    ApprovalsController(state: state).addRoutes(to: authenticated.group("approvals"))
    CitizensController(state: state).addRoutes(to: authenticated.group("citizens"))
    AdminController(state: state).addRoutes(to: authenticated)
    PagesController(state: state).addRoutes(to: router.group("").add(middleware: PageMiddleware(site: state.pages)))
    return router
}

/// Builds the Hummingbird application for `state`, listening where its configuration says.
public func buildApplication(_ state: ServiceState, logger: Logger = Logger(label: "civicvault")) -> some ApplicationProtocol {
    Application(
        router: buildRouter(state),
        configuration: .init(address: .hostname(state.configuration.host, port: state.configuration.port), serverName: "civicvault"),
        logger: logger)
}

/// The router of a follower: health and the public ledger reads and proofs, served from its mirror.
public func buildFollowerRouter(_ mirror: LedgerMirror) -> Router<VaultRequestContext> {
    let router = Router(context: VaultRequestContext.self)
    router.add(middleware: ErrorMiddleware())
    router.get("health") { _, _ in
        try JSONResponse.make(["status": .string("ok"), "role": .string("follower"), "tree_size": .integer(Int64(try await BlockingCallCheck.offload({ try mirror.treeSize() })))] as [String: JSONValue])
    }
    let tags = TagIndex(ledger: mirror)
    LedgerController(ledger: mirror, witnessed: nil, maxBodyBytes: 64 * 1024, tagIndex: { tag in try await BlockingCallCheck.offload({ try tags.index(of: tag) }) })
        .addRoutes(to: router.group("v1/ledger"))
    return router
}
