import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import VaultCore
@testable import VaultServer

/// Over HTTP: off-list parameters are 403 policy_denied, a question past the budget is 429
/// disclosure_budget_exhausted with a JSON error, and the citizen's log shows every question with its outcome.
@Suite struct DisclosureBudgetHTTPTests {
    @Test func pastTheBudgetIs429AndEveryQuestionIsInTheCitizensLog() async throws {
        let f = try await ServerFixture()
        defer { f.cleanUp() }
        try await f.app.test(.router) { client in
            let created = try await client.call(.post, "/v1/records", token: f.tokens["registrar"], body: ServerFixture.citizenBody)
            let id = try #require(created.json["record"] as? String)
            func ask(_ predicate: String) async throws -> TestResponse {
                try await client.call(.post, "/v1/attestations", token: f.tokens["requester"], body: """
                    {"record":"\(id)","predicates":[\(predicate)],"nonce":"\(ServerFixture.nonce())","purpose":"loan-application"}
                    """)
            }
            #expect(try await ask(#"{"field":"income","below":30000}"#).status == .created)
            let offList = try await ask(#"{"field":"income","below":25000}"#)
            #expect(offList.status == .forbidden && offList.json["error"] as? String == "policy_denied")
            let otherDay = try await ask(#"{"field":"birth_date","age_at_least":18,"on":"1999-01-01"}"#)
            #expect(otherDay.status == .forbidden && otherDay.json["error"] as? String == "policy_denied")
            #expect(try await ask(#"{"field":"income","below":20000}"#).json["error"] as? String == "policy_denied")
            let exhausted = try await ask(#"{"field":"income","below":22000}"#)
            #expect(exhausted.status == .tooManyRequests)
            #expect(exhausted.headers[.contentType] == "application/json")
            #expect(exhausted.json["error"] as? String == "disclosure_budget_exhausted")
            #expect((exhausted.json["message"] as? String)?.contains("21000") == false)
            #expect(try await ask(#"{"field":"income","below":30000}"#).status == .created)  // asked before: free

            let log = try await client.call(.get, "/v1/citizens/me/access-log", token: f.tokens["citizen"])
            let questions = (log.json["events"] as? [[String: Any]] ?? []).filter { ($0["type"] as? String) == "question" }
            #expect(questions.compactMap { $0["outcome"] as? String } == ["true", "policy_denied", "policy_denied", "policy_denied", "budget_exhausted", "true"])
            #expect(questions.allSatisfy { $0["requester"] as? String == "bank-1" && $0["purpose"] as? String == "loan-application" })
        }
    }
}
