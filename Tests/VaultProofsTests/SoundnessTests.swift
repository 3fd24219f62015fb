import Testing
import VaultCrypto
@testable import VaultProofs

/// A proof made for a true statement verifies for nothing else: no other statement, commitment, threshold,
/// bit length, set, or context field.
@Suite struct SoundnessTests {
    /// Rejected; with `.verificationFailed` whenever the bytes parse as a proof of that statement.
    private func rejects(_ proof: Proof, _ statement: Statement, _ context: ProofContext, sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            try Verifier.verify(proof.encoded, for: statement, context: context, now: 0)
            Issue.record("verified for another statement or context", sourceLocation: sourceLocation)
        } catch {
            if (try? Proof(decoding: proof.encoded, for: statement)) != nil { #expect(error == .verificationFailed, sourceLocation: sourceLocation) }
        }
    }

    @Test(arguments: Fixture.all)
    func otherContextFieldsAreRejected(_ fixture: Fixture) throws {
        let m = try fixture.make()
        let variants: [ProofContext] = [
            try Fixture.context(requester: "requester:other", predicate: fixture.name),
            try Fixture.context(nonce: Array(1..<33), predicate: fixture.name),
            try Fixture.context(expiry: 1_800_000_001, predicate: fixture.name),
            try Fixture.context(predicate: fixture.name + "!"),
            try Fixture.context(predicate: fixture.name, ledgerIndex: 8),
            try Fixture.context(predicate: fixture.name, checkpointHash: SHA256.hash(Array("other".utf8))),
        ]
        for variant in variants {
            #expect(variant != m.context)
            rejects(m.proof, m.statement, variant)
        }
    }

    @Test(arguments: Fixture.all)
    func otherCommitmentsAreRejected(_ fixture: Fixture) throws {
        let m = try fixture.make()
        for i in m.statement.commitments.indices {
            var commitments = m.statement.commitments
            // Another commitment to the same value: same truth, other commitment.
            commitments[i] = Commitment.commit(to: m.openings[i].value).commitment
            rejects(m.proof, try Statement(commitments: commitments, clauses: m.statement.clauses), m.context)
        }
    }

    @Test(arguments: Fixture.all)
    func otherPredicatesAreRejected(_ fixture: Fixture) throws {
        let m = try fixture.make()
        for (i, clause) in m.statement.clauses.enumerated() {
            for other in Self.neighbours(of: clause.predicate) {
                var clauses = m.statement.clauses
                clauses[i] = Clause(commitment: clause.commitment, predicate: other)
                guard let statement = try? Statement(commitments: m.statement.commitments, clauses: clauses) else { continue }
                rejects(m.proof, statement, m.context)
            }
        }
    }

    @Test func otherStatementsOfTheSameShapeAreRejected() throws {
        let m = try Fixture.all.first { $0.name == "and-age-income-district" }!.make()
        // Clauses reordered, a clause dropped, a clause duplicated.
        var c = m.statement.clauses
        c.swapAt(0, 1)
        rejects(m.proof, try Statement(commitments: m.statement.commitments, clauses: c), m.context)
        rejects(m.proof, try Statement(commitments: [m.statement.commitments[0]], clauses: [m.statement.clauses[0]]), m.context)
        rejects(m.proof, try Statement(commitments: m.statement.commitments, clauses: m.statement.clauses + [m.statement.clauses[0]]), m.context)
    }

    @Test func aProofForOneCommitmentDoesNotVerifyForAnother() throws {
        // Two citizens, both adults: Alice's proof says nothing about Bob's commitment.
        let alice = try Fixture.all.first { $0.name == "age-at-least-18" }!.make()
        let bob = Commitment.commit(to: AttributeEncoding.date(try CivilDate(year: 1990, month: 1, day: 1))).commitment
        rejects(alice.proof, try Statement(bob, alice.statement.clauses[0].predicate), alice.context)
    }

    /// Predicates near `p`: other thresholds (±1), bit lengths (±1), set members, values and types.
    static func neighbours(of p: AttributePredicate) -> [AttributePredicate] {
        let one = Scalar.one
        switch p {
        case .knowsOpening: return [.equals(Scalar(42)), .atLeast(Scalar(0), bits: 8)]
        case let .equals(a): return [.equals(a + one), .equals(a - one), .knowsOpening, .member(of: [a, a + one])]
        case let .equalsCommitment(j): return [.knowsOpening, .equalsCommitment(j + 1)]
        case let .inSet(values):
            var out: [AttributePredicate] = [.member(of: Array(values.dropLast())), .member(of: values + [Scalar(999)])]
            out.append(.member(of: [Scalar(1234)] + values.dropFirst()))
            if values.count == 1 { out.append(.equals(values[0])) }
            return out
        case let .atLeast(t, n):
            return [.atLeast(t + one, bits: n), .atLeast(t - one, bits: n), .atLeast(t, bits: n + 1), .atLeast(t, bits: n - 1), .atMost(t, bits: n)]
        case let .atMost(t, n):
            return [.atMost(t + one, bits: n), .atMost(t - one, bits: n), .atMost(t, bits: n + 1), .atMost(t, bits: n - 1), .atLeast(t, bits: n)]
        case let .between(a, b, n):
            return [.between(a + one, b, bits: n), .between(a, b - one, bits: n), .between(a, b, bits: n + 1), .atLeast(a, bits: n), .atMost(b, bits: n)]
        }
    }
}
