import VaultCrypto

/// A public claim about the value v hidden in one commitment (or, for `equalsCommitment`, two).
///
/// Range predicates carry their bit length n (1...64): `atLeast(t, n)` means v - t is in [0, 2^n), `atMost(t, n)`
/// that t - v is, `between(t1, t2, n)` both; arithmetic is modulo ℓ, which for honest encodings (integers,
/// signed days) means exactly t <= v < t + 2^n, t - 2^n < v <= t and t1 <= v <= t2.
public enum AttributePredicate: Equatable, Sendable {
    /// The prover knows an opening (v, r) of the commitment.
    case knowsOpening
    /// v == a for the public scalar a.
    case equals(Scalar)
    /// v equals the value of the statement's commitment at this index (e.g. the same citizen at two departments).
    case equalsCommitment(Int)
    /// v is one of the public values, which must be strictly ascending (use `member(of:)`).
    case inSet([Scalar])
    /// v - t is in [0, 2^bits).
    case atLeast(Scalar, bits: Int)
    /// t - v is in [0, 2^bits).
    case atMost(Scalar, bits: Int)
    /// v - t1 and t2 - v are both in [0, 2^bits); needs t2 - t1 < 2^bits.
    case between(Scalar, Scalar, bits: Int)

    /// Set membership over `values`, sorted and deduplicated into canonical order.
    public static func member(of values: [Scalar]) -> AttributePredicate {
        var sorted: [Scalar] = []
        for v in values.sorted(by: Scalar.precedes) where sorted.last != v { sorted.append(v) }
        return .inSet(sorted)
    }

    /// The smallest n >= 1 with x < 2^n: the bit length a range predicate on differences up to x needs.
    public static func bitLength(_ x: UInt64) -> Int { max(1, 64 - x.leadingZeroBitCount) }

    /// The type byte of this predicate in statements and proofs (docs/format/proofs.md, "Statement").
    public var typeCode: UInt8 {
        switch self {
        case .knowsOpening: return 0x01
        case .equals: return 0x02
        case .equalsCommitment: return 0x03
        case .inSet: return 0x04
        case .atLeast: return 0x05
        case .atMost: return 0x06
        case .between: return 0x07
        }
    }
}

/// One conjunct of a statement: `predicate` holds for the value of `commitments[commitment]`.
public struct Clause: Equatable, Sendable {
    /// Index of the commitment in the statement.
    public let commitment: Int
    /// What is claimed about its value.
    public let predicate: AttributePredicate

    public init(commitment: Int, predicate: AttributePredicate) {
        self.commitment = commitment
        self.predicate = predicate
    }
}
