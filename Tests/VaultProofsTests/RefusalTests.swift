import Testing
import VaultCrypto
@testable import VaultProofs

/// The prover refuses false statements with a typed error, before any group operation.
@Suite struct RefusalTests {
    private func refuses(_ value: Scalar, _ predicate: AttributePredicate, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let (c, o) = Commitment.commit(to: value)
        let statement = try Statement(c, predicate)
        let ops = counting {
            #expect(throws: ProofError.falseStatement(clause: 0), sourceLocation: sourceLocation) {
                try Prover.prove(statement, openings: [o], context: try Fixture.context(predicate: "refuse"))
            }
        }
        #expect(ops == OperationCount(), sourceLocation: sourceLocation)
    }

    @Test func seventeenIsNotEighteen() throws {
        let today = try CivilDate(year: 2026, month: 11, day: 26)
        let predicate = try DerivedPredicates.ageAtLeast(18, on: today)
        // Born 2008-11-27: 18 tomorrow, 17 today.
        try refuses(AttributeEncoding.date(try CivilDate(year: 2008, month: 11, day: 27)), predicate)
        // Born on 2008-11-26: 18 today, so the prover proves.
        let (c, o) = Commitment.commit(to: AttributeEncoding.date(try CivilDate(year: 2008, month: 11, day: 26)))
        let s = try Statement(c, predicate)
        let ctx = try Fixture.context(predicate: "age>=18")
        try Verifier.verify(try Prover.prove(s, openings: [o], context: ctx), for: s, context: ctx)
    }

    @Test func falseClaimsOfEveryKindAreRefused() throws {
        try refuses(Scalar(30_000), try DerivedPredicates.below(30_000))
        try refuses(AttributeEncoding.enumeration("moon", type: "district"), DerivedPredicates.resident(inDistricts: Fixture.districts))
        try refuses(Scalar(7), .equals(Scalar(8)))
        try refuses(Scalar(9), .atLeast(Scalar(10), bits: 8))
        try refuses(Scalar(11), .atMost(Scalar(10), bits: 8))
        // In range on the right side but beyond 2^n: v - t = 256 does not fit 8 bits.
        try refuses(Scalar(266), .atLeast(Scalar(10), bits: 8))
        try refuses(Scalar(999), .between(Scalar(1000), Scalar(5000), bits: 12))
        try refuses(Scalar(5001), .between(Scalar(1000), Scalar(5000), bits: 12))
        // Someone born more than 2^16 days before the threshold date is outside the 16-bit age predicate.
        try refuses(AttributeEncoding.date(try CivilDate(year: 1800, month: 1, day: 1)), try DerivedPredicates.ageAtLeast(18, on: Fixture.today))
    }

    @Test func differentValuesAreNotEqual() throws {
        let (c1, o1) = Commitment.commit(to: AttributeEncoding.string("AB123456", field: "national-id"))
        let (c2, o2) = Commitment.commit(to: AttributeEncoding.string("AB123457", field: "national-id"))
        let s = try Statement(commitments: [c1, c2], clauses: [Clause(commitment: 0, predicate: .equalsCommitment(1))])
        #expect(throws: ProofError.falseStatement(clause: 0)) {
            try Prover.prove(s, openings: [o1, o2], context: try Fixture.context(predicate: "same-person"))
        }
    }

    @Test func theFalseClauseOfAnAndIsNamed() throws {
        let (c0, o0) = Commitment.commit(to: Scalar(5))
        let (c1, o1) = Commitment.commit(to: Scalar(50))
        let s = try Statement(commitments: [c0, c1], clauses: [
            Clause(commitment: 0, predicate: .atMost(Scalar(10), bits: 4)),
            Clause(commitment: 1, predicate: .atMost(Scalar(10), bits: 4)),
        ])
        #expect(throws: ProofError.falseStatement(clause: 1)) {
            try Prover.prove(s, openings: [o0, o1], context: try Fixture.context(predicate: "and"))
        }
        #expect(throws: ProofError.openingCountMismatch(expected: 2, actual: 1)) {
            try Prover.prove(s, openings: [o0], context: try Fixture.context(predicate: "and"))
        }
    }

    @Test func aWrongOpeningGivesAProofThatDoesNotVerify() throws {
        let (c, _) = Commitment.commit(to: Scalar(20))
        let wrong = Commitment.commit(to: Scalar(20)).opening
        #expect(!c.isOpened(by: wrong))
        let s = try Statement(c, .atLeast(Scalar(18), bits: 8))
        let ctx = try Fixture.context(predicate: "wrong-opening")
        let proof = try Prover.prove(s, openings: [wrong], context: ctx)
        #expect(throws: ProofError.verificationFailed) { try Verifier.verify(proof, for: s, context: ctx) }
    }
}
