import VaultCrypto

/// Knowledge of an opening (v, r) of C = v*G + r*H (Okamoto's protocol). Response: z_v, z_r (docs/notes/proofs.md §1).
enum OpeningProof {
    struct Response {
        let zv: Scalar
        let zr: Scalar
        static let byteCount = 64
        func encode(into w: inout ByteWriter) { w.scalar(zv); w.scalar(zr) }
        static func decode(_ r: inout ByteReader) throws(ProofError) -> Response { Response(zv: try r.scalar(), zr: try r.scalar()) }
    }

    struct Pending {
        let kv: Scalar
        let kr: Scalar
        let opening: Opening

        func respond(_ c: Scalar) -> Response {
            Response(zv: kv + c * opening.value, zr: kr + c * opening.blinding)
        }
    }

    /// A = k_v*G + k_r*H.
    static func commit(_ opening: Opening, _ rng: inout some ProofRandomness, _ t: inout Transcript) -> Pending {
        let p = Pending(kv: rng.nextScalar(), kr: rng.nextScalar(), opening: opening)
        t.append("A", Group.add(Group.base(p.kv), Group.mul(Generators.h, p.kr)))
        return p
    }

    /// A = z_v*G + z_r*H - c*C.
    static func recompute(_ z: Response, _ c: Scalar, _ commitment: Point, _ t: inout Transcript) {
        t.append("A", Group.sub(Group.add(Group.base(z.zv), Group.mul(Generators.h, z.zr)), Group.mul(commitment, c)))
    }
}
