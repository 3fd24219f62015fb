import VaultCrypto

/// One clause's section of a proof (its responses and, for ranges, its bit commitments).
enum ClauseProof: Sendable {
    case opening(OpeningProof.Response)
    case equality(EqualityProof.Response)
    case set(SetMembershipProof.Response)
    /// One section for `atLeast`/`atMost`, two (lower, then upper) for `between`.
    case range([RangeProof.Section])

    func encode(into w: inout ByteWriter) {
        switch self {
        case let .opening(z): z.encode(into: &w)
        case let .equality(z): z.encode(into: &w)
        case let .set(z): z.encode(into: &w)
        case let .range(sections): for s in sections { s.encode(into: &w) }
        }
    }

    /// Bytes of the section that `predicate` needs.
    static func byteCount(_ predicate: AttributePredicate) -> Int {
        switch predicate {
        case .knowsOpening: return OpeningProof.Response.byteCount
        case .equals, .equalsCommitment: return EqualityProof.Response.byteCount
        case let .inSet(values): return SetMembershipProof.Response.byteCount(members: values.count)
        case let .atLeast(_, bits), let .atMost(_, bits): return RangeProof.Section.byteCount(bits: bits)
        case let .between(_, _, bits): return 2 * RangeProof.Section.byteCount(bits: bits)
        }
    }

    static func decode(_ r: inout ByteReader, _ predicate: AttributePredicate, challenge c: Scalar) throws(ProofError) -> ClauseProof {
        switch predicate {
        case .knowsOpening: return .opening(try OpeningProof.Response.decode(&r))
        case .equals, .equalsCommitment: return .equality(try EqualityProof.Response.decode(&r))
        case let .inSet(values): return .set(try SetMembershipProof.Response.decode(&r, members: values.count, challenge: c))
        case let .atLeast(_, bits), let .atMost(_, bits): return .range([try RangeProof.Section.decode(&r, bits: bits)])
        case let .between(_, _, bits):
            return .range([try RangeProof.Section.decode(&r, bits: bits), try RangeProof.Section.decode(&r, bits: bits)])
        }
    }
}

/// A non-interactive proof of a `Statement`: version(1) || type(1) || challenge(32) || one section per clause
/// (docs/format/proofs.md, "Proof"). Decoding is strict and needs the statement, which fixes every length.
public struct Proof: Equatable, Sendable {
    /// The exact proof bytes.
    public let encoded: [UInt8]
    let challenge: Scalar
    let clauses: [ClauseProof]
    /// The statement encoding the sections were parsed for.
    let statementEncoding: [UInt8]

    /// The proof-type byte (the predicate's type code, or `Statement.andTypeCode`).
    public var type: UInt8 { encoded[1] }

    /// The exact length of a proof of `statement`.
    public static func byteCount(for statement: Statement) -> Int {
        statement.clauses.reduce(2 + Scalar.byteCount) { $0 + ClauseProof.byteCount($1.predicate) }
    }

    init(challenge: Scalar, clauses: [ClauseProof], statement: Statement) {
        var w = ByteWriter(capacity: Self.byteCount(for: statement))
        w.u8(ProofLabels.proofVersion)
        w.u8(statement.proofType)
        w.scalar(challenge)
        for clause in clauses { clause.encode(into: &w) }
        self.encoded = w.bytes
        self.challenge = challenge
        self.clauses = clauses
        self.statementEncoding = statement.encoded
    }

    /// Decodes a proof of `statement`: known version, matching type, exact length, canonical scalars, canonical
    /// non-identity points. Says nothing about validity: call `Verifier.verify`.
    public init(decoding bytes: [UInt8], for statement: Statement) throws(ProofError) {
        guard bytes.count >= 2 else { throw .truncated(what: "proof", offset: bytes.count) }
        guard bytes[0] == ProofLabels.proofVersion else { throw .unknownVersion(what: "proof", version: bytes[0]) }
        let known: Set<UInt8> = [0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, Statement.andTypeCode]
        guard known.contains(bytes[1]) else { throw .unknownType(what: "proof", type: bytes[1], offset: 1) }
        guard bytes[1] == statement.proofType else { throw .proofTypeMismatch(expected: statement.proofType, actual: bytes[1]) }
        let expected = Self.byteCount(for: statement)
        guard bytes.count == expected else { throw .invalidLength(what: "proof", expected: expected, actual: bytes.count) }
        var r = ByteReader(bytes, what: "proof")
        _ = try r.raw(2)
        let c = try r.scalar()
        var clauses: [ClauseProof] = []
        for clause in statement.clauses { clauses.append(try ClauseProof.decode(&r, clause.predicate, challenge: c)) }
        try r.finish()
        self.encoded = bytes
        self.challenge = c
        self.clauses = clauses
        self.statementEncoding = statement.encoded
    }

    public static func == (a: Proof, b: Proof) -> Bool { a.encoded == b.encoded }
}
