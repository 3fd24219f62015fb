import VaultCrypto

/// A labeled Fiat-Shamir transcript: every item is written as u32(len(label)) || label || u32(len(data)) || data,
/// and the challenge is reduce(SHA-512(all bytes)) (docs/format/proofs.md, "Transcript and challenge").
///
/// It starts with the domain label, the protocol name and version, the proof type, the whole statement and the
/// whole context, then takes every prover message in order; nothing is hashed partially.
struct Transcript {
    private var writer: ByteWriter

    /// A transcript for a proof of `type` about `statement` under `context`.
    init(type: UInt8, statement: Statement, context: ProofContext) {
        writer = ByteWriter(capacity: 4096)
        append("domain", ProofLabels.transcriptDomain)
        append("protocol", ProofLabels.protocolName)
        append("version", [ProofLabels.proofVersion])
        append("proof-type", [type])
        append("statement", statement.encoded)
        append("context", context.encoded)
    }

    mutating func append(_ label: String, _ data: [UInt8]) {
        let l = Array(label.utf8)
        writer.raw(ByteWriter.u32(l.count))
        writer.raw(l)
        writer.raw(ByteWriter.u32(data.count))
        writer.raw(data)
    }

    /// Appends a prover message (a point).
    mutating func append(_ label: String, _ point: Point) { append(label, point.bytes) }

    /// The transcript bytes so far (for test vectors and independent checkers).
    var bytes: [UInt8] { writer.bytes }

    /// The challenge: reduce(SHA-512(transcript)).
    func challenge() -> Scalar { Group.challenge(writer.bytes) }
}
