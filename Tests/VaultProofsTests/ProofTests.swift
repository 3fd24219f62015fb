import Testing
import VaultCrypto
@testable import VaultProofs

@Suite struct ProofTests {
    @Test(arguments: Fixture.all)
    func provesAndVerifies(_ fixture: Fixture) throws {
        let m = try fixture.make()
        try Verifier.verify(m.proof, for: m.statement, context: m.context)
        try Verifier.verify(m.proof.encoded, for: m.statement, context: m.context, now: m.context.expiry)
        #expect(m.proof.encoded.count == Proof.byteCount(for: m.statement))
        #expect(m.proof.type == m.statement.proofType)
    }

    @Test(arguments: Fixture.all)
    func freshRandomnessProofsVerifyAndDiffer(_ fixture: Fixture) throws {
        let m = try fixture.make()
        let again = try Prover.prove(m.statement, openings: m.openings, context: m.context)
        #expect(again != m.proof)
        try Verifier.verify(again, for: m.statement, context: m.context)
    }

    @Test(arguments: Fixture.all)
    func operationCountsMatchTheCostModel(_ fixture: Fixture) throws {
        let m = try fixture.make()
        let proving = try counting { _ = try Prover.prove(m.statement, openings: m.openings, context: m.context) }
        #expect(proving == ProofCost.prove(m.statement))
        let verifying = try counting { try Verifier.verify(m.proof.encoded, for: m.statement, context: m.context, now: 0) }
        #expect(verifying == ProofCost.verify(m.statement))
        let t = try AndProof.transcript(of: m.proof, m.statement, context: m.context)
        #expect(t.bytes.count == ProofCost.transcriptByteCount(m.statement, context: m.context))
    }

    @Test func rangeCostsAreWhatTheNotesSay() throws {
        let m = try Fixture.all.first { $0.name == "range-32" }!.make()
        #expect(ProofCost.prove(m.statement) == OperationCount(variableBase: 34, fixedBase: 98, additions: 66, hashes: 1))
        #expect(ProofCost.verify(m.statement) == OperationCount(variableBase: 68, fixedBase: 66, additions: 131, validations: 32, hashes: 1))
        #expect(m.proof.encoded.count == 2 + 32 + 128 * 32 + 96)
    }

    @Test func expiredContextIsRefusedBeforeVerifying() throws {
        let m = try Fixture.all[0].make()
        #expect(throws: ProofError.expired(expiry: m.context.expiry, now: m.context.expiry + 1)) {
            try Verifier.verify(m.proof.encoded, for: m.statement, context: m.context, now: m.context.expiry + 1)
        }
    }

    @Test func boundaryValuesProve() throws {
        // The extremes of each range are inside it.
        let cases: [(Scalar, AttributePredicate)] = [
            (Scalar(10), .atLeast(Scalar(10), bits: 4)), (Scalar(25), .atLeast(Scalar(10), bits: 4)),
            (Scalar(10), .atMost(Scalar(10), bits: 4)), (Scalar(0), .atMost(Scalar(10), bits: 4)),
            (Scalar(1000), .between(Scalar(1000), Scalar(5000), bits: 12)), (Scalar(5000), .between(Scalar(1000), Scalar(5000), bits: 12)),
            (Scalar(UInt64.max), .atLeast(Scalar(0), bits: 64)), (Scalar(0), .atLeast(Scalar(0), bits: 1)),
            (AttributeEncoding.signedInteger(-5), .between(AttributeEncoding.signedInteger(-10), AttributeEncoding.signedInteger(3), bits: 4)),
        ]
        for (i, (value, predicate)) in cases.enumerated() {
            let m = try Fixture.one("boundary-\(i)", value, predicate).make()
            try Verifier.verify(m.proof, for: m.statement, context: m.context)
        }
    }
}
