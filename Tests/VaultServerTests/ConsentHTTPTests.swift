import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import VaultCore
import VaultNode
@testable import VaultServer

/// Over HTTP, under the example policy: an employer's question waits (202) for the citizen, who lists it and
/// approves it; the employer then collects the bundle; the citizen's log shows each step.
@Suite struct ConsentHTTPTests {
    @Test func theCitizenApprovesAnEmployersQuestion() async throws {
        let f = try await ServerFixture()
        defer { f.cleanUp() }
        let employer = try f.state.tokens.create(role: .requester, actor: "employer-1")
        try await f.app.test(.router) { client in
            let id = try #require(try await client.call(.post, "/v1/records", token: f.tokens["registrar"], body: ServerFixture.citizenBody).json["record"] as? String)
            let asked = try await client.call(.post, "/v1/attestations", token: employer, body: """
                {"record":"\(id)","predicates":[{"field":"birth_date","age_at_least":18}],"nonce":"\(ServerFixture.nonce())","purpose":"employment"}
                """)
            #expect(asked.status == .accepted)
            let request = try #require(asked.json["approval"] as? String)
            #expect(request.hasPrefix("c-"))
            // Officers cannot decide it; requesters cannot list the citizen's requests.
            #expect(try await client.call(.post, "/v1/approvals/\(request)", token: f.tokens["officer"], body: #"{"decision":"approve"}"#).status == .forbidden)
            #expect(try await client.call(.get, "/v1/citizens/me/requests", token: employer).status == .forbidden)
            for who in ["officer", "requester", "department", "auditor"] {
                let refused = try await client.call(.post, "/v1/citizens/me/requests/\(request)", token: f.tokens[who], body: #"{"decision":"approve"}"#)
                #expect(refused.status == .forbidden && refused.json["error"] as? String == "forbidden", "\(who)")
            }
            #expect(try await client.call(.post, "/v1/citizens/me/requests/\(request)", body: #"{"decision":"approve"}"#).status == .unauthorized)

            let listed = try await client.call(.get, "/v1/citizens/me/requests", token: f.tokens["citizen"])
            let requests = try #require(listed.json["requests"] as? [[String: Any]])
            #expect(requests.count == 1 && requests[0]["request"] as? String == request && requests[0]["status"] as? String == "pending")
            #expect(requests[0]["requester"] as? String == "employer-1" && requests[0]["purpose"] as? String == "employment")
            #expect(!listed.text.contains("1980-01-01"))

            let bad = try await client.call(.post, "/v1/citizens/me/requests/\(request)", token: f.tokens["citizen"], body: #"{"decision":"maybe"}"#)
            #expect(bad.status == .badRequest && bad.json["error"] as? String == "invalid_request")
            let extra = try await client.call(.post, "/v1/citizens/me/requests/\(request)", token: f.tokens["citizen"], body: #"{"decision":"approve","x":1}"#)
            #expect(extra.status == .badRequest)
            let approved = try await client.call(.post, "/v1/citizens/me/requests/\(request)", token: f.tokens["citizen"], body: #"{"decision":"approve"}"#)
            #expect(approved.status == .ok && approved.json["status"] as? String == "approved", "\(approved.text)")
            let again = try await client.call(.post, "/v1/citizens/me/requests/\(request)", token: f.tokens["citizen"], body: #"{"decision":"deny"}"#)
            #expect(again.status == .conflict && again.json["error"] as? String == "already_decided")
            #expect(try await client.call(.post, "/v1/citizens/me/requests/c-nope", token: f.tokens["citizen"], body: #"{"decision":"deny"}"#).status == .notFound)

            let collected = try await client.call(.get, "/v1/approvals/\(request)", token: employer)
            #expect(collected.json["bundle"] != nil)
            let log = try await client.call(.get, "/v1/citizens/me/access-log", token: f.tokens["citizen"])
            let types = (log.json["events"] as? [[String: Any]])?.compactMap { $0["type"] as? String }
            #expect(types == ["record.created", "request.filed", "request.approved", "question"])
        }
    }
}
