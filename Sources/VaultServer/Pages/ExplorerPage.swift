import Foundation
import Hummingbird
import VaultCore
import VaultCrypto
import VaultLedger
import VaultNode
import VaultPages

/// `/` and `/entries/{index}`: what the public ledger routes serve, as pages; the browser checks the signature and
/// the inclusion proofs itself (explorer.js).
extension PagesController {
    /// The newest signed checkpoint and the tree size it signs (never more than the stored tree), read once.
    func signedCheckpoint() async throws -> (note: String, size: UInt64)? {
        guard let note = try await BlockingCallCheck.offload({ try state.storage.ledger.latestCheckpoint() }) else { return nil }
        let size = try Checkpoint(parsing: try SignedNote(parsing: note).text).treeSize
        return (note, min(size, try await BlockingCallCheck.offload({ try state.storage.ledger.treeSize() })))
    }

    static let latestCount: UInt64 = 20
    static let growthPoints: UInt64 = 12

    func explorer(_ request: Request) async throws -> Response {
        let ledger = state.storage.ledger
        let signed = try await signedCheckpoint()
        let size = signed?.size ?? 0
        var values: [String: Any] = [
            "origin": state.verifierKey.name, "verifierKey": state.verifierKey.description, "treeSize": size,
            "base": "http://\(request.head.authority ?? "\(state.configuration.host):\(state.configuration.port)")",
        ]
        if let signed { values["checkpoint"] = signed.note }
        if state.configuration.witnessThreshold > 0 {
            values["witnessed"] = true
            if let cosigned = try await BlockingCallCheck.offload({ try state.witnessed.latestFinal() }) {
                values["cosigned"] = cosigned
                let names = Set(cosigned.split(separator: "\n").compactMap { line -> String? in
                    guard line.hasPrefix("— ") else { return nil }
                    let name = line.dropFirst(2).split(separator: " ").first.map(String.init)
                    return name == state.verifierKey.name ? nil : name
                })
                values["witnesses"] = PlainWords.list(names.sorted())
            }
        }
        let from = size > Self.latestCount ? size - Self.latestCount : 0
        values["entries"] = try await BlockingCallCheck.offload({ try ledger.entries(from: from, limit: Int(size - from)) }).reversed().map { row -> [String: Any] in
            let entry = try EntryCodec.decode(row.bytes)
            var purpose = ""
            if case let .string(p)? = entry.attributes["purpose"] { purpose = p }
            return ["index": row.index, "type": entry.type, "time": PlainWords.time(entry.timestampMs), "actor": entry.actor, "purpose": purpose]
        }
        if size > 0 {
            let points = Set((0..<Self.growthPoints).map { (size - 1) * $0 / (Self.growthPoints - 1) }).sorted()
            let width = 640, slot = width / points.count
            let stored = try await BlockingCallCheck.offload({ try points.map { try ledger.entry(at: $0) } })
            values["growth"] = try zip(points, stored).enumerated().map { n, pair -> [String: Any] in
                let (index, row) = pair
                let entry = try EntryCodec.decode(row.bytes)
                let height = max(2, Int(100 * (index + 1) / size))
                return ["x": n * slot + 4, "y": 110 - height, "w": max(2, slot - 8), "h": height, "size": index + 1, "time": PlainWords.time(entry.timestampMs)]
            }
            values["growthCount"] = points.count
            values["hasGrowth"] = true
            values["chartWidth"] = width
        } else {
            values["growth"] = [[String: Any]]()
        }
        return await state.render("explorer", values, chrome: state.chrome(request, title: "Public ledger", current: "ledger", scripts: ["ledger.js", "explorer.js"]))
    }

    func entry(_ request: Request, _ context: VaultRequestContext) async throws -> Response {
        guard let index = UInt64(try context.parameters.require("index")) else { throw APIError(.badRequest, "invalid_request", "an entry number is a non-negative integer") }
        guard let signed = try await signedCheckpoint(), index < signed.size else {
            throw APIError(.notFound, "not_found", "No entry \(index) under the signed checkpoint.")
        }
        let row = try await BlockingCallCheck.offload({ try state.storage.ledger.entry(at: index) })
        let entry = try EntryCodec.decode(row.bytes)
        let proof = try await BlockingCallCheck.offload({ try state.storage.ledger.inclusionProof(index: index, treeSize: signed.size) })
        let hashes = proof.hashes.map(Base64.encode)
        var purpose: String?
        if case let .string(p)? = entry.attributes["purpose"] { purpose = p }
        let attributes = entry.attributes.sorted { $0.key < $1.key }.map { key, value -> [String: Any] in
            let text: String
            switch value {
            case let .bytes(b): text = "base64:" + Base64.encode(b)
            case let .string(s): text = s
            case let .u64(v): text = String(v)
            }
            return ["name": key, "value": text]
        }
        var values: [String: Any] = [
            "index": index, "type": entry.type, "time": PlainWords.time(entry.timestampMs), "actor": entry.actor, "attributes": attributes,
            "treeSize": signed.size, "hashes": hashes, "hashCount": hashes.count, "hashesJoined": hashes.joined(separator: ","),
            "checkpoint": signed.note, "verifierKey": state.verifierKey.description, "bytes": Base64.encode(row.bytes),
        ]
        if let purpose { values["purpose"] = purpose }
        return await state.render("entry", values, chrome: state.chrome(request, title: "Entry \(index)", current: "ledger", scripts: ["ledger.js", "explorer.js"]))
    }
}
