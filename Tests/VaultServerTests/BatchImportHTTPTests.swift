import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import VaultCore
import VaultNode
import VaultLedger
import VaultSQLite
@testable import VaultServer

/// `POST /v1/records:batch`: the literal segment routes, departments and officers only, a strict body of at most
/// 1,000 records, all or nothing with the bad record named, and a repeat answered `existing` without new writes.
@Suite struct BatchImportHTTPTests {
    static func record(_ i: Int, key: String? = nil, income: Any = 100) -> [String: Any] {
        let id = String(format: "B%06d", i)
        return ["key": key ?? "line-\(i)", "national_id": id,
                "values": ["national_id": id, "full_name": "Person \(i)", "birth_date": "1980-01-01", "income": income]]
    }

    static func body(_ records: [[String: Any]], type: String = "citizen") throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: ["type": type, "records": records], options: .sortedKeys), as: UTF8.self)
    }

    static func entries(_ f: ServerFixture) throws -> UInt64 { try f.sqlite.store.ledger.treeSize() }

    @Test func batchRoutesAuthorizesAndIsIdempotent() async throws {
        let f = try await ServerFixture(maxBodyBytes: 64 * 1024)
        defer { f.cleanUp() }
        try await f.app.test(.router) { client in
            let body = try Self.body((0..<20).map { Self.record($0) })
            // Roles that may not write records are refused before anything is read; no token is 401.
            for role in ["requester", "auditor", "citizen"] {
                #expect(try await client.call(.post, "/v1/records:batch", token: f.tokens[role], body: body).status == .forbidden)
            }
            #expect(try await client.call(.post, "/v1/records:batch", body: body).status == .unauthorized)
            // A department cleared below the restricted fields: 422 naming the first record and field.
            let low = try await client.call(.post, "/v1/records:batch", token: f.tokens["department"], body: body)
            #expect(low.status == .unprocessableContent && low.json["error"] as? String == "invalid_import_item")
            #expect((low.json["message"] as? String)?.hasPrefix("import item 0, field income") == true, "\(low.text)")
            let size = try Self.entries(f)
            let made = try await client.call(.post, "/v1/records:batch", token: f.tokens["registrar"], body: body)
            #expect(made.status == .ok, "\(made.text)")
            let records = try #require(made.json["records"] as? [[String: Any]])
            #expect(records.count == 20 && records.allSatisfy { $0["status"] as? String == "created" && $0["version"] as? Int == 1 })
            #expect(records.map { $0["key"] as? String } == (0..<20).map { "line-\($0)" })
            #expect(records.map { $0["ledger_index"] as? Int } == (0..<20).map { Int(size) + $0 })
            #expect(try Self.entries(f) == size + 20)
            // The same call again (a client retrying after a lost answer): the same records, `existing`, nothing written.
            let again = try await client.call(.post, "/v1/records:batch", token: f.tokens["officer"], body: body)
            let repeated = try #require(again.json["records"] as? [[String: Any]])
            #expect(repeated.allSatisfy { $0["status"] as? String == "existing" })
            #expect(repeated.map { $0["record"] as? String } == records.map { $0["record"] as? String })
            #expect(try Self.entries(f) == size + 20)
            // A record is readable through the ordinary route.
            let id = try #require(records[3]["record"] as? String)
            let read = try await client.call(.get, "/v1/records/\(id)?purpose=audit", token: f.tokens["officer"])
            #expect(read.status == .ok && (read.json["fields"] as? [String: Any])?["full_name"] as? String == "Person 3")
            // GET /v1/records/{id} still routes beside the literal segment.
            #expect(try await client.call(.get, "/v1/records/records:batch?purpose=audit", token: f.tokens["officer"]).status == .notFound)
        }
    }

    @Test func batchIsAllOrNothingWithinLimitsAndStrict() async throws {
        let f = try await ServerFixture(maxBodyBytes: 64 * 1024)
        defer { f.cleanUp() }
        try await f.app.test(.router) { client in
            let token = f.tokens["registrar"]
            let size = try Self.entries(f)
            // Record 7 has a bad income: 422 naming index 7 and the field; nothing of the batch written.
            var records = (0..<10).map { Self.record($0) }
            records[7] = Self.record(7, income: "much")
            let bad = try await client.call(.post, "/v1/records:batch", token: token, body: try Self.body(records))
            #expect(bad.status == .unprocessableContent && (bad.json["message"] as? String)?.hasPrefix("import item 7, field income") == true, "\(bad.text)")
            #expect(try Self.entries(f) == size)
            // 1,001 records: refused as too large (413), nothing written; 1,000 fit.
            let tooMany = try await client.call(.post, "/v1/records:batch", token: token, body: try Self.body((0..<1001).map { Self.record($0) }))
            #expect(tooMany.status == .contentTooLarge && tooMany.json["error"] as? String == "batch_too_large", "\(tooMany.text)")
            #expect(try Self.entries(f) == size)
            let thousand = try await client.call(.post, "/v1/records:batch", token: token, body: try Self.body((0..<1000).map { Self.record($0) }))
            #expect(thousand.status == .ok && (thousand.json["records"] as? [Any])?.count == 1000, "\(thousand.text.prefix(300))")
            #expect(try Self.entries(f) == size + 1000)
            // Strict: a duplicate member, an unknown member (at the top or in a record), a missing key, a float, an empty batch.
            let one = try Self.body([Self.record(5000)])
            let strict: [(String, String)] = [
                (#"{"type":"citizen","type":"citizen","records":[]}"#, "malformed_json"),
                (one.replacingOccurrences(of: #""type":"citizen""#, with: #""type":"citizen","extra":1"#), "malformed_json"),
                (one.replacingOccurrences(of: #""key":"line-5000","#, with: #""key":"line-5000","note":"x","#), "malformed_json"),
                (one.replacingOccurrences(of: #""key":"line-5000","#, with: ""), "malformed_json"),
                (one.replacingOccurrences(of: #""income":100"#, with: #""income":100.0"#), "invalid_import_item"),
                (#"{"type":"citizen","records":[]}"#, "invalid_request"),
            ]
            for (text, code) in strict {
                let response = try await client.call(.post, "/v1/records:batch", token: token, body: text)
                #expect(response.json["error"] as? String == code, "\(text): \(response.text)")
                #expect([.badRequest, .unprocessableContent].contains(response.status))
            }
            #expect(try Self.entries(f) == size + 1000)
        }
    }
}
