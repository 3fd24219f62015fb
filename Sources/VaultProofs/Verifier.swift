/// Checks proofs: returns normally only when the proof is valid for exactly this statement and context.
public enum Verifier {
    /// Verifies a decoded proof; throws `verificationFailed` (or a decoding error if it was decoded for another statement).
    public static func verify(_ proof: Proof, for statement: Statement, context: ProofContext) throws(ProofError) {
        try AndProof.verify(proof, statement, context: context)
    }

    /// Decodes strictly, checks the context has not expired at `now` (seconds since 1970 UTC), then verifies.
    public static func verify(_ bytes: [UInt8], for statement: Statement, context: ProofContext, now: UInt64) throws(ProofError) {
        try context.checkNotExpired(now: now)
        try AndProof.verify(try Proof(decoding: bytes, for: statement), statement, context: context)
    }
}
