import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import VaultSQLite
import VaultLedger
import VaultCore
import VaultCore
import VaultCrypto
@testable import VaultServer

/// Every route's happy path, through the router (no socket).
@Suite struct RoutesTests {
    @Test func theWholeStoryOverHTTP() async throws {
        let f = try await ServerFixture()
        defer { f.cleanUp() }
        try await f.app.test(.router) { client in
            #expect(try await client.call(.get, "/health").json["status"] as? String == "ok")
            let created = try await client.call(.post, "/v1/records", token: f.tokens["registrar"], body: ServerFixture.citizenBody)
            #expect(created.status == .created)
            let id = try #require(created.json["record"] as? String)
            let read = try await client.call(.get, "/v1/records/\(id)?purpose=benefit-check", token: f.tokens["department"])
            #expect(read.status == .ok)
            #expect((read.json["fields"] as? [String: Any])?["full_name"] as? String == "Mari Maasikas")
            #expect(read.json["withheld"] as? [String] == ["income", "national_id"])
            let updated = try await client.call(.put, "/v1/records/\(id)", token: f.tokens["officer"], body: #"{"values":{"national_id":"38001010000","full_name":"Mari Maasikas","birth_date":"1980-01-01","district":"harbour","income":22000}}"#)
            #expect(updated.json["version"] as? Int == 2)

            // Attestation: issued, verified online, and a landlord's request waits for approval.
            let nonce = ServerFixture.nonce()
            let attested = try await client.call(.post, "/v1/attestations", token: f.tokens["requester"], body: """
                {"record":"\(id)","predicates":[{"field":"birth_date","age_at_least":18}],"nonce":"\(nonce)","purpose":"loan-application"}
                """)
            #expect(attested.status == .created)
            let bundle = try #require(attested.json["bundle"])
            let bundleText = String(decoding: try JSONSerialization.data(withJSONObject: bundle), as: UTF8.self)
            let verified = try await client.call(.post, "/v1/attestations/verify", body: #"{"bundle":\#(bundleText),"requester":"bank-1","nonce":"\#(nonce)"}"#)
            #expect(verified.status == .ok)
            #expect(verified.json["valid"] as? Bool == true)
            #expect(verified.json["record"] as? String == id && verified.json["record_version"] as? Int == 2 && verified.json["record_type"] as? String == "citizen")
            #expect(verified.json["purpose"] as? String == "loan-application" && verified.json["replay_checked"] as? Bool == true)
            #expect((verified.json["claims"] as? [String])?.first?.hasPrefix("birth_date: at least 18 years old on ") == true)
            let wrong = try await client.call(.post, "/v1/attestations/verify", body: #"{"bundle":\#(bundleText),"requester":"bank-2","nonce":"\#(nonce)"}"#)
            #expect(wrong.status == .unprocessableContent)
            #expect(wrong.json["error"] as? String == "verification_failed" && wrong.json["check"] as? String == "requester")
            // The replay check is required; skipping it is explicit and answered with a warning.
            let unchecked = try await client.call(.post, "/v1/attestations/verify", body: #"{"bundle":\#(bundleText)}"#)
            #expect(unchecked.status == .badRequest && unchecked.json["error"] as? String == "replay_check_required")
            let skipped = try await client.call(.post, "/v1/attestations/verify", body: #"{"bundle":\#(bundleText),"no_replay_check":true}"#)
            #expect(skipped.status == .ok && skipped.json["replay_checked"] as? Bool == false && skipped.json["warning"] != nil)
            let otherRecord = try await client.call(.post, "/v1/attestations/verify", body: #"{"bundle":\#(bundleText),"requester":"bank-1","nonce":"\#(nonce)","record":"r-00000000000000000000000000000000"}"#)
            #expect(otherRecord.status == .unprocessableContent && otherRecord.json["check"] as? String == "record")
            // One reading only: a body or a bundle with a member twice is refused before anything is checked.
            let twice = try await client.call(.post, "/v1/attestations/verify", body: #"{"bundle":\#(bundleText),"requester":"bank-1","requester":"bank-2","nonce":"\#(nonce)"}"#)
            #expect(twice.status == .badRequest && twice.json["error"] as? String == "malformed_json")
            let bundleTwice = bundleText.replacingOccurrences(of: #""requester":"bank-1""#, with: #""requester":"bank-1","requester":"bank-2""#)
            let innerTwice = try await client.call(.post, "/v1/attestations/verify", body: #"{"bundle":\#(bundleTwice),"requester":"bank-1","nonce":"\#(nonce)"}"#)
            #expect(innerTwice.status == .badRequest && innerTwice.json["error"] as? String == "malformed_json")
            let retyped = bundleText.replacingOccurrences(of: #""version":2"#, with: #""version":2.0"#)
            let realVersion = try await client.call(.post, "/v1/attestations/verify", body: #"{"bundle":\#(retyped),"requester":"bank-1","nonce":"\#(nonce)"}"#)
            #expect(realVersion.status == .unprocessableContent && realVersion.json["check"] as? String == "format")
            // Issuers cannot make a bundle that lives longer than 30 days.
            let long = try await client.call(.post, "/v1/attestations", token: f.tokens["requester"], body: """
                {"record":"\(id)","predicates":[{"field":"birth_date","age_at_least":18}],"nonce":"\(nonce)","purpose":"loan-application","expires_in":2592001}
                """)
            #expect(long.status == .badRequest)

            let pending = try await client.call(.post, "/v1/attestations", token: f.tokens["landlord"], body: """
                {"record":"\(id)","predicates":[{"field":"district","in":["north","harbour"]}],"nonce":"\(nonce)","purpose":"tenancy"}
                """)
            #expect(pending.status == .accepted)
            let approvalID = try #require(pending.json["approval"] as? String)
            let queue = try await client.call(.get, "/v1/approvals", token: f.tokens["officer"])
            #expect(queue.text.contains(approvalID))
            let decided = try await client.call(.post, "/v1/approvals/\(approvalID)", token: f.tokens["officer"], body: #"{"decision":"approve"}"#)
            #expect(decided.json["status"] as? String == "approved")
            let collected = try await client.call(.get, "/v1/approvals/\(approvalID)", token: f.tokens["landlord"])
            #expect(collected.json["bundle"] != nil)
            #expect(try await client.call(.get, "/v1/approvals/\(approvalID)", token: f.tokens["requester"]).status == .notFound)

            // The citizen sees the create, the read, the update and the attestations.
            let log = try await client.call(.get, "/v1/citizens/me/access-log", token: f.tokens["citizen"])
            let types = (log.json["events"] as? [[String: Any]])?.compactMap { $0["type"] as? String }
            #expect(types == ["record.created", "field.read", "record.updated", "question", "request.filed", "request.approval", "request.approved", "question"])

            // Ledger reads and proofs, public.
            let checkpoint = try await client.call(.get, "/v1/ledger/checkpoint")
            #expect(checkpoint.text.hasPrefix("test.node/server\n"))
            let entries = try await client.call(.get, "/v1/ledger/entries?from=0&to=3")
            #expect((entries.json["entries"] as? [Any])?.count == 3)
            let inclusion = try await client.call(.get, "/v1/ledger/proofs/inclusion?index=2")
            #expect(inclusion.json["leaf_index"] as? Int == 2)
            let consistency = try await client.call(.get, "/v1/ledger/proofs/consistency?old=3")
            #expect(consistency.json["old_size"] as? Int == 3)

            // Officers: tiers, rotation, grants, revocation; auditors: ledger verification.
            #expect(try await client.call(.get, "/v1/tiers", token: f.tokens["auditor"]).status == .ok)
            #expect(try await client.call(.post, "/v1/tiers", token: f.tokens["officer"], body: #"{"name":"secret","rank":9}"#).status == .created)
            #expect(try await client.call(.post, "/v1/tiers/internal/rotate", token: f.tokens["officer"]).json["version"] as? Int == 2)
            #expect(try await client.call(.post, "/v1/grants", token: f.tokens["officer"], body: #"{"member":"clerk-2","role":"department","clearance":"internal"}"#).status == .created)
            let revoked = try await client.call(.delete, "/v1/grants/clerk-1", token: f.tokens["officer"])
            #expect(revoked.json["revoked_tokens"] as? Int == 1)
            let afterRevoke = try await client.call(.get, "/v1/records/\(id)?purpose=audit", token: f.tokens["department"])
            #expect(afterRevoke.status == .unauthorized)
            #expect(afterRevoke.json["error"] as? String == "token_revoked")
            #expect(try await client.call(.get, "/v1/audit/ledger", token: f.tokens["auditor"]).json["valid"] as? Bool == true)
            #expect(try await client.call(.delete, "/v1/records/\(id)", token: f.tokens["officer"]).status == .ok)
            #expect(try await client.call(.get, "/v1/records/\(id)?purpose=audit", token: f.tokens["officer"]).status == .gone)
            let metrics = try await client.call(.get, "/metrics")
            #expect(metrics.text.contains("civicvault_attestations_issued_total 1"))
        }
    }
}
