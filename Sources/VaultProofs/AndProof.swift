import VaultCrypto

/// The AND of a statement's clauses as one sigma protocol: every clause's prover messages go into one transcript
/// and every clause answers the same challenge (docs/notes/proofs.md §7).
enum AndProof {
    private enum PendingClause {
        case opening(OpeningProof.Pending)
        case equality(EqualityProof.Pending)
        case set(SetMembershipProof.Pending)
        case range([RangeProof.Pending])

        func respond(_ c: Scalar) -> ClauseProof {
            switch self {
            case let .opening(p): return .opening(p.respond(c))
            case let .equality(p): return .equality(p.respond(c))
            case let .set(p): return .set(p.respond(c))
            case let .range(ps): return .range(ps.map { $0.respond(c) })
            }
        }
    }

    /// What the prover needs per clause once the statement is known to be true.
    private enum Witness {
        case opening(Opening)
        case logH(Scalar)
        case member(Opening, Int, [Scalar])
        case ranges([(d: Scalar, rd: Scalar, bits: Int)])
    }

    static func prove(_ statement: Statement, openings: [Opening], context: ProofContext, randomness rng: inout some ProofRandomness) throws(ProofError) -> Proof {
        guard openings.count == statement.commitments.count else {
            throw .openingCountMismatch(expected: statement.commitments.count, actual: openings.count)
        }
        // Refuse before any group operation if any clause is false.
        var witnesses: [Witness] = []
        for (i, clause) in statement.clauses.enumerated() {
            let o = openings[clause.commitment]
            switch clause.predicate {
            case .knowsOpening:
                witnesses.append(.opening(o))
            case let .equals(a):
                guard o.value == a else { throw .falseStatement(clause: i) }
                witnesses.append(.logH(o.blinding))
            case let .equalsCommitment(j):
                guard o.value == openings[j].value else { throw .falseStatement(clause: i) }
                witnesses.append(.logH(o.blinding - openings[j].blinding))
            case let .inSet(values):
                var index: Int?
                for (j, a) in values.enumerated() where a == o.value { index = j }
                guard let m = index else { throw .falseStatement(clause: i) }
                witnesses.append(.member(o, m, values))
            case let .atLeast(t, bits):
                guard let (d, rd) = RangeProof.difference(o, side: .atLeast, threshold: t, bits: bits) else { throw .falseStatement(clause: i) }
                witnesses.append(.ranges([(d, rd, bits)]))
            case let .atMost(t, bits):
                guard let (d, rd) = RangeProof.difference(o, side: .atMost, threshold: t, bits: bits) else { throw .falseStatement(clause: i) }
                witnesses.append(.ranges([(d, rd, bits)]))
            case let .between(low, high, bits):
                guard let (d1, r1) = RangeProof.difference(o, side: .atLeast, threshold: low, bits: bits),
                    let (d2, r2) = RangeProof.difference(o, side: .atMost, threshold: high, bits: bits)
                else { throw .falseStatement(clause: i) }
                witnesses.append(.ranges([(d1, r1, bits), (d2, r2, bits)]))
            }
        }
        var t = Transcript(type: statement.proofType, statement: statement, context: context)
        var pending: [PendingClause] = []
        for witness in witnesses {
            switch witness {
            case let .opening(o): pending.append(.opening(OpeningProof.commit(o, &rng, &t)))
            case let .logH(w): pending.append(.equality(EqualityProof.commit(witness: w, &rng, &t)))
            case let .member(o, m, values):
                pending.append(.set(SetMembershipProof.commit(o, real: m, members: values, &rng, &t)))
            case let .ranges(sides):
                pending.append(.range(sides.map { RangeProof.commit(d: $0.d, rd: $0.rd, bits: $0.bits, &rng, &t) }))
            }
        }
        let c = t.challenge()
        return Proof(challenge: c, clauses: pending.map { $0.respond(c) }, statement: statement)
    }

    static func verify(_ proof: Proof, _ statement: Statement, context: ProofContext) throws(ProofError) {
        let parsed = proof.statementEncoding == statement.encoded ? proof : try Proof(decoding: proof.encoded, for: statement)
        guard try transcript(of: parsed, statement, context: context).challenge() == parsed.challenge else { throw .verificationFailed }
    }

    /// The verifier's transcript: statement and context, then every prover message recomputed from the responses.
    /// For a valid proof it is byte for byte the prover's (the vectors record it).
    static func transcript(of parsed: Proof, _ statement: Statement, context: ProofContext) throws(ProofError) -> Transcript {
        var t = Transcript(type: statement.proofType, statement: statement, context: context)
        let c = parsed.challenge
        for (clause, section) in zip(statement.clauses, parsed.clauses) {
            let commitment = statement.commitments[clause.commitment].point
            switch (clause.predicate, section) {
            case let (.knowsOpening, .opening(z)):
                OpeningProof.recompute(z, c, commitment, &t)
            case let (.equals(a), .equality(z)):
                EqualityProof.recomputePublic(z, c, commitment, a, &t)
            case let (.equalsCommitment(j), .equality(z)):
                EqualityProof.recomputeCommitted(z, c, commitment, statement.commitments[j].point, &t)
            case let (.inSet(values), .set(z)):
                SetMembershipProof.recompute(z, commitment, members: values, &t)
            case let (.atLeast(threshold, _), .range(sections)) where sections.count == 1:
                RangeProof.recompute(sections[0], c, commitment, side: .atLeast, threshold: threshold, &t)
            case let (.atMost(threshold, _), .range(sections)) where sections.count == 1:
                RangeProof.recompute(sections[0], c, commitment, side: .atMost, threshold: threshold, &t)
            case let (.between(low, high, _), .range(sections)) where sections.count == 2:
                RangeProof.recompute(sections[0], c, commitment, side: .atLeast, threshold: low, &t)
                RangeProof.recompute(sections[1], c, commitment, side: .atMost, threshold: high, &t)
            default:
                throw .verificationFailed
            }
        }
        return t
    }
}
