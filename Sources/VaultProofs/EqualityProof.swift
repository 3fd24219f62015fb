import VaultCrypto

/// Equality proofs, both a Schnorr proof of knowledge of log_H(Y) (docs/notes/proofs.md §2, §3):
/// v == a uses Y = C - a*G; equality of two committed values uses Y = C_i - C_j. Response: z.
enum EqualityProof {
    struct Response {
        let z: Scalar
        static let byteCount = 32
        func encode(into w: inout ByteWriter) { w.scalar(z) }
        static func decode(_ r: inout ByteReader) throws(ProofError) -> Response { Response(z: try r.scalar()) }
    }

    struct Pending {
        let k: Scalar
        /// log_H(Y): r for a public value, r_i - r_j for two commitments.
        let witness: Scalar
        func respond(_ c: Scalar) -> Response { Response(z: k + c * witness) }
    }

    /// A = k*H.
    static func commit(witness: Scalar, _ rng: inout some ProofRandomness, _ t: inout Transcript) -> Pending {
        let p = Pending(k: rng.nextScalar(), witness: witness)
        t.append("A", Group.mul(Generators.h, p.k))
        return p
    }

    /// v == a: A = z*H - c*(C - a*G) = (c*a)*G + z*H - c*C.
    static func recomputePublic(_ z: Response, _ c: Scalar, _ commitment: Point, _ a: Scalar, _ t: inout Transcript) {
        t.append("A", Group.sub(Group.add(Group.base(c * a), Group.mul(Generators.h, z.z)), Group.mul(commitment, c)))
    }

    /// v_i == v_j: A = z*H - c*(C_i - C_j).
    static func recomputeCommitted(_ z: Response, _ c: Scalar, _ ci: Point, _ cj: Point, _ t: inout Transcript) {
        t.append("A", Group.sub(Group.mul(Generators.h, z.z), Group.mul(Group.sub(ci, cj), c)))
    }
}
