import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import VaultSQLite
import VaultLedger
import VaultCore
@testable import VaultServer

/// Malformed JSON, wrong types, unknown fields, oversized bodies and bad parameters: a 4xx with a JSON error,
/// never a 5xx, and nothing of the input's values in the message.
@Suite struct BadInputTests {
    @Test func malformedRequestsGetJSON4xx() async throws {
        let f = try await ServerFixture(maxBodyBytes: 4096)
        defer { f.cleanUp() }
        let officer = f.tokens["officer"]!
        let cases: [(HTTPRequest.Method, String, String?, Int)] = [
            (.post, "/v1/records", "{", 400),
            (.post, "/v1/records", "[]", 400),
            (.post, "/v1/records", "", 400),
            (.post, "/v1/records", #"{"type":"citizen","national_id":"1","values":{},"admin":true}"#, 400),
            (.post, "/v1/records", #"{"type":5,"national_id":"1","values":{}}"#, 400),
            (.post, "/v1/records", #"{"type":"citizen","national_id":"1","values":{"full_name":"SECRET-NAME-77","income":"lots"}}"#, 400),
            (.post, "/v1/records", #"{"type":"citizen","national_id":"1","values":{"national_id":"1","full_name":"A","birth_date":"1990-13-01"}}"#, 400),
            (.post, "/v1/records", #"{"type":"horse","national_id":"1","values":{}}"#, 400),
            (.post, "/v1/records", #"{"type":"citizen","national_id":"","values":{}}"#, 400),
            (.post, "/v1/records", "{\"type\":\"citizen\",\"national_id\":\"1\",\"values\":{\"full_name\":\"" + String(repeating: "x", count: 5000) + "\"}}", 413),
            (.get, "/v1/records/r-unknown?purpose=audit", nil, 404),
            (.get, "/v1/records/r-unknown", nil, 400),
            (.get, "/v1/records/r-unknown?purpose=Why%20not", nil, 400),
            (.post, "/v1/attestations", #"{"record":"r-x","predicates":[],"nonce":"AAAA","purpose":"loan"}"#, 400),
            (.post, "/v1/attestations", #"{"record":"r-x","predicates":[{"field":"birth_date"}],"nonce":"not base64!","purpose":"loan"}"#, 400),
            (.post, "/v1/attestations/verify", #"{"bundle":{}}"#, 400),
            (.post, "/v1/attestations/verify", #"{"bundle":5}"#, 400),
            (.get, "/v1/ledger/entries?from=5&to=2", nil, 400),
            (.get, "/v1/ledger/entries?from=-1", nil, 400),
            (.get, "/v1/ledger/entries?from=0&to=999999", nil, 200),
            (.get, "/v1/ledger/proofs/inclusion", nil, 400),
            (.get, "/v1/ledger/proofs/inclusion?index=99999", nil, 400),
            (.get, "/v1/ledger/proofs/inclusion?index=abc", nil, 400),
            (.get, "/v1/ledger/proofs/consistency?old=99999", nil, 400),
            (.post, "/v1/tiers", #"{"name":"public","rank":50}"#, 400),
            (.post, "/v1/tiers", #"{"name":"Not A Name","rank":51}"#, 400),
            (.post, "/v1/grants", #"{"member":"m","role":"emperor"}"#, 400),
            (.post, "/v1/grants", #"{"member":"m","role":"department","clearance":"cosmic"}"#, 400),
            (.post, "/v1/tiers/nope/rotate", nil, 400),
            (.post, "/v1/approvals/a-none", #"{"decision":"approve"}"#, 404),
            (.post, "/v1/approvals/a-none", #"{"decision":"maybe"}"#, 400),
            (.get, "/v1/approvals?status=weird", nil, 400),
            (.delete, "/v1/grants/Not%20A%20Code", nil, 400),
            (.get, "/v1/no-such-route", nil, 404),
        ]
        try await f.app.test(.router) { client in
            for (method, uri, body, status) in cases {
                let response = try await client.call(method, uri, token: officer, body: body)
                #expect(response.status.code == status, "\(method) \(uri) \(body?.prefix(80) ?? ""): \(response.status) \(response.text)")
                #expect(response.status.code < 500)
                if status >= 400 && uri != "/v1/no-such-route" {
                    #expect(response.json["error"] is String && response.json["message"] is String, "\(uri): \(response.text)")
                }
                #expect(!response.text.contains("SECRET-NAME-77"))
            }
        }
    }
}
