import Foundation
import Hummingbird
import Logging
import Prometheus
import VaultCore
import VaultCrypto
import VaultLedger
import VaultNode
import VaultSQLite

/// Public ledger reads: `GET /v1/ledger/checkpoint` (the signed note, byte for byte), `entries?from&to`,
/// `proofs/inclusion?index&size`, `proofs/consistency?old&size`, and on the log node the witnesses' routes. The ledger
/// holds no plaintext, so anyone may read it. Followers serve the same reads from their mirror.
struct LedgerController {
    let ledger: any PublicLedger
    /// The log node's witness bookkeeping; nil on a follower.
    let witnessed: WitnessedCheckpoints?
    let maxBodyBytes: Int
    /// The log's key chain (docs/format/key-chain.md), served at `GET /v1/ledger/keys`; nil on a follower.
    var keyChain: LedgerKeyChain? = nil
    /// Where a citizen tag is: the node's verified-ledger view, or a follower's index of its mirror.
    let tagIndex: @Sendable ([UInt8]) async throws -> UInt64?
    static let maxPage: UInt64 = 1000

    /// The answer to a tag lookup: the entry carrying it and its inclusion proof in the tree of `tree_size`.
    struct TagEntry: Encodable {
        let index: UInt64
        let bytes: String
        let tree_size: UInt64
        let hashes: [String]
    }

    struct Inclusion: Encodable {
        let tree_size: UInt64
        let leaf_index: UInt64
        let leaf_hash: String
        let hashes: [String]
    }

    struct Consistency: Encodable {
        let old_size: UInt64
        let tree_size: UInt64
        let hashes: [String]
    }

