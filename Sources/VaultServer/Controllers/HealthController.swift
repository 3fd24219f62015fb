import Foundation
import Hummingbird
import Logging
import Prometheus
import VaultCore
import VaultCrypto
import VaultLedger
import VaultNode
import VaultSQLite

/// `GET /health` (liveness plus the ledger's size), `GET /ready` (readiness: storage reachable, keys unsealed,
/// ledger tip verified; 200 or 503 naming the failed check) and `GET /metrics` (Prometheus text).
struct HealthController {
    let state: ServiceState

    func addRoutes(to group: RouterGroup<VaultRequestContext>) {
        group.get("health") { _, _ in
            try JSONResponse.make(["status": .string("ok"), "tree_size": .integer(Int64(try await BlockingCallCheck.offload({ try state.storage.ledger.treeSize() })))] as [String: JSONValue])
        }
        group.get("ready") { _, _ in try await Self.readiness(state.storage) }
        group.get("metrics") { _, _ in
            var buffer: [UInt8] = []
            state.registry.emit(into: &buffer)
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; version=0.0.4"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: buffer)))
        }
    }

    /// Runs the readiness checks in order; the first that fails names the reason (a code, never secret detail).
    /// The ledger check refreshes the verified anchor: entries up to the newest signed checkpoint must rebuild its
    /// root under the node's key, and the tip must not be behind what this node already verified.
    static func readiness(_ storage: NodeStore) async throws -> Response {
        var checks: [String: JSONValue] = ["keys": .string("unsealed")]
        let size: UInt64
        do {
            size = try await BlockingCallCheck.offload({ try storage.ledger.treeSize() })
            checks["storage"] = .string("ok")
        } catch {
            checks["storage"] = .string("unreachable")
            return try JSONResponse.make(
                ["status": .string("not_ready"), "reason": .string("storage_unreachable"), "checks": .object(checks)] as [String: JSONValue],
                status: .serviceUnavailable)
        }
        do {
            try await storage.vault.loadAnchor()
            checks["ledger"] = .string("verified")
        } catch {
            let code = APIError.from(error).code
            checks["ledger"] = .string(code)
            return try JSONResponse.make(
                ["status": .string("not_ready"), "reason": .string("ledger_unverified"), "detail": .string(code), "checks": .object(checks)]
                    as [String: JSONValue],
                status: .serviceUnavailable)
        }
        return try JSONResponse.make(
            ["status": .string("ready"), "tree_size": .integer(Int64(size)), "checks": .object(checks)] as [String: JSONValue])
    }
}
