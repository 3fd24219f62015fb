import VaultCrypto

/// A Pedersen commitment C = v*G + r*H to an attribute value v: hiding (r is uniform) and binding (nobody knows
/// log_G(H)). Never the identity, always a canonical point.
public struct Commitment: Hashable, Sendable, CustomStringConvertible {
    /// The committed point.
    public let point: Point

    /// Wraps a point; the identity is refused.
    public init(point: Point) throws(ProofError) {
        guard !point.isIdentity else { throw .identityPoint(offset: 0) }
        self.point = point
    }

    /// Decodes 32 bytes strictly (canonical, not the identity).
    public init(bytes: [UInt8]) throws(ProofError) {
        guard bytes.count == Point.byteCount else {
            throw .invalidLength(what: "commitment", expected: Point.byteCount, actual: bytes.count)
        }
        self.point = try Group.point(bytes, offset: 0)
    }

    /// The 32-byte encoding.
    public var bytes: [UInt8] { point.bytes }

    /// Commits to `value` with a fresh uniformly random blinding factor.
    public static func commit(to value: Scalar) -> (commitment: Commitment, opening: Opening) {
        var rng = SystemRandomness()
        return commit(to: value, randomness: &rng)
    }

    /// Commits with blinding factors drawn from `rng` (vectors use a deterministic one).
    static func commit(to value: Scalar, randomness rng: inout some ProofRandomness) -> (commitment: Commitment, opening: Opening) {
        while true {
            let opening = Opening(value: value, blinding: rng.nextScalar())
            // C is the identity only if v = -r*log_G(H): never in practice, but redraw rather than trap.
            if let c = try? Commitment(point: opening.commitmentPoint) { return (c, opening) }
        }
    }

    /// True when `opening` opens this commitment (costs one base and one variable-base multiplication).
    public func isOpened(by opening: Opening) -> Bool { opening.commitmentPoint == point }

    public var description: String { "Commitment(\(Hex.encode(bytes)))" }
}

/// The secret opening (v, r) of a commitment C = v*G + r*H. Both scalars live in zero-on-free memory.
public struct Opening: Sendable {
    /// The committed value v.
    public let value: Scalar
    /// The blinding factor r.
    public let blinding: Scalar

    public init(value: Scalar, blinding: Scalar) {
        self.value = value
        self.blinding = blinding
    }

    /// v*G + r*H.
    var commitmentPoint: Point { Group.add(Group.base(value), Group.mul(Generators.h, blinding)) }
}
