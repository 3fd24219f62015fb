import Foundation
import Hummingbird
import Logging
import Prometheus
import VaultCore
import VaultCrypto
import VaultLedger
import VaultNode
import VaultSQLite

/// `GET /health` (liveness plus the ledger's size) and `GET /metrics` (Prometheus text).
struct HealthController {
    let state: ServiceState

    func addRoutes(to group: RouterGroup<VaultRequestContext>) {
        group.get("health") { _, _ in
            try JSONResponse.make(["status": .string("ok"), "tree_size": .integer(Int64(try state.storage.ledger.treeSize()))] as [String: JSONValue])
        }
        group.get("metrics") { _, _ in
            var buffer: [UInt8] = []
            state.registry.emit(into: &buffer)
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; version=0.0.4"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: buffer)))
        }
    }
}
