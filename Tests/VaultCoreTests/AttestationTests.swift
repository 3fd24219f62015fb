import Foundation
import Testing
import VaultCrypto
import VaultLedger
import VaultNode
@testable import VaultCore
import VaultTestSupport

/// Attestations end to end: policy, proving inside the vault, the `attested` entry, and offline verification of
/// the bundle, with every way a bundle can be wrong.
@Suite struct AttestationTests {
    static let policyJSON = """
        {"version": 1, "rules": [
          {"id": "banks-age", "requesters": ["bank-*"], "record_type": "citizen", "allow": ["birth_date:age_at_least:18", "income:below:30000", "income:below:20000", "income:range:10000:40000"], "purposes": ["loan"]},
          {"id": "landlords-district", "requesters": ["landlord-1"], "record_type": "citizen", "allow": ["district:in:north|south"], "purposes": ["tenancy"], "approval": true}
        ]}
        """
    static let now: UInt64 = 1_795_000_000  // 2026-11-18

    struct Setup {
        let f: VaultFixture
        let recordID: String
        let verifier: BundleVerifier
        let nonce = RandomBytes.generate(32)

        init(_ backend: StorageBackend = .sqlite, born: String = "2000-01-01") async throws {
            f = try await VaultFixture(backend)
            try await f.vault.installPolicy(try Policy.parse(Data(AttestationTests.policyJSON.utf8)), by: f.officer)
            recordID = try await f.vault.createRecord(type: "citizen", nationalID: "38001010000", input: f.input("38001010000", born: born, income: 25_000), by: f.officer).recordID
            verifier = BundleVerifier(ledgerKey: try NoteVerifierKey(name: f.keys.name, publicKey: f.keys.signingKey.publicKey))
        }

        func request(_ specs: [PredicateSpec], requester: String = "bank-1", purpose: String = "loan") -> AttestationRequest {
            AttestationRequest(recordID: recordID, predicates: specs, requester: requester, nonce: nonce, expiry: AttestationTests.now + 600, purpose: purpose)
        }
    }

    /// Asked on the node's today (no `on`), the only date the policy allows.
    static let adult = PredicateSpec(field: "birth_date", age_at_least: 18)

    @Test(arguments: StorageBackend.available) func ageAttestationVerifiesOfflineAndIsLogged(backend: StorageBackend) async throws {
        let s = try await Setup(backend)
        defer { s.f.cleanUp() }
        let made = try await s.f.vault.attestUnderPolicy(s.request([Self.adult]), by: Caller(id: "bank-1", role: .requester))
        let verified = try s.verifier.verify(made.bundle, now: Self.now, expecting: .replay(requester: "bank-1", nonce: s.nonce))
        #expect(verified.requester == "bank-1")
        // Round trip through JSON, as the requester receives it.
        let decoded = try AttestationBundle.decode(try made.bundle.encoded())
        #expect(try s.verifier.verify(decoded, now: Self.now, expecting: .replay(requester: "bank-1", nonce: s.nonce)) == verified)
        let log = try await s.f.vault.accessLog(nationalID: "38001010000")
        #expect(log.last?.type == "question" && log.last?.outcome == "true" && log.last?.requester == "bank-1" && log.last?.ledgerIndex == made.ledgerIndex)
        let entry = try EntryCodec.decode(try s.f.storage.ledger.entry(at: made.ledgerIndex).bytes)
        #expect(entry.attributes["rule"] == nil && s.f.vault.answer(of: entry)?.rule == "banks-age")
        // The bundle carries no plaintext.
        let text = String(decoding: try made.bundle.encoded(), as: UTF8.self)
        for secret in ["2000-01-01", "25000", "Mari", "38001010000"] { #expect(!text.contains(secret)) }
    }

    @Test(arguments: StorageBackend.available) func falseStatementsAreRefusedAndRecorded(backend: StorageBackend) async throws {
        let s = try await Setup(backend, born: "2010-06-01")  // 16 years old today (2026-12)
        defer { s.f.cleanUp() }
        let before = try s.f.storage.ledger.treeSize()
        await #expect(throws: VaultError.predicateFalse) { try await s.f.vault.attestUnderPolicy(s.request([Self.adult]), by: Caller(id: "bank-1", role: .requester)) }
        await #expect(throws: VaultError.predicateFalse) {
            try await s.f.vault.attestUnderPolicy(s.request([PredicateSpec(field: "income", below: 20_000)]), by: Caller(id: "bank-1", role: .requester))
        }
        // Each false answer is a `question` entry whose sealed outcome is false, in the citizen's log.
        #expect(try s.f.storage.ledger.treeSize() == before + 2)
        let log = try await s.f.vault.accessLog(nationalID: "38001010000").suffix(2)
        #expect(log.map(\.type) == ["question", "question"] && log.map(\.outcome) == ["false", "false"])
        #expect(log.map(\.outcome) == ["false", "false"] && log.allSatisfy { $0.requester == "bank-1" && $0.purpose == "loan" })
        #expect(log.map(\.fields) == [["birth_date"], ["income"]])
    }

