import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import VaultCore
import VaultNode
import VaultLedger
import VaultSQLite
@testable import VaultServer

/// Writes over HTTP respect clearance: a department member of every clearance POSTs, PATCHes and PUTs a field of
/// every tier; exactly those at or below its clearance succeed, the others are 403 `clearance` naming the field
/// (never a value), and the fields above it keep their values, as an officer reads them, and their attestations.
@Suite struct WriteClearanceHTTPTests {
    static let tiers = ["public", "internal", "confidential", "restricted"]
    static func field(_ tier: String) -> String { "f_" + tier }
    static func rank(_ tier: String) -> Int { tiers.firstIndex(of: tier)! }
    static let schema = """
        {"type": "tiered", "version": 1, "fields": [
          {"name": "f_public", "type": "string", "tier": "public"},
          {"name": "f_internal", "type": "string", "tier": "internal"},
          {"name": "f_confidential", "type": "string", "tier": "confidential"},
          {"name": "f_restricted", "type": "string", "tier": "restricted"}
        ]}
        """

    /// `{"values": values}` as JSON.
    static func body(_ values: [String: String]) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: ["values": values], options: .sortedKeys), as: UTF8.self)
    }

    @Test func everyClearanceWritingEveryTier() async throws {
        let f = try await ServerFixture()
        defer { f.cleanUp() }
        let officer = Caller.operatorCLI()
        try await f.state.vault.registerSchema(json: Data(Self.schema.utf8), by: officer)
        var tokens: [String: String] = [:]
        for clearance in Self.tiers {
            try await f.state.vault.grant(memberID: "dept-\(clearance)", role: .department, clearance: clearance, by: officer)
            tokens[clearance] = try f.state.tokens.create(role: .department, actor: "dept-\(clearance)", clearance: clearance)
        }
        let everyTier = Dictionary(uniqueKeysWithValues: Self.tiers.map { (Self.field($0), "old-\($0)") })
        let tokensByClearance = tokens
        let checked = try await f.app.test(.router) { client in
            func create(_ values: [String: String], token: String?) async throws -> TestResponse {
                let payload = try JSONSerialization.data(withJSONObject: ["type": "tiered", "national_id": "T-1", "values": values], options: .sortedKeys)
                return try await client.call(.post, "/v1/records", token: token, body: String(decoding: payload, as: UTF8.self))
            }
            func officerRead(_ id: String) async throws -> [String: String] {
                let read = try await client.call(.get, "/v1/records/\(id)?purpose=audit", token: f.tokens["officer"])
                return read.json["fields"] as? [String: String] ?? [:]
            }
            func expectRefused(_ response: TestResponse, _ tier: String, _ label: String) {
                #expect(response.status == .forbidden, "\(label): \(response.status) \(response.text)")
                #expect(response.json["error"] as? String == "clearance", "\(label): \(response.text)")
                #expect((response.json["message"] as? String)?.contains("\"\(Self.field(tier))\"") == true, "\(label): \(response.text)")
                #expect(!response.text.contains("old-") && !response.text.contains("new-"), "\(label): a value in \(response.text)")
            }
            var checked = 0
            for clearance in Self.tiers {
                let token = tokensByClearance[clearance]
                for tier in Self.tiers {
                    let allowed = Self.rank(tier) <= Self.rank(clearance)
                    let label = "clearance \(clearance), tier \(tier)"
                    // POST: only fields within the clearance.
                    let posted = try await create([Self.field(tier): "new-\(tier)"], token: token)
                    if allowed { #expect(posted.status == .created, "\(label): \(posted.text)") } else { expectRefused(posted, tier, "POST " + label) }
                    // PATCH on a record with every tier (made by the officer).
                    let made = try await create(everyTier, token: f.tokens["officer"])
                    let id = try #require(made.json["record"] as? String)
                    let patched = try await client.call(.patch, "/v1/records/\(id)", token: token, body: try Self.body([Self.field(tier): "new-\(tier)"]))
                    var expected = everyTier
                    if allowed {
                        #expect(patched.status == .ok && patched.json["version"] as? Int == 2, "\(label): \(patched.text)")
                        expected[Self.field(tier)] = "new-\(tier)"
                    } else {
                        expectRefused(patched, tier, "PATCH " + label)
                    }
                    #expect(try await officerRead(id) == expected, "PATCH \(label)")
                    // PUT: a record whose values are all within the clearance takes the field iff it is within it too;
                    // a record holding values above it is never replaced (not even with the same values).
                    let within = everyTier.filter { Self.rank(String($0.key.dropFirst(2))) <= Self.rank(clearance) }
                    let small = try #require(try await create(within, token: f.tokens["officer"]).json["record"] as? String)
                    let put = try await client.call(.put, "/v1/records/\(small)", token: token, body: try Self.body(within.merging([Self.field(tier): "new-\(tier)"]) { $1 }))
                    if allowed { #expect(put.status == .ok, "PUT \(label): \(put.text)") } else { expectRefused(put, tier, "PUT " + label) }
                    let repeated = try await client.call(.put, "/v1/records/\(id)", token: token, body: try Self.body(expected))
                    if clearance == "restricted" { #expect(repeated.status == .ok, "PUT \(label): \(repeated.text)") } else {
                        let firstAbove = Self.tiers.filter { Self.rank($0) > Self.rank(clearance) }.min { Self.field($0) < Self.field($1) }!
                        expectRefused(repeated, firstAbove, "PUT repeat " + label)
                        #expect(try await officerRead(id) == expected, "PUT \(label)")
                    }
                    checked += 1
                }
            }
            return checked
        }
        #expect(checked == 16)
    }

    @Test func aClerksPatchKeepsRestrictedIncomeAndItsAttestation() async throws {
        let f = try await ServerFixture()
        defer { f.cleanUp() }
        try await f.app.test(.router) { client in
            let id = try #require(try await client.call(.post, "/v1/records", token: f.tokens["registrar"], body: ServerFixture.citizenBody).json["record"] as? String)
            // The confidential clerk cannot overwrite (or drop) the restricted income with PUT, but may patch its own fields.
            let put = try await client.call(.put, "/v1/records/\(id)", token: f.tokens["department"], body: #"{"values":{"national_id":"38001010000","full_name":"Mari Maasikas","birth_date":"1980-01-01","income":1}}"#)
            #expect(put.status == .forbidden && put.json["error"] as? String == "clearance")
            let dropping = try await client.call(.put, "/v1/records/\(id)", token: f.tokens["department"], body: #"{"values":{"full_name":"Mari Maasikas","birth_date":"1980-01-01"}}"#)
            #expect(dropping.status == .forbidden && dropping.json["error"] as? String == "clearance" && dropping.text.contains("income"))
            let patched = try await client.call(.patch, "/v1/records/\(id)", token: f.tokens["department"], body: #"{"values":{"full_name":"Mari Uus","district":"south"}}"#)
            #expect(patched.status == .ok && patched.json["version"] as? Int == 2)
            let read = try await client.call(.get, "/v1/records/\(id)?purpose=audit", token: f.tokens["officer"])
            let fields = read.json["fields"] as? [String: Any] ?? [:]
            #expect(fields["income"] as? Int == 21000 && fields["national_id"] as? String == "38001010000" && fields["full_name"] as? String == "Mari Uus")
            // A bank is still attested on the kept income, and the bundle verifies.
            let nonce = ServerFixture.nonce()
            let attested = try await client.call(.post, "/v1/attestations", token: f.tokens["requester"], body: """
                {"record":"\(id)","predicates":[{"field":"income","below":30000}],"nonce":"\(nonce)","purpose":"loan-application"}
                """)
            #expect(attested.status == .created, "\(attested.text)")
            let bundle = String(decoding: try JSONSerialization.data(withJSONObject: try #require(attested.json["bundle"])), as: UTF8.self)
            let verified = try await client.call(.post, "/v1/attestations/verify", body: #"{"bundle":\#(bundle),"requester":"bank-1","nonce":"\#(nonce)"}"#)
            #expect(verified.json["valid"] as? Bool == true, "\(verified.text)")
            // The citizen sees the update like any other.
            let log = try await client.call(.get, "/v1/citizens/me/access-log", token: f.tokens["citizen"])
            #expect(((log.json["events"] as? [[String: Any]]) ?? []).compactMap { $0["type"] as? String }.contains("record.updated"))
        }
    }

    @Test func badPatchesGetJSON4xx() async throws {
        let f = try await ServerFixture()
        defer { f.cleanUp() }
        try await f.app.test(.router) { client in
            let id = try #require(try await client.call(.post, "/v1/records", token: f.tokens["officer"], body: ServerFixture.citizenBody).json["record"] as? String)
            let shredded = try #require(try await client.call(.post, "/v1/records", token: f.tokens["officer"], body: ServerFixture.citizenBody).json["record"] as? String)
            #expect(try await client.call(.delete, "/v1/records/\(shredded)", token: f.tokens["officer"]).status == .ok)
            let cases: [(String, String?, String?, Int, String)] = [
                (id, "officer", "{", 400, "malformed_json"),
                (id, "officer", #"{"values":{"district":"south"},"version":3}"#, 400, "unknown_field"),
                (id, "officer", #"{"values":"SECRET-NAME-77"}"#, 400, "invalid_request"),
                (id, "officer", #"{"values":{"shoe_size":"SECRET-NAME-77"}}"#, 400, "invalid_record"),
                (id, "officer", #"{"values":{"full_name":null}}"#, 400, "invalid_record"),
                (id, "officer", #"{"values":{"income":"SECRET-NAME-77"}}"#, 400, "invalid_record"),
                (id, nil, #"{"values":{"district":"south"}}"#, 401, "unauthorized"),
                (id, "requester", #"{"values":{"district":"south"}}"#, 403, "forbidden"),
                (id, "department", #"{"values":{"income":12}}"#, 403, "clearance"),
                ("r-none", "officer", #"{"values":{"district":"south"}}"#, 404, "not_found"),
                (shredded, "officer", #"{"values":{"district":"south"}}"#, 410, "shredded"),
            ]
            for (record, who, text, status, code) in cases {
                let response = try await client.call(.patch, "/v1/records/\(record)", token: who.flatMap { f.tokens[$0] }, body: text)
                #expect(response.status.code == status && response.json["error"] as? String == code, "\(text ?? ""): \(response.status) \(response.text)")
                #expect(response.json["message"] is String && !response.text.contains("SECRET-NAME-77"))
            }
            let read = try await client.call(.get, "/v1/records/\(id)?purpose=audit", token: f.tokens["officer"])
            #expect(read.json["version"] as? Int == 1)
        }
    }
}