    func addRoutes(to group: RouterGroup<VaultRequestContext>) {
        group.get("checkpoint") { _, _ in
            guard let note = try await BlockingCallCheck.offload({ try ledger.latestCheckpoint() }) else { throw APIError(.notFound, "empty_ledger", "the ledger is empty") }
            return JSONResponse.text(note)
        }
        group.get("keys") { _, _ in
            guard let keyChain else { throw APIError(.notFound, "not_a_log_node", "the key chain is served by the log node, not a follower") }
            return JSONResponse.text(keyChain.description)
        }
        group.get("checkpoint/cosigned") { _, _ in
            guard let witnessed, let note = try await BlockingCallCheck.offload({ try witnessed.latestFinal() }) else {
                throw APIError(.notFound, "not_witnessed", "no checkpoint has enough witness cosignatures yet")
            }
            return JSONResponse.text(note)
        }
        group.post("cosignatures") { request, _ in
            struct Body: Decodable {
                let checkpoint: String
                static let keys: Set<String> = ["checkpoint"]
            }
            guard let witnessed else { throw APIError(.notFound, "not_a_log_node", "cosignatures go to the log node, not a follower") }
            let body = try await RequestBody.decode(Body.self, from: request, allowed: Body.keys, maxBytes: maxBodyBytes)
            let (size, witnesses) = try await BlockingCallCheck.offload({ try witnessed.submit(body.checkpoint) })
            return try JSONResponse.make([
                "tree_size": .integer(Int64(size)), "witnesses": .array(witnesses.map { .string($0) }),
                "final": .bool(witnessed.threshold > 0 && witnesses.count >= witnessed.threshold),
            ] as [String: JSONValue])
        }
        group.get("entries") { request, _ in
            let size = try await servedSize()
            let from = try Self.number(request, "from") ?? 0
            let to = min(try Self.number(request, "to") ?? size, size)
            guard from <= to else { throw APIError(.badRequest, "invalid_request", "from must not exceed to") }
            guard to - from <= Self.maxPage else { throw APIError(.badRequest, "invalid_request", "at most \(Self.maxPage) entries per page") }
            let rows = try await BlockingCallCheck.offload({ try ledger.entries(from: from, limit: Int(to - from)) })
            let body = "{\"tree_size\":\(size),\"entries\":[" + (try rows.map { row in
                "{\"index\":\(row.index),\"entry\":\(EntryJSON.encode(try EntryCodec.decode(row.bytes))),\"bytes\":\"\(Base64.encode(row.bytes))\",\"leaf_hash\":\"\(Base64.encode(row.leafHash))\"}"
            }.joined(separator: ",")) + "]}"
            var headers = HTTPFields()
            headers[.contentType] = "application/json"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
        }
        group.get("proofs/inclusion") { request, _ in
            guard let index = try Self.number(request, "index") else { throw APIError(.badRequest, "invalid_request", "index is required") }
            let served = try await servedSize()
            let size = try Self.number(request, "size") ?? served
            guard size <= served else { throw APIError(.badRequest, "invalid_request", "size is beyond the signed checkpoint") }
            guard index < size else { throw APIError(.badRequest, "invalid_request", "index \(index) is not below size \(size)") }
            let proof = try await BlockingCallCheck.offload({ try ledger.inclusionProof(index: index, treeSize: size) })
            let leaf = try await BlockingCallCheck.offload({ try ledger.entry(at: index) }).leafHash
            return try JSONResponse.make(Inclusion(tree_size: size, leaf_index: index, leaf_hash: Base64.encode(leaf), hashes: proof.hashes.map(Base64.encode)))
        }
        group.get("tags/{tag}") { request, context in
            let text = try context.parameters.require("tag")
            guard text.utf8.count == 64, let tag = Hex.decode(text) else {
                throw APIError(.badRequest, "invalid_request", "a tag is 64 lowercase hex digits")
            }
            let served = try await servedSize()
            let size = try Self.number(request, "size") ?? served
            guard size <= served else { throw APIError(.badRequest, "invalid_request", "size is beyond the tree") }
            guard let index = try await tagIndex(tag), index < size else { throw APIError(.notFound, "not_found", "no entry carries this tag in the tree of size \(size)") }
            let proof = try await BlockingCallCheck.offload({ try ledger.inclusionProof(index: index, treeSize: size) })
            return try JSONResponse.make(TagEntry(
                index: index, bytes: Base64.encode(try await BlockingCallCheck.offload({ try ledger.entry(at: index) }).bytes), tree_size: size, hashes: proof.hashes.map(Base64.encode)))
        }
        group.get("proofs/consistency") { request, _ in
            guard let old = try Self.number(request, "old") else { throw APIError(.badRequest, "invalid_request", "old is required") }
            let served = try await servedSize()
            let size = try Self.number(request, "size") ?? served
            guard old <= size, size <= served else {
                throw APIError(.badRequest, "invalid_request", "need old <= size <= tree size")
            }
            let proof = try await BlockingCallCheck.offload({ try ledger.consistencyProof(oldSize: old, treeSize: size) })
            return try JSONResponse.make(Consistency(old_size: old, tree_size: size, hashes: proof.hashes.map(Base64.encode)))
        }
    }

    /// The size of the newest signed checkpoint: what readers can check. Entries a database writer put after it
    /// (rows beyond the last checkpoint) are never served as part of the ledger.
    func servedSize() async throws -> UInt64 {
        guard let note = try await BlockingCallCheck.offload({ try ledger.latestCheckpoint() }) else { return 0 }
        return min(try Checkpoint(parsing: try SignedNote(parsing: note).text).treeSize, try await BlockingCallCheck.offload({ try ledger.treeSize() }))
    }

    /// A non-negative integer query parameter, or nil when absent; 400 when malformed.
    static func number(_ request: Request, _ name: String) throws -> UInt64? {
        guard let text = request.uri.queryParameters.get(name) else { return nil }
        guard let value = UInt64(text), value < (1 << 62) else { throw APIError(.badRequest, "invalid_request", "\(name) must be a non-negative integer") }
        return value
    }
}