    @Test func andOfSeveralFieldsAndRangeVerify() async throws {
        let s = try await Setup()
        defer { s.f.cleanUp() }
        let specs = [Self.adult, PredicateSpec(field: "income", below: 30_000), PredicateSpec(field: "income", at_least: 10_000, at_most: 40_000)]
        let made = try await s.f.vault.attestUnderPolicy(s.request(specs), by: Caller(id: "bank-1", role: .requester))
        // The age question was asked on the node's today, which the bundle's predicate names.
        let asked = s.request(specs).pinningDates(to: s.f.vault.today()).predicates
        #expect(asked[0].on == s.f.vault.today())
        #expect(try s.verifier.verify(made.bundle, now: Self.now, expecting: .noReplayCheck()).predicate == (try PredicateSpec.canonical(asked)))
    }

    @Test(arguments: StorageBackend.available) func policyDecidesAndNamesTheRule(backend: StorageBackend) async throws {
        let s = try await Setup(backend)
        defer { s.f.cleanUp() }
        let district = PredicateSpec(field: "district", in: ["north", "south"])
        await #expect(throws: VaultError.policyDenied("rule landlords-district needs an officer's approval")) {
            try await s.f.vault.attestUnderPolicy(s.request([district], requester: "landlord-1", purpose: "tenancy"), by: Caller(id: "landlord-1", role: .requester))
        }
        let approved = try await s.f.vault.attestUnderPolicy(s.request([district], requester: "landlord-1", purpose: "tenancy"), by: Caller(id: "landlord-1", role: .requester), approved: true)
        #expect(try s.verifier.verify(approved.bundle, now: Self.now, expecting: .noReplayCheck()).requester == "landlord-1")
        await #expect(throws: VaultError.self) {  // a bank may not ask about districts
            try await s.f.vault.attestUnderPolicy(s.request([district]), by: Caller(id: "bank-1", role: .requester))
        }
        await #expect(throws: VaultError.self) {  // wrong purpose
            try await s.f.vault.attestUnderPolicy(s.request([Self.adult], purpose: "marketing"), by: Caller(id: "bank-1", role: .requester))
        }
        await #expect(throws: VaultError.forbidden("only the requester itself or an officer may ask for this attestation")) {
            try await s.f.vault.attestUnderPolicy(s.request([Self.adult]), by: Caller(id: "bank-2", role: .requester))
        }
        await #expect(throws: VaultError.invalidPredicate("field full_name is not attestable")) {
            try await s.f.vault.attest(s.request([PredicateSpec(field: "full_name", equals: "x")]), by: s.f.officer) { _, _, _ in "test" }
        }
    }

    @Test func aBundleDoesNotVerifyForAnotherRequesterNonceTimeOrKey() async throws {
        let s = try await Setup()
        defer { s.f.cleanUp() }
        let bundle = try await s.f.vault.attestUnderPolicy(s.request([Self.adult]), by: Caller(id: "bank-1", role: .requester)).bundle
        func check(_ expected: String, _ body: () throws -> Void) {
            #expect { try body() } throws: { ($0 as? BundleVerifier.Failure)?.check == expected }
        }
        check("requester") { _ = try s.verifier.verify(bundle, now: Self.now, expecting: .replay(requester: "bank-2", nonce: s.nonce)) }
        check("nonce") { _ = try s.verifier.verify(bundle, now: Self.now, expecting: .replay(requester: "bank-1", nonce: RandomBytes.generate(32))) }
        check("expiry") { _ = try s.verifier.verify(bundle, now: Self.now + 601, expecting: .noReplayCheck()) }
        let otherKey = BundleVerifier(ledgerKey: try NoteVerifierKey(name: s.f.keys.name, publicKey: Ed25519SigningKey.generate().publicKey))
        check("checkpoint-signature") { _ = try otherKey.verify(bundle, now: Self.now, expecting: .noReplayCheck()) }
        // Replayed to another requester by rewriting the bundle: the proof is bound to the requester.
        var replay = bundle
        replay.requester = "bank-2"
        check("proof") { _ = try s.verifier.verify(replay, now: Self.now, expecting: .replay(requester: "bank-2", nonce: s.nonce)) }
        var later = bundle
        later.expiry += 86_400
        check("proof") { _ = try s.verifier.verify(later, now: Self.now, expecting: .noReplayCheck()) }
        var otherPredicate = bundle
        otherPredicate.predicate = try PredicateSpec.canonical([PredicateSpec(field: "birth_date", age_at_least: 21, on: "2026-11-26")])
        check("statement") { _ = try s.verifier.verify(otherPredicate, now: Self.now, expecting: .noReplayCheck()) }
        var otherIndex = bundle
        otherIndex.ledger_index += 1
        check("inclusion") { _ = try s.verifier.verify(otherIndex, now: Self.now, expecting: .noReplayCheck()) }
    }

    @Test(arguments: StorageBackend.available) func shreddingStopsAttestationsButOldBundlesStillVerify(backend: StorageBackend) async throws {
        let s = try await Setup(backend)
        defer { s.f.cleanUp() }
        let bundle = try await s.f.vault.attestUnderPolicy(s.request([Self.adult]), by: Caller(id: "bank-1", role: .requester)).bundle
        try await s.f.vault.shred(id: s.recordID, by: s.f.officer)
        await #expect(throws: VaultError.recordShredded(s.recordID)) {
            try await s.f.vault.attestUnderPolicy(s.request([Self.adult]), by: Caller(id: "bank-1", role: .requester))
        }
        #expect(try s.verifier.verify(bundle, now: Self.now, expecting: .noReplayCheck()).requester == "bank-1")
        #expect(try s.f.storage.verifyLedger().treeSize > 0)
    }

    /// Every single-bit change (xor 1) of the bundle's JSON text, outside the proof every byte and inside it every
    /// 13th, is refused; none crashes.
    @Test func mutatedBundlesNeverVerify() async throws {
        let s = try await Setup()
        defer { s.f.cleanUp() }
        let bundle = try await s.f.vault.attestUnderPolicy(s.request([Self.adult]), by: Caller(id: "bank-1", role: .requester)).bundle
        let text = Array(try bundle.encoded())
        let proofRange = try #require(String(decoding: text, as: UTF8.self).range(of: bundle.proof)).lowerBound.utf16Offset(in: String(decoding: text, as: UTF8.self))
        var tried = 0, accepted = 0
        for i in text.indices where !(proofRange..<(proofRange + bundle.proof.count)).contains(i) || i % 13 == 0 {
            var mutated = text
            mutated[i] ^= 0x01
            tried += 1
            guard let decoded = try? AttestationBundle.decode(Data(mutated)) else { continue }
            if (try? s.verifier.verify(decoded, now: Self.now, expecting: .replay(requester: "bank-1", nonce: s.nonce))) != nil { accepted += 1 }
        }
        for cut in [1, 10, text.count / 2] {
            if let decoded = try? AttestationBundle.decode(Data(text.dropLast(cut))) {
                #expect((try? s.verifier.verify(decoded, now: Self.now, expecting: .noReplayCheck())) == nil)
            }
        }
        #expect(tried > 1000)
        #expect(accepted == 0)
    }
}
