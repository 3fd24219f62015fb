import Foundation
import VaultCore
import VaultCrypto
import VaultLedger

/// `civicvault demo --scenario civil-identity`: the population register. The registrar registers a person; a
/// department cleared for the internal tier reads only what it may; a bank learns "adult, citizen, document valid
/// into 2027" and nothing else, and is refused a question no rule allows; an employer's question waits for the
/// person's consent; a pensions department checks residence; the person sees every event in their access log;
/// an auditor checks the ledger.
struct CivilIdentityDemo {
    let kit: DemoKit

    func run() async throws {
        let s = kit.suffix
        let nationalID = "ID\(s)"
        let registrar = try kit.token(.department, "registry-demo-\(s)", clearance: "restricted")
        let clerk = try kit.token(.department, "dept-social-\(s)", clearance: "internal")
        let bank = try kit.token(.requester, "bank-demo-\(s)")
        let employer = try kit.token(.requester, "employer-demo-\(s)")
        let pensions = try kit.token(.requester, "dept-pensions-\(s)")
        let person = try kit.token(.citizen, "citizen-\(s)", nationalID: nationalID)
        let auditor = try kit.token(.auditor, "auditor-demo-\(s)")
        let start = try await kit.checkpoint()
        kit.say("auditor", "checkpoint at size \(start.treeSize), signature checked with \(kit.key)")

        let created = try await kit.http.json("POST", "/v1/records", token: registrar, body: [
            "type": "person", "national_id": nationalID,
            "values": [
                "national_id": nationalID, "given_name": "Mari", "family_name": "Tamm\(s)", "birth_date": "1994-03-08",
                "citizenship": "EE", "residence_district": "harbour", "document_number": "AB\(s)", "document_valid_until": 20_310_517,
            ] as [String: Any],
        ])
        let record = try kit.field(created, "record")
        kit.say("registrar", "registered person \(record) (ledger index \(created["ledger_index"] ?? "?")); the ledger holds commitments and a ciphertext hash, no values")

        let full = try await kit.http.json("GET", "/v1/records/\(record)?purpose=registry-check", token: registrar)
        let fullFields = full["fields"] as? [String: Any] ?? [:]
        kit.say("registrar", "reads all \(fullFields.count) fields: " + fullFields.keys.sorted().map { "\($0)=\(fullFields[$0]!)" }.joined(separator: ", "))

        let partial = try await kit.http.json("GET", "/v1/records/\(record)?purpose=benefit-check", token: clerk)
        let seen = (partial["fields"] as? [String: Any] ?? [:])
        let withheld = partial["withheld"] as? [String] ?? []
        kit.say("social department (internal tier)", "sees \(seen.keys.sorted().map { "\($0)=\(seen[$0]!)" }.joined(separator: ", ")); withheld: \(withheld.joined(separator: ", "))")
        try kit.expect(seen["birth_date"] == nil && withheld.contains("birth_date") && withheld.contains("national_id"), "an internal-tier reader saw a confidential field")

        let nonce = RandomBytes.generate(32)
        let kyc = try await kit.attest(bank, record: record, predicates: [
            ["field": "birth_date", "age_at_least": 18], ["field": "citizenship", "equals": "EE"], ["field": "document_valid_until", "at_least": 20_270_101],
        ], purpose: "account-opening", nonce: nonce)
        let (verified, bytes) = try kit.verifyOffline(kyc["bundle"], requester: "bank-demo-\(s)", nonce: nonce, record: record)
        kit.say("bank", "verified offline (\(bytes) bytes, verifier key only): \(verified.claims.joined(separator: "; ")); it learned nothing else")

        let refused = try await kit.refusal("POST", "/v1/attestations", token: bank, body: [
            "record": record, "predicates": [["field": "residence_district", "equals": "harbour"]],
            "nonce": Base64.encode(RandomBytes.generate(32)), "purpose": "account-opening",
        ])
        kit.say("bank", "asks where the person lives: refused \(refused.status) \(refused.code) (\(refused.message))")
        try kit.expect(refused.code == "policy_denied", "a question no rule allows was not refused as policy_denied")

        let employerNonce = RandomBytes.generate(32)
        let waiting = try await kit.attest(employer, record: record, predicates: [["field": "birth_date", "age_at_least": 18]], purpose: "employment", nonce: employerNonce)
        let request = try kit.field(waiting, "approval")
        kit.say("employer", "asks \"adult?\": \(waiting["status"] ?? "?"), waiting for the person's consent (request \(request))")
        let pending = try await kit.http.json("GET", "/v1/citizens/me/requests", token: person)
        let asks = (pending["requests"] as? [[String: Any]] ?? []).filter { $0["status"] as? String == "pending" }
        kit.say("person", "sees \(asks.count) pending request(s): " + asks.map { "\($0["requester"] ?? "?") asks \(($0["predicates"] as? [[String: Any]] ?? []).map(DemoKit.predicate).joined(separator: " and ")) for \($0["purpose"] ?? "?")" }.joined(separator: "; "))
        _ = try await kit.http.json("POST", "/v1/citizens/me/requests/\(request)", token: person, body: ["decision": "approve"])
        kit.say("person", "approves request \(request)")
        let answered = try await kit.http.json("GET", "/v1/approvals/\(request)", token: employer)
        let (employed, _) = try kit.verifyOffline(answered["bundle"], requester: "employer-demo-\(s)", nonce: employerNonce, record: record)
        kit.say("employer", "verified offline: \(employed.claims.joined(separator: "; "))")

        let benefitNonce = RandomBytes.generate(32)
        let benefit = try await kit.attest(pensions, record: record, predicates: [["field": "residence_district", "equals": "harbour"]], purpose: "benefit-check", nonce: benefitNonce)
        let (resident, _) = try kit.verifyOffline(benefit["bundle"], requester: "dept-pensions-\(s)", nonce: benefitNonce, record: record)
        kit.say("pensions department", "verified offline: \(resident.claims.joined(separator: "; "))")

        let events = try await kit.accessLog(person)
        kit.say("person", "access log (\(events.count) events): \(events.joined(separator: "; "))")
        try kit.expect(events.filter { $0.hasPrefix("question") }.count >= 3 && events.contains { $0.hasPrefix("field.read") }, "the access log misses events")

        kit.say("auditor", try await kit.audit(auditor, since: start))
        print("civil-identity demo complete")
    }
}
