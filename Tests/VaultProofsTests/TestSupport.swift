import Testing
import VaultCrypto
@testable import VaultProofs

/// A named statement shape with its secret values: commitments and proof come from deterministic randomness
/// seeded with the name, so every run (and the committed vectors) sees the same bytes.
struct Fixture: CustomTestStringConvertible, Sendable {
    let name: String
    let values: [Scalar]
    let clauses: [Clause]

    var testDescription: String { name }

    struct Made {
        let statement: Statement
        let openings: [Opening]
        let context: ProofContext
        let proof: Proof
    }

    /// Commitments (blindings drawn first, in order), then the proof, from DeterministicRandomness(seed: name).
    func make(context: ProofContext? = nil) throws -> Made {
        var rng = DeterministicRandomness(seed: Array(name.utf8))
        var commitments: [Commitment] = []
        var openings: [Opening] = []
        for v in values {
            let (c, o) = Commitment.commit(to: v, randomness: &rng)
            commitments.append(c)
            openings.append(o)
        }
        let statement = try Statement(commitments: commitments, clauses: clauses)
        let ctx = try context ?? Fixture.context(predicate: name)
        let proof = try Prover.prove(statement, openings: openings, context: ctx, randomness: &rng)
        return Made(statement: statement, openings: openings, context: ctx, proof: proof)
    }

    static func context(
        requester: String = "requester:bank-42", nonce: [UInt8] = Array(0..<32), expiry: UInt64 = 1_800_000_000,
        predicate: String, purpose: String? = "loan-application", ledgerIndex: UInt64 = 7,
        checkpointHash: [UInt8] = SHA256.hash(Array("checkpoint".utf8))
    ) throws -> ProofContext {
        try ProofContext(
            requester: requester, nonce: nonce, expiry: expiry, predicate: predicate, purpose: purpose, fields: purpose == nil ? nil : #"{"v":{"type":"integer","minimum":0,"maximum":4294967295}}"#, ledgerIndex: ledgerIndex,
            checkpointHash: checkpointHash)
    }

    static func one(_ name: String, _ value: Scalar, _ predicate: AttributePredicate) -> Fixture {
        Fixture(name: name, values: [value], clauses: [Clause(commitment: 0, predicate: predicate)])
    }

    static let districts = ["north", "south", "east", "west", "harbour", "old-town", "hills", "airport"]
    static let birth = try! CivilDate(year: 2000, month: 5, day: 17)
    static let today = try! CivilDate(year: 2026, month: 11, day: 26)
    static let nationalID = AttributeEncoding.string("AB123456", field: "national-id")

    /// One fixture per proof type, with realistic sizes (these are the committed vectors).
    static let all: [Fixture] = [
        one("opening", Scalar(42), .knowsOpening),
        one("equals", Scalar(7), .equals(Scalar(7))),
        Fixture(name: "equal-commitments", values: [nationalID, nationalID], clauses: [Clause(commitment: 0, predicate: .equalsCommitment(1))]),
        one("set-membership-8", AttributeEncoding.enumeration("harbour", type: "district"), DerivedPredicates.resident(inDistricts: districts)),
        one("at-least-16", Scalar(1200), .atLeast(Scalar(1000), bits: 16)),
        one("age-at-least-18", AttributeEncoding.date(birth), try! DerivedPredicates.ageAtLeast(18, on: today)),
        one("between-12", Scalar(3000), .between(Scalar(1000), Scalar(5000), bits: 12)),
        one("range-32", Scalar(123_456_789), .atLeast(Scalar(0), bits: 32)),
        Fixture(
            name: "and-age-income-district",
            values: [AttributeEncoding.date(birth), Scalar(25_000), AttributeEncoding.enumeration("north", type: "district")],
            clauses: [
                Clause(commitment: 0, predicate: try! DerivedPredicates.ageAtLeast(18, on: today)),
                Clause(commitment: 1, predicate: try! DerivedPredicates.below(30_000)),
                Clause(commitment: 2, predicate: DerivedPredicates.resident(inDistricts: districts)),
            ]),
    ]

    /// Every proof type again, small enough to flip every byte of every proof in a test run.
    static let small: [Fixture] = [
        one("opening", Scalar(42), .knowsOpening),
        one("equals", Scalar(7), .equals(Scalar(7))),
        Fixture(name: "equal-commitments", values: [nationalID, nationalID], clauses: [Clause(commitment: 0, predicate: .equalsCommitment(1))]),
        one("set-3", Scalar(5), .member(of: [Scalar(3), Scalar(5), Scalar(9)])),
        one("at-least-4", Scalar(12), .atLeast(Scalar(10), bits: 4)),
        one("at-most-4", Scalar(8), .atMost(Scalar(10), bits: 4)),
        one("between-3", Scalar(12), .between(Scalar(10), Scalar(15), bits: 3)),
        Fixture(
            name: "and-small", values: [Scalar(1), Scalar(12)],
            clauses: [
                Clause(commitment: 0, predicate: .knowsOpening),
                Clause(commitment: 1, predicate: .atLeast(Scalar(10), bits: 2)),
                Clause(commitment: 0, predicate: .member(of: [Scalar(1), Scalar(2)])),
            ]),
    ]
}

/// Runs `body` with a live operation counter and returns what it counted.
func counting(_ body: () throws -> Void) rethrows -> OperationCount {
    let counter = OperationCounter()
    try OperationCounter.$current.withValue(counter) { try body() }
    return counter.count
}

/// The group order ℓ, little-endian (a non-canonical scalar encoding).
let groupOrderBytes: [UInt8] = [
    0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
]
