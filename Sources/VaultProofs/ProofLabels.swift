/// Versioned domain-separation labels, format versions and sizes of VaultProofs, in one place (docs/format/proofs.md).
public enum ProofLabels {
    /// Hashed with SHA-512 and mapped to a point to derive the Pedersen generator H.
    public static let pedersenH = Array("CivicVault/v1/pedersen-H".utf8)
    /// First item of every Fiat-Shamir transcript.
    public static let transcriptDomain = Array("CivicVault/v1/transcript".utf8)
    /// Protocol name written into every transcript (the AND of sigma protocols below).
    public static let protocolName = Array("CivicVault/v1/sigma-and".utf8)
    /// Domain label of the hash-to-scalar encoding of enum values.
    public static let enumAttribute = Array("CivicVault/v1/attr/enum".utf8)
    /// Domain label of the hash-to-scalar encoding of strings compared for equality.
    public static let stringAttribute = Array("CivicVault/v1/attr/string".utf8)
    /// Domain label of the deterministic test randomness (vectors only, never production).
    static let testRandomness = Array("CivicVault/v1/test-rng".utf8)

    /// Version byte of the proof encoding (also written into the transcript).
    public static let proofVersion: UInt8 = 0x01
    /// Version byte of the statement encoding.
    public static let statementVersion: UInt8 = 0x01
    /// Proof context version made now (binds the purpose).
    public static let contextVersion: UInt8 = 0x02
    /// The first context version, without purpose: verified, never made.
    public static let contextVersion1: UInt8 = 0x01
    /// Longest fields declaration a version 2 context binds (UTF-8 bytes).
    public static let maxContextFieldsLength = 4096

    /// Largest bit length of a range proof.
    public static let maxRangeBits = 64
    /// Largest number of members of a set-membership predicate, commitments or clauses in a statement.
    public static let maxCount = 255
    /// Length of the checkpoint hash in a proof context.
    public static let checkpointHashLength = 32
    /// Accepted nonce lengths in a proof context.
    public static let nonceLengths = 16...64
    /// Longest requester id and predicate name in a proof context, in UTF-8 bytes.
    public static let maxContextStringLength = 1024
}
