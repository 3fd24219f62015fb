import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
import VaultTestSupport

/// Two `civicvault serve` processes over one database, as stateless nodes behind a load balancer: writes through
/// either interleave into one ledger, each node reads and attests what the other wrote, and when one is killed
/// the other goes on. Runs on PostgreSQL (the shared backend) and on SQLite (two processes on one file).
@Suite(.serialized) struct SharedDatabaseTests {
    static func record(_ node: ServedNode, _ tag: String) async throws -> String {
        let values: [String: Any] = [
            "national_id": "SHARED-\(tag)", "full_name": "Shared Citizen \(tag)", "birth_date": "1980-01-01", "district": "north", "income": 1000,
        ]
        let (status, body) = try await node.request(
            "POST", "/v1/records", token: node.tokens["department"], json: ["type": "citizen", "national_id": values["national_id"]!, "values": values])
        guard status == 201, let id = body["record"] as? String else { throw ServedNode.Failure("record \(tag): \(status) \(body)") }
        return id
    }

    @Test(arguments: StorageBackend.available) func twoNodesShareOneDatabaseAndSurviveEachOther(backend: StorageBackend) async throws {
        signal(SIGPIPE, SIG_IGN)
        let a = try ServedNode(backend)
        defer { a.cleanUp() }
        let b = try ServedNode(sharing: a)
        defer { b.cleanUp() }
        // Both start at once on an empty database: tiers, schema and policy are created exactly once.
        async let startA: Void = a.start()
        async let startB: Void = b.start()
        _ = try await (startA, startB)

        // Both write at once: 2 x 12 records, interleaved into one ledger.
        async let fromA = (0..<12).asyncMap { try await Self.record(a, "a-\($0)") }
        async let fromB = (0..<12).asyncMap { try await Self.record(b, "b-\($0)") }
        let (idsA, idsB) = try await (fromA, fromB)

        // Each node reads what the other wrote.
        for (reader, ids) in [(a, idsB), (b, idsA)] {
            for id in ids {
                let (status, body) = try await reader.request("GET", "/v1/records/\(id)?purpose=audit", token: reader.tokens["officer"])
                #expect(status == 200, "\(id): \(status) \(body)")
                #expect((body["fields"] as? [String: Any])?["district"] as? String == "north")
            }
        }
        // An attestation made on B about a record written on A verifies on A.
        let nonce = Data((0..<32).map { _ in UInt8.random(in: 0...255) }).base64EncodedString()
        let (status, bundle) = try await b.request("POST", "/v1/attestations", token: b.tokens["requester"], json: [
            "record": idsA[0], "predicates": [["field": "birth_date", "age_at_least": 18]], "nonce": nonce, "purpose": "loan-application",
        ])
        #expect(status == 201, "\(bundle)")
        let (verified, answer) = try await a.request("POST", "/v1/attestations/verify", json: ["bundle": bundle["bundle"] ?? bundle, "requester": "bank-1", "nonce": nonce])
        #expect(verified == 200 && answer["valid"] as? Bool == true, "\(answer)")

        // Kill A: B goes on writing and serving; both agreed on one tree before.
        let sizeA = try await a.request("GET", "/health").1["tree_size"] as? Int
        let sizeB = try await b.request("GET", "/health").1["tree_size"] as? Int
        #expect(sizeA != nil && sizeA == sizeB)
        a.kill9()
        let late = try await Self.record(b, "late")
        let (lateStatus, _) = try await b.request("GET", "/v1/records/\(late)?purpose=audit", token: b.tokens["officer"])
        #expect(lateStatus == 200)
        let (health, after) = try await b.request("GET", "/health")
        #expect(health == 200 && (after["tree_size"] as? Int ?? 0) > (sizeA ?? .max))
        b.kill9()
        let verify = try CLI.run(["ledger", "verify", "--keys", a.keys] + a.storeArguments)
        #expect(verify.status == 0, "\(verify.stderr)")
        print("shared database (\(backend)): 2 nodes wrote \(idsA.count + idsB.count + 1) records into one ledger; \(verify.stdout.trimmingCharacters(in: .whitespacesAndNewlines))")
    }
}

extension Sequence {
    /// `map` with an async transform, one element after another.
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var out: [T] = []
        for element in self { out.append(try await transform(element)) }
        return out
    }
}
