import VaultCrypto

/// v in {a_0..a_{k-1}}: a CDS OR-composition of Schnorr proofs of log_H(C - a_j*G), one real and k-1 simulated
/// branches whose challenges sum to the transcript challenge (docs/notes/proofs.md §4).
/// Response: c_0..c_{k-2} (c_{k-1} = c - the others), z_0..z_{k-1}.
enum SetMembershipProof {
    struct Response {
        let challenges: [Scalar]  // k entries once decoded or responded (the last one derived)
        let responses: [Scalar]

        static func byteCount(members k: Int) -> Int { (2 * k - 1) * 32 }

        func encode(into w: inout ByteWriter) {
            for c in challenges.dropLast() { w.scalar(c) }
            for z in responses { w.scalar(z) }
        }

        static func decode(_ r: inout ByteReader, members k: Int, challenge c: Scalar) throws(ProofError) -> Response {
            var cs: [Scalar] = []
            var sum = Scalar.zero
            for _ in 0..<(k - 1) {
                let cj = try r.scalar()
                sum = sum + cj
                cs.append(cj)
            }
            cs.append(c - sum)
            var zs: [Scalar] = []
            for _ in 0..<k { zs.append(try r.scalar()) }
            return Response(challenges: cs, responses: zs)
        }
    }

    struct Pending {
        let real: Int
        let k: Scalar
        let blinding: Scalar
        let simulatedChallenges: [Scalar]  // index `real` holds zero
        let simulatedResponses: [Scalar]

        func respond(_ c: Scalar) -> Response {
            var sum = Scalar.zero
            for cj in simulatedChallenges { sum = sum + cj }
            let cReal = c - sum
            var cs = simulatedChallenges
            var zs = simulatedResponses
            cs[real] = cReal
            zs[real] = k + cReal * blinding
            return Response(challenges: cs, responses: zs)
        }
    }

    /// Real branch m: A_m = k*H. Simulated j != m: A_j = z_j*H - c_j*(C - a_j*G) = (z_j - c_j*r)*H - (c_j*(v - a_j))*G.
    /// The point operations are the same whatever m is (real first, then the others in order).
    static func commit(_ opening: Opening, real m: Int, members: [Scalar], _ rng: inout some ProofRandomness, _ t: inout Transcript) -> Pending {
        let k = rng.nextScalar()
        var points = [Point](repeating: .identity, count: members.count)
        points[m] = Group.mul(Generators.h, k)
        var cs = [Scalar](repeating: .zero, count: members.count)
        var zs = [Scalar](repeating: .zero, count: members.count)
        for j in members.indices where j != m {
            cs[j] = rng.nextScalar()
            zs[j] = rng.nextScalar()
            points[j] = Group.sub(Group.mul(Generators.h, zs[j] - cs[j] * opening.blinding), Group.base(cs[j] * (opening.value - members[j])))
        }
        for p in points { t.append("A", p) }
        return Pending(real: m, k: k, blinding: opening.blinding, simulatedChallenges: cs, simulatedResponses: zs)
    }

    /// A_j = (c_j*a_j)*G + z_j*H - c_j*C for every j.
    static func recompute(_ z: Response, _ commitment: Point, members: [Scalar], _ t: inout Transcript) {
        for j in members.indices {
            let cj = z.challenges[j]
            t.append("A", Group.sub(Group.add(Group.base(cj * members[j]), Group.mul(Generators.h, z.responses[j])), Group.mul(commitment, cj)))
        }
    }
}
