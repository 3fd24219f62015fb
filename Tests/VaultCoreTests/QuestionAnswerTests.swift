import Foundation
import Testing
import VaultCrypto
import VaultLedger
import VaultNode
@testable import VaultCore
import VaultTestSupport

/// A reader of the public ledger (another requester holding a bundle of the same record included) learns that a
/// requester asked about a record for a purpose, never the answer: every question is one `question` entry whose
/// outcome, rule, fields and proof hash are sealed for the node and the citizen.
@Suite struct QuestionAnswerTests {
    static let now = UInt64(Date().timeIntervalSince1970)

    @Test(arguments: StorageBackend.available) func trueAndFalseAnswersLookAlikeOnTheLedger(backend: StorageBackend) async throws {
        let s = try await AttestationTests.Setup(backend)
        defer { s.f.cleanUp() }
        func ask(_ spec: PredicateSpec) async -> UInt64? {
            let request = AttestationRequest(recordID: s.recordID, predicates: [spec], requester: "bank-1", nonce: s.nonce, expiry: Self.now + 600, purpose: "loan")
            _ = try? await s.f.vault.attestUnderPolicy(request, by: Caller(id: "bank-1", role: .requester))
            return try? s.f.storage.ledger.treeSize() - 1
        }
        let yes = try await #require(ask(PredicateSpec(field: "income", below: 30_000)))   // income 25000: true
        let no = try await #require(ask(PredicateSpec(field: "income", below: 20_000)))    // false
        let denied = try await #require(ask(PredicateSpec(field: "income", below: 25_001))) // no rule lists it
        let entries = try [yes, no, denied].map { try EntryCodec.decode(try s.f.storage.ledger.entry(at: $0).bytes) }
        #expect(entries.allSatisfy { $0.type == LedgerEntry.Kind.question })
        // The same attribute names and the same sizes: nothing in the clear tells the outcomes apart.
        #expect(Set(entries.map { $0.attributes.keys.sorted() }).count == 1)
        #expect(entries[0].attributes.keys.sorted() == ["answer", "predicate_hash", "purpose", "record", "requester", "tag"])
        let sizes = entries.map { entry -> Int in
            guard case let .bytes(b)? = entry.attributes["answer"] else { return -1 }
            return b.count
        }
        #expect(Set(sizes).count == 1 && sizes[0] == 24 + 256 + 16 + 1)
        // The node (and the citizen) read them: true, false, refused by policy, with rule and fields.
        let answers = entries.map { s.f.vault.answer(of: $0) }
        #expect(answers.map { $0?.outcome } == [.answeredTrue, .answeredFalse, .policyDenied])
        #expect(answers[0]?.rule == "banks-age" && answers[0]?.fields == ["income"] && answers[0]?.proofHash?.count == 32)
        #expect(answers[2]?.rule == "" && answers[2]?.proofHash == nil)
        // The citizen's log says the same.
        let log = try await s.f.vault.accessLog(nationalID: "38001010000").filter { $0.type == "question" }
        #expect(log.map(\.outcome) == ["true", "false", "policy_denied"] && log.allSatisfy { $0.fields == ["income"] })
    }

    @Test func onlyTheCitizensKeyOpensItsAnswersAndOnlyWhereTheyWereWritten() async throws {
        let s = try await AttestationTests.Setup()
        defer { s.f.cleanUp() }
        let request = AttestationRequest(recordID: s.recordID, predicates: [AttestationTests.adult], requester: "bank-1", nonce: s.nonce, expiry: Self.now + 600, purpose: "loan")
        let made = try await s.f.vault.attestUnderPolicy(request, by: Caller(id: "bank-1", role: .requester))
        let entry = try EntryCodec.decode(try s.f.storage.ledger.entry(at: made.ledgerIndex).bytes)
        guard case let .bytes(box)? = entry.attributes["answer"], case let .bytes(hash)? = entry.attributes["predicate_hash"] else {
            Issue.record("no sealed answer")
            return
        }
        let trail = CitizenTrail(keys: s.f.keys)
        let mine = trail.citizenKey(try s.f.vault.pseudonym(of: "38001010000"))
        // What the citizen does offline with the key from GET /v1/citizens/me/trail-key.
        #expect(QuestionAnswer.open(box, citizenKey: mine, recordID: s.recordID, predicateHash: hash)?.outcome == .answeredTrue)
        let someoneElse = trail.citizenKey(try s.f.vault.pseudonym(of: "49002020000"))
        #expect(QuestionAnswer.open(box, citizenKey: someoneElse, recordID: s.recordID, predicateHash: hash) == nil)
        // Moved to another record or another question, it does not open.
        #expect(QuestionAnswer.open(box, citizenKey: mine, recordID: "r-00000000000000000000000000000000", predicateHash: hash) == nil)
        #expect(QuestionAnswer.open(box, citizenKey: mine, recordID: s.recordID, predicateHash: SHA256.hash(hash)) == nil)
    }

    @Test func thePlaintextIsPaddedAndDecodedStrictly() throws {
        let answer = QuestionAnswer(outcome: .answeredTrue, rule: "banks", fields: ["income", "birth_date"], proofHash: Array(repeating: 7, count: 32), commitmentIndex: 41)
        let bytes = answer.encoded
        #expect(bytes.count == 256)
        #expect(QuestionAnswer.decode(bytes) == answer)
        var nonZeroPadding = bytes
        nonZeroPadding[255] = 1
        #expect(QuestionAnswer.decode(nonZeroPadding) == nil)
        #expect(QuestionAnswer.decode(Array(bytes.prefix(255))) == nil)
        var unknownOutcome = bytes
        unknownOutcome[1] = 9
        #expect(QuestionAnswer.decode(unknownOutcome) == nil)
        var otherVersion = bytes
        otherVersion[0] = 2
        #expect(QuestionAnswer.decode(otherVersion) == nil)
        // A refusal encodes to the same length as a true answer with the same rule and fields.
        #expect(QuestionAnswer(outcome: .policyDenied, rule: "banks", fields: ["income", "birth_date"]).encoded.count == bytes.count)
    }
}
