import VaultCrypto

/// A bit commitment B = r*G + b*P with P = 2^i*H and a CDS OR-proof that b is 0 or 1: a Schnorr proof of
/// log_G(B) (b = 0) or of log_G(B - P) (b = 1), one of them simulated (docs/notes/proofs.md §5).
/// Response: c_0 (the branch-0 challenge; c_1 = c - c_0), z_0, z_1.
enum BitProof {
    struct Response {
        let c0: Scalar
        let z0: Scalar
        let z1: Scalar
        static let byteCount = 96
        func encode(into w: inout ByteWriter) { w.scalar(c0); w.scalar(z0); w.scalar(z1) }
        static func decode(_ r: inout ByteReader) throws(ProofError) -> Response {
            Response(c0: try r.scalar(), z0: try r.scalar(), z1: try r.scalar())
        }
    }

    struct Pending {
        let bit: UInt8
        let blinding: Scalar
        let k: Scalar
        let simulatedChallenge: Scalar
        let simulatedResponse: Scalar
        let commitment: Point
        let a0: Point
        let a1: Point

        func respond(_ c: Scalar) -> Response {
            let cReal = c - simulatedChallenge
            let zReal = k + cReal * blinding
            return bit == 0
                ? Response(c0: cReal, z0: zReal, z1: simulatedResponse)
                : Response(c0: simulatedChallenge, z0: simulatedResponse, z1: zReal)
        }
    }

    /// B = r*G + b*P; real A_b = k*G; simulated A_{1-b} = z'*G - c'*Y_{1-b} = (z' - c'*r)*G + (±c')*P
    /// (+ for b = 0, - for b = 1). The same point operations run for either bit value.
    static func commit(bit: UInt8, weight i: Int, _ rng: inout some ProofRandomness) -> Pending {
        let p = Generators.powersOfTwoOfH[i]
        let r = rng.nextScalar()
        let k = rng.nextScalar()
        let cSim = rng.nextScalar()
        let zSim = rng.nextScalar()
        let zero = Group.base(r)
        let one = Group.add(zero, p)
        let real = Group.base(k)
        let negated = cSim.negated
        let signed = bit == 0 ? cSim : negated
        let simulated = Group.add(Group.base(zSim - cSim * r), Group.mul(p, signed))
        return Pending(
            bit: bit, blinding: r, k: k, simulatedChallenge: cSim, simulatedResponse: zSim,
            commitment: bit == 0 ? zero : one, a0: bit == 0 ? real : simulated, a1: bit == 0 ? simulated : real)
    }

    /// A_0 = z_0*G - c_0*B and A_1 = z_1*G - c_1*(B - P).
    static func recompute(_ z: Response, _ c: Scalar, commitment b: Point, weight i: Int) -> (Point, Point) {
        let y1 = Group.sub(b, Generators.powersOfTwoOfH[i])
        let a0 = Group.sub(Group.base(z.z0), Group.mul(b, z.c0))
        let a1 = Group.sub(Group.base(z.z1), Group.mul(y1, c - z.c0))
        return (a0, a1)
    }
}
