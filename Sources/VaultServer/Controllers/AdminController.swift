import Foundation
import Hummingbird
import Logging
import Prometheus
import VaultCore
import VaultCrypto
import VaultLedger
import VaultNode
import VaultSQLite

/// Officers' and auditors' routes: `GET|POST /v1/tiers`, `POST /v1/tiers/{name}/rotate`, `POST /v1/grants`,
/// `DELETE /v1/grants/{member}` (revokes the member, its tokens, and rotates its tiers), `GET /v1/audit/ledger`.
struct AdminController {
    let state: ServiceState

    struct TierBody: Decodable {
        let name: String
        let rank: Int
        static let keys: Set<String> = ["name", "rank"]
    }

    struct GrantBody: Decodable {
        let member: String
        let role: Role
        let clearance: String?
        static let keys: Set<String> = ["member", "role", "clearance"]
    }

    struct TierJSON: Encodable {
        let name: String
        let rank: Int
        let current_version: Int
        let min_decryption_version: Int
        let rotating: Bool
    }

    func addRoutes(to group: RouterGroup<VaultRequestContext>) {
        group.get("tiers") { _, context in
            let caller = try context.require([.officer, .auditor])
            return try await JSONResponse.make(try state.vault.tiers(by: caller).map {
                TierJSON(name: $0.name, rank: $0.rank, current_version: $0.currentVersion, min_decryption_version: $0.minDecryptionVersion, rotating: $0.rotating)
            })
        }
        group.post("tiers") { request, context in
            let caller = try context.require([.officer])
            let body = try await RequestBody.decode(TierBody.self, from: request, allowed: TierBody.keys, maxBytes: state.configuration.maxBodyBytes)
            let index = try await state.vault.createTier(name: body.name, rank: body.rank, by: caller)
            return try JSONResponse.make(["tier": .string(body.name), "ledger_index": .integer(Int64(index))] as [String: JSONValue], status: .created)
        }
        group.post("tiers/{name}/rotate") { _, context in
            let caller = try context.require([.officer])
            let done = try await state.vault.rotate(tier: try context.parameters.require("name"), by: caller)
            return try JSONResponse.make(["tier": .string(done.tier), "version": .integer(Int64(done.version)), "rewrapped": .integer(Int64(done.rewrapped))] as [String: JSONValue])
        }
        group.post("grants") { request, context in
            let caller = try context.require([.officer])
            let body = try await RequestBody.decode(GrantBody.self, from: request, allowed: GrantBody.keys, maxBytes: state.configuration.maxBodyBytes)
            let index = try await state.vault.grant(memberID: body.member, role: body.role, clearance: body.clearance, by: caller)
            return try JSONResponse.make(["member": .string(body.member), "ledger_index": .integer(Int64(index))] as [String: JSONValue], status: .created)
        }
        group.delete("grants/{member}") { _, context in
            let caller = try context.require([.officer])
            let member = try context.parameters.require("member")
            let revocation = try await state.vault.revoke(memberID: member, by: caller)
            return try JSONResponse.make([
                "member": .string(member), "revoked_tokens": .integer(Int64(revocation.tokens)),
                "rotated": .array(revocation.rotations.map { .string($0.tier) }),
            ] as [String: JSONValue])
        }
        group.delete("tokens/{id}") { _, context in
            let caller = try context.require([.officer])
            let id = try context.parameters.require("id")
            let index = try await state.vault.revokeToken(id: id, by: caller)
            return try JSONResponse.make(["token": .string(id), "ledger_index": .integer(Int64(index))] as [String: JSONValue])
        }
        group.get("audit/ledger") { _, context in
            let caller = try context.require([.auditor, .officer])
            try await state.vault.authorize(caller, [.auditor, .officer], action: "verify the ledger")
            let summary = try await BlockingCallCheck.offload({ try state.storage.verifyLedger() })
            return try JSONResponse.make(["valid": .bool(true), "tree_size": .integer(Int64(summary.treeSize)), "blocks": .integer(Int64(summary.blockCount))] as [String: JSONValue])
        }
    }
}
