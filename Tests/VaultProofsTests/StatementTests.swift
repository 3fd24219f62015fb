import Testing
import VaultCrypto
@testable import VaultProofs

@Suite struct StatementTests {
    private let c0 = Commitment.commit(to: Scalar(1)).commitment
    private let c1 = Commitment.commit(to: Scalar(2)).commitment

    @Test(arguments: Fixture.all)
    func encodingRoundTrips(_ fixture: Fixture) throws {
        let s = try fixture.make().statement
        let decoded = try Statement(decoding: s.encoded)
        #expect(decoded == s)
        #expect(decoded.clauses == s.clauses)
        #expect(decoded.commitments == s.commitments)
    }

    @Test func encodingIsTheDocumentedLayout() throws {
        let s = try Statement(c0, .atLeast(Scalar(1000), bits: 16))
        #expect(s.encoded == [0x01, 0x01] + c0.bytes + [0x01, 0x05, 0x00] + Scalar(1000).bytes + [16])
        let e = try Statement(commitments: [c0, c1], clauses: [Clause(commitment: 0, predicate: .equalsCommitment(1))])
        #expect(e.encoded == [0x01, 0x02] + c0.bytes + c1.bytes + [0x01, 0x03, 0x00, 0x01])
        #expect(e.proofType == 0x03)
        let and = try Statement(commitments: [c0], clauses: [Clause(commitment: 0, predicate: .knowsOpening), Clause(commitment: 0, predicate: .equals(Scalar(1)))])
        #expect(and.proofType == Statement.andTypeCode)
    }

    @Test func invalidStatementsAreRefused() {
        let bad: [(String, () throws -> Statement)] = [
            ("no commitments", { try Statement(commitments: [], clauses: [Clause(commitment: 0, predicate: .knowsOpening)]) }),
            ("no clauses", { try Statement(commitments: [c0], clauses: []) }),
            ("index out of range", { try Statement(commitments: [c0], clauses: [Clause(commitment: 1, predicate: .knowsOpening)]) }),
            ("unused commitment", { try Statement(commitments: [c0, c1], clauses: [Clause(commitment: 0, predicate: .knowsOpening)]) }),
            ("self equality", { try Statement(commitments: [c0], clauses: [Clause(commitment: 0, predicate: .equalsCommitment(0))]) }),
            ("backward equality", { try Statement(commitments: [c0, c1], clauses: [Clause(commitment: 1, predicate: .equalsCommitment(0))]) }),
            ("empty set", { try Statement(c0, .inSet([])) }),
            ("unsorted set", { try Statement(c0, .inSet([Scalar(2), Scalar(1)])) }),
            ("duplicate set member", { try Statement(c0, .inSet([Scalar(1), Scalar(1)])) }),
            ("zero bits", { try Statement(c0, .atLeast(Scalar(1), bits: 0)) }),
            ("65 bits", { try Statement(c0, .atMost(Scalar(1), bits: 65)) }),
            ("interval wider than 2^n", { try Statement(c0, .between(Scalar(0), Scalar(16), bits: 4)) }),
            ("reversed interval", { try Statement(c0, .between(Scalar(5), Scalar(4), bits: 4)) }),
        ]
        for (name, make) in bad {
            #expect(throws: ProofError.self, "\(name)") { try make() }
        }
    }

    @Test func memberOfSortsAndDeduplicates() throws {
        let p = AttributePredicate.member(of: [Scalar(9), Scalar(3), Scalar(300), Scalar(3)])
        #expect(p == .inSet([Scalar(3), Scalar(9), Scalar(300)]))
        _ = try Statement(c0, p)
    }

    @Test func decodingIsStrict() throws {
        let s = try Statement(c0, .between(Scalar(10), Scalar(20), bits: 5))
        let e = s.encoded
        #expect(throws: ProofError.unknownVersion(what: "statement", version: 2)) { try Statement(decoding: [0x02] + e.dropFirst()) }
        #expect(throws: ProofError.trailingBytes(what: "statement", offset: e.count)) { try Statement(decoding: e + [0]) }
        for n in 0..<e.count {
            #expect(throws: ProofError.self) { try Statement(decoding: Array(e.prefix(n))) }
        }
        var unknown = e
        unknown[35] = 0x09
        #expect(throws: ProofError.unknownType(what: "predicate", type: 0x09, offset: 35)) { try Statement(decoding: unknown) }
        var identity = e
        identity.replaceSubrange(2..<34, with: [UInt8](repeating: 0, count: 32))
        #expect(throws: ProofError.identityPoint(offset: 2)) { try Statement(decoding: identity) }
        var nonCanonical = e
        nonCanonical.replaceSubrange(37..<69, with: groupOrderBytes)
        #expect(throws: ProofError.nonCanonicalScalar(offset: 37)) { try Statement(decoding: nonCanonical) }
    }

    @Test func bitLengths() {
        #expect(AttributePredicate.bitLength(0) == 1)
        #expect(AttributePredicate.bitLength(1) == 1)
        #expect(AttributePredicate.bitLength(2) == 2)
        #expect(AttributePredicate.bitLength(29_999) == 15)
        #expect(AttributePredicate.bitLength(65_535) == 16)
        #expect(AttributePredicate.bitLength(65_536) == 17)
        #expect(AttributePredicate.bitLength(UInt64.max) == 64)
    }
}
