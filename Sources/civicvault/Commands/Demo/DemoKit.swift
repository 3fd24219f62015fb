import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import VaultCore
import VaultCrypto
import VaultLedger
import VaultNode

/// What every scenario's demo walks with: the node's storage (to make tokens for each actor), the service over
/// HTTP, the node's verifier key, and a printer that says which actor sees what.
struct DemoKit {
    let storage: NodeStore
    let http: HTTPClient
    let key: NoteVerifierKey
    /// A short random suffix so a demo can run again against the same node.
    let suffix: String
    private let counter = Counter()

    init(storage: NodeStore, url: String) {
        self.storage = storage
        http = HTTPClient(base: url)
        key = storage.ledger.signer.verifierKey
        suffix = Hex.encode(RandomBytes.generate(3))
    }

    final class Counter: @unchecked Sendable { var n = 0 }

    /// Prints one step: `[n] actor: what it did and saw`.
    func say(_ actor: String, _ text: String) {
        counter.n += 1
        print("[\(counter.n)] \(actor): \(text)")
    }

    /// A one-hour token for `actor`.
    func token(_ role: Role, _ actor: String, clearance: String? = nil, nationalID: String? = nil) throws -> String {
        try storage.tokens.create(
            role: role, actor: actor, clearance: clearance, citizen: try nationalID.map { try storage.vault.pseudonym(of: $0) }, lifetimeMs: 3_600_000)
    }

    /// The signed checkpoint the service serves, its signature checked.
    func checkpoint() async throws -> Checkpoint {
        let note = try await http.text("GET", "/v1/ledger/checkpoint")
        return try Checkpoint.open(note, keys: [key], origin: key.name).0
    }

    /// Sends a request that must be refused: the service's error code and message.
    func refusal(_ method: String, _ path: String, token: String?, body: Any?) async throws -> (status: Int, code: String, message: String) {
        let (status, data) = try await http.send(method, path, token: token, body: body)
        guard !(200..<300).contains(status) else { throw CLIFailure("\(method) \(path) was answered \(status) where a refusal was expected", hint: nil) }
        let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        return (status, object["error"] as? String ?? "?", object["message"] as? String ?? "")
    }

    /// Verifies a bundle (as the service returned it) offline with the node's verifier key only.
    func verifyOffline(_ bundleJSON: Any?, requester: String, nonce: [UInt8], record: String) throws -> (BundleVerifier.Verified, Int) {
        guard let bundleJSON else { throw CLIFailure("the service's answer has no bundle", hint: "check the service's logs") }
        let data = try JSONSerialization.data(withJSONObject: bundleJSON)
        let verified = try BundleVerifier(ledgerKey: key).verify(
            try AttestationBundle.decode(data), now: UInt64(Date().timeIntervalSince1970), expecting: .replay(requester: requester, nonce: nonce, record: record))
        return (verified, data.count)
    }

    /// Asks for an attestation as `requester`: the service's answer (201 issued, or 202 waiting).
    func attest(_ token: String, record: String, predicates: [[String: Any]], purpose: String, nonce: [UInt8]) async throws -> [String: Any] {
        try await http.json("POST", "/v1/attestations", token: token, body: [
            "record": record, "predicates": predicates, "nonce": Base64.encode(nonce), "purpose": purpose,
        ])
    }

    /// The auditor's closing check: the whole ledger verified by the service, and the newest checkpoint consistent
    /// with `old` (checked here).
    func audit(_ auditorToken: String, since old: Checkpoint) async throws -> String {
        let audit = try await http.json("GET", "/v1/audit/ledger", token: auditorToken)
        let new = try await checkpoint()
        let proof = try await http.json("GET", "/v1/ledger/proofs/consistency?old=\(old.treeSize)&size=\(new.treeSize)")
        let hashes = try (proof["hashes"] as? [String] ?? []).map { text -> [UInt8] in
            guard let h = Base64.decode(text) else { throw CLIFailure("malformed consistency proof", hint: nil) }
            return h
        }
        try ConsistencyProof(oldSize: old.treeSize, treeSize: new.treeSize, hashes: hashes).verify(oldRoot: old.root, newRoot: new.root)
        return "ledger valid (\(audit["tree_size"] ?? "?") entries); checkpoint \(new.treeSize) is consistent with \(old.treeSize)"
    }

    /// The access log the citizen with `token` sees, as "type by actor".
    func accessLog(_ token: String) async throws -> [String] {
        let log = try await http.json("GET", "/v1/citizens/me/access-log", token: token)
        return (log["events"] as? [[String: Any]] ?? []).map { "\($0["type"] ?? "?") by \($0["actor"] ?? "?")" }
    }

    func field(_ object: [String: Any], _ name: String) throws -> String {
        guard let value = object[name] as? String else { throw CLIFailure("the service's answer has no \(name)", hint: "check the service's logs") }
        return value
    }

    /// A predicate spec as JSON text, e.g. {"age_at_least":18,"field":"birth_date"}.
    static func predicate(_ spec: [String: Any]) -> String {
        (try? JSONSerialization.data(withJSONObject: spec, options: [.sortedKeys])).map { String(decoding: $0, as: UTF8.self) } ?? "?"
    }

    /// A JSON value as plain text.
    static func text(_ value: JSONValue) -> String {
        switch value {
        case let .string(s): return s
        case let .integer(i): return String(i)
        default: return "\(value)"
        }
    }

    /// Fails the demo with `what` unless `condition` holds.
    func expect(_ condition: Bool, _ what: String) throws {
        guard condition else { throw CLIFailure("demo check failed: \(what)", hint: "check the service's logs") }
    }
}
