import VaultCrypto

/// d = σ(v - t) in [0, 2^n) for σ = +1 (v >= t) or -1 (v <= t): n bit commitments B_i = r_i*G + b_i*2^i*H with
/// a `BitProof` each, and a link proof that the G-value of C_d = σ(C - t*G) equals the H-value of D = Σ B_i
/// (docs/notes/proofs.md §6). Section bytes: B_0..B_{n-1}, n bit responses, z_d, z_r, z_s.
enum RangeProof {
    /// Which side of the threshold: +1 for v >= t, -1 for v <= t.
    enum Side { case atLeast, atMost }

    struct Section {
        let bits: [Point]
        let bitResponses: [BitProof.Response]
        let zd: Scalar
        let zr: Scalar
        let zs: Scalar

        static func byteCount(bits n: Int) -> Int { 32 * n + BitProof.Response.byteCount * n + 96 }

        func encode(into w: inout ByteWriter) {
            for b in bits { w.point(b) }
            for z in bitResponses { z.encode(into: &w) }
            w.scalar(zd); w.scalar(zr); w.scalar(zs)
        }

        static func decode(_ r: inout ByteReader, bits n: Int) throws(ProofError) -> Section {
            var bits: [Point] = []
            for _ in 0..<n { bits.append(try r.point()) }
            var zs: [BitProof.Response] = []
            for _ in 0..<n { zs.append(try BitProof.Response.decode(&r)) }
            return Section(bits: bits, bitResponses: zs, zd: try r.scalar(), zr: try r.scalar(), zs: try r.scalar())
        }
    }

    struct Pending {
        let bits: [BitProof.Pending]
        let d: Scalar
        let rd: Scalar
        let s: Scalar
        let kd: Scalar
        let kr: Scalar
        let ks: Scalar

        func respond(_ c: Scalar) -> Section {
            Section(
                bits: bits.map(\.commitment), bitResponses: bits.map { $0.respond(c) },
                zd: kd + c * d, zr: kr + c * rd, zs: ks + c * s)
        }
    }

    /// The committed difference d = σ(v - t) and its blinding σr, or nil when d is not below 2^n (a false statement).
    static func difference(_ opening: Opening, side: Side, threshold t: Scalar, bits n: Int) -> (d: Scalar, rd: Scalar)? {
        let d = side == .atLeast ? opening.value - t : t - opening.value
        guard d.fits(bits: n) else { return nil }
        return (d, side == .atLeast ? opening.blinding : opening.blinding.negated)
    }

    /// Bits, their OR-proofs, then T1 = k_d*G + k_r*H and T2 = k_s*G + k_d*H; appends B_i, (A0_i, A1_i), T1, T2.
    static func commit(d: Scalar, rd: Scalar, bits n: Int, _ rng: inout some ProofRandomness, _ t: inout Transcript) -> Pending {
        let dBytes = d.bytes
        var bits: [BitProof.Pending] = []
        bits.reserveCapacity(n)
        var s = Scalar.zero
        for i in 0..<n {
            let bit = BitProof.commit(bit: Scalar.bit(i, of: dBytes), weight: i, &rng)
            s = s + bit.blinding
            bits.append(bit)
        }
        let kd = rng.nextScalar(), kr = rng.nextScalar(), ks = rng.nextScalar()
        let t1 = Group.add(Group.base(kd), Group.mul(Generators.h, kr))
        let t2 = Group.add(Group.base(ks), Group.mul(Generators.h, kd))
        for b in bits { t.append("B", b.commitment) }
        for b in bits { t.append("A0", b.a0); t.append("A1", b.a1) }
        t.append("T1", t1)
        t.append("T2", t2)
        return Pending(bits: bits, d: d, rd: rd, s: s, kd: kd, kr: kr, ks: ks)
    }

    /// A0_i, A1_i from each bit; D = Σ B_i; T1 = (z_d + σ*c*t)*G + z_r*H - (σ*c)*C; T2 = z_s*G + z_d*H - c*D.
    static func recompute(_ z: Section, _ c: Scalar, _ commitment: Point, side: Side, threshold t: Scalar, _ tr: inout Transcript) {
        var sum = z.bits[0]
        for b in z.bits.dropFirst() { sum = Group.add(sum, b) }
        var answers: [(Point, Point)] = []
        answers.reserveCapacity(z.bits.count)
        for i in z.bits.indices { answers.append(BitProof.recompute(z.bitResponses[i], c, commitment: z.bits[i], weight: i)) }
        let signedC = side == .atLeast ? c : c.negated
        let t1 = Group.sub(Group.add(Group.base(z.zd + signedC * t), Group.mul(Generators.h, z.zr)), Group.mul(commitment, signedC))
        let t2 = Group.sub(Group.add(Group.base(z.zs), Group.mul(Generators.h, z.zd)), Group.mul(sum, c))
        for b in z.bits { tr.append("B", b) }
        for (a0, a1) in answers { tr.append("A0", a0); tr.append("A1", a1) }
        tr.append("T1", t1)
        tr.append("T2", t2)
    }
}
