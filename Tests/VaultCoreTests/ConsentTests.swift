import Foundation
import Testing
import VaultCrypto
import VaultLedger
import VaultNode
@testable import VaultCore
import VaultTestSupport

/// A rule with `consent: true` makes a request wait for the citizen: only they decide it, before it expires;
/// every step is a ledger entry in their log.
@Suite struct ConsentTests {
    static let policy = Data("""
        {"version": 1, "rules": [{"id": "banks-consent", "requesters": ["bank-*"], "record_type": "citizen", "purposes": ["loan-application"],
          "allow": ["income:below:30000"], "consent": true, "consent_hours": 24}]}
        """.utf8)
    static let citizen = Caller(id: "citizen-1", role: .citizen)

    func file(_ node: DisclosureBudgetTests.Node) async throws -> Approval {
        let request = AttestationRequest(
            recordID: node.records[0], predicates: [PredicateSpec(field: "income", below: 30_000)], requester: "bank-1",
            nonce: RandomBytes.generate(32), expiry: DisclosureBudgetTests.start / 1000 + 3600, purpose: "loan-application")
        guard case let .pending(approval) = try await node.vault.requestAttestation(request, by: DisclosureBudgetTests.bank) else {
            throw VaultError.corrupt("expected a pending consent request")
        }
        return approval
    }

    @Test(arguments: StorageBackend.available) func theCitizenDecidesBeforeItExpires(backend: StorageBackend) async throws {
        let node = try await DisclosureBudgetTests.Node(backend, policy: Self.policy, people: [("1990-05-17", 23_456), ("1970-01-01", 10_000)])
        defer { node.test.cleanUp() }
        let me = try node.vault.pseudonym(of: "38001010000"), other = try node.vault.pseudonym(of: "38001010001")
        let first = try await file(node)
        #expect(first.isConsent && first.status == .pending)
        #expect(try node.entries("question").isEmpty)
        // Nobody else decides it, and the policy path does not skip it.
        await #expect(throws: VaultError.forbidden("\(first.id) waits for the citizen's consent; only the citizen decides it")) {
            try await node.vault.decide(approvalID: first.id, approve: true, by: .operatorCLI(id: "officer-1"))
        }
        await #expect(throws: VaultError.policyDenied("rule banks-consent needs the citizen's consent")) {
            try await node.vault.attestUnderPolicy(first.request, by: DisclosureBudgetTests.bank)
        }
        await #expect(try node.vault.consentRequests(citizen: other, by: Self.citizen).isEmpty)
        await #expect(throws: VaultError.approvalNotFound(first.id)) { try await node.vault.decideConsent(id: first.id, approve: true, citizen: other, by: Self.citizen) }
        await #expect(throws: VaultError.forbidden("role requester may not read consent requests")) { try await node.vault.consentRequests(citizen: me, by: DisclosureBudgetTests.bank) }

        let listed = try await node.vault.consentRequests(citizen: me, by: Self.citizen)
        #expect(listed.map(\.approval.id) == [first.id] && listed[0].expiresAtMs == first.createdAtMs + 24 * 3_600_000 && !listed[0].expired)
        let approved = try await node.vault.decideConsent(id: first.id, approve: true, citizen: me, by: Self.citizen)
        #expect(approved.approval.status == .approved && approved.approval.decidedBy == "citizen")
        let bundle = try await #require(try node.vault.approval(id: first.id)?.bundle)
        let verifier = BundleVerifier(ledgerKey: try NoteVerifierKey(name: node.test.keys.name, publicKey: node.test.keys.signingKey.publicKey))
        #expect(try verifier.verify(bundle, now: DisclosureBudgetTests.start / 1000, expecting: .noReplayCheck()).requester == "bank-1")
        await #expect(throws: VaultError.alreadyDecided(first.id, .approved)) { try await node.vault.decideConsent(id: first.id, approve: false, citizen: me, by: Self.citizen) }

        let second = try await file(node)
        await #expect(try node.vault.decideConsent(id: second.id, approve: false, citizen: me, by: Self.citizen).approval.status == .denied)

        let third = try await file(node)
        node.clock.advance(days: 1)
        await #expect(try node.vault.consentRequests(citizen: me, by: Self.citizen).first { $0.approval.id == third.id }?.expired == true)
        await #expect(throws: VaultError.consentExpired(third.id)) { try await node.vault.decideConsent(id: third.id, approve: true, citizen: me, by: Self.citizen) }
        let expired = try await #require(try node.vault.approval(id: third.id))
        #expect(expired.status == .denied && expired.decidedBy == "consent-expiry" && expired.bundle == nil)
        #expect(try node.entries("question").filter { node.vault.answer(of: $0)?.outcome == .answeredTrue }.count == 1)

        // The citizen's log has every step; the public entries name no citizen actor.
        let log = try await node.vault.accessLog(nationalID: "38001010000").filter { $0.type.hasPrefix("request.") || ($0.type == "question" && $0.outcome == "true") }
        #expect(log.map(\.type) == ["request.filed", "request.approved", "question", "request.filed", "request.denied", "request.filed", "request.denied"])
        #expect(try node.entries("request.approved").map(\.actor) == ["citizen"])
        #expect(try node.entries("request.denied").map(\.actor) == ["citizen", "consent-expiry"])
        // A second node over the same database (or the node after a restart) sees the same.
        let reopened = try node.test.reopened(clock: node.clock.now).vault
        await #expect(try reopened.consentRequests(citizen: me, by: Self.citizen).map(\.approval.status.rawValue).sorted() == ["approved", "denied", "denied"])
    }

    @Test func consentRulesAreCheckedWhenInstalled() async throws {
        func rule(_ extra: String) -> Data {
            Data(#"{"version":1,"rules":[{"id":"r","requesters":["a"],"record_type":"t","allow":["x:equals:v"],"purposes":["p"]\#(extra)}]}"#.utf8)
        }
        await #expect(throws: Never.self) { try await Policy.parse(rule(#","consent":true,"consent_hours":720"#)) }
        await #expect(throws: VaultError.invalidSchema("policy rule r: consent cannot be combined with officers' approval; use one")) {
            try await Policy.parse(rule(#","consent":true,"approval":true"#))
        }
        await #expect(throws: VaultError.invalidSchema("policy rule r: consent_hours needs consent true")) { try await Policy.parse(rule(#","consent_hours":5"#)) }
        for bad in ["0", "721", "1.5", #""3""#] {
            await #expect(throws: VaultError.self, "\(bad)") { try await Policy.parse(rule(#","consent":true,"consent_hours":\#(bad)"#)) }
        }
    }
}
