import VaultCrypto

/// Proves statements in zero knowledge; refuses (with `falseStatement`) when a clause does not hold for the openings.
public enum Prover {
    /// A proof of `statement` bound to `context`. `openings[i]` must open `statement.commitments[i]`; a wrong
    /// opening cannot make a false claim verify, it only yields a proof that fails verification.
    public static func prove(_ statement: Statement, openings: [Opening], context: ProofContext) throws(ProofError) -> Proof {
        var rng = SystemRandomness()
        return try AndProof.prove(statement, openings: openings, context: context, randomness: &rng)
    }

    /// The same with fixed randomness: test vectors only.
    static func prove(_ statement: Statement, openings: [Opening], context: ProofContext, randomness: inout some ProofRandomness) throws(ProofError) -> Proof {
        try AndProof.prove(statement, openings: openings, context: context, randomness: &randomness)
    }
}
