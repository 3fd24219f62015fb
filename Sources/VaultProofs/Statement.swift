import VaultCrypto

/// What a proof claims: the AND of its clauses over its commitments. Always valid once constructed, with one
/// canonical encoding that the transcript hashes whole (docs/format/proofs.md, "Statement").
public struct Statement: Equatable, Sendable {
    /// The commitments the clauses talk about, in order.
    public let commitments: [Commitment]
    /// The conjuncts, in order; the proof has one section per clause, in the same order.
    public let clauses: [Clause]
    /// The canonical encoding (computed once).
    public let encoded: [UInt8]

    /// Proof-type byte of a statement with two or more clauses.
    public static let andTypeCode: UInt8 = 0x10

    /// Validates the statement: 1...255 commitments and clauses, indices in range, every commitment used,
    /// `equalsCommitment` pointing forward, sets of 1...255 strictly ascending members, bit lengths 1...64,
    /// and t2 - t1 < 2^n for `between`.
    public init(commitments: [Commitment], clauses: [Clause]) throws(ProofError) {
        let maxCount = ProofLabels.maxCount
        guard (1...maxCount).contains(commitments.count) else { throw .invalidStatement("needs 1...\(maxCount) commitments") }
        guard (1...maxCount).contains(clauses.count) else { throw .invalidStatement("needs 1...\(maxCount) clauses") }
        var used = Set<Int>()
        for (i, clause) in clauses.enumerated() {
            guard commitments.indices.contains(clause.commitment) else { throw .invalidStatement("clause \(i): no commitment \(clause.commitment)") }
            used.insert(clause.commitment)
            switch clause.predicate {
            case .knowsOpening, .equals: break
            case let .equalsCommitment(other):
                guard commitments.indices.contains(other), other > clause.commitment else {
                    throw .invalidStatement("clause \(i): the other commitment must have a higher index")
                }
                used.insert(other)
            case let .inSet(values):
                guard (1...maxCount).contains(values.count) else { throw .invalidStatement("clause \(i): a set needs 1...\(maxCount) members") }
                for j in values.indices.dropFirst() where !Scalar.precedes(values[j - 1], values[j]) {
                    throw .invalidStatement("clause \(i): set members must be strictly ascending (use AttributePredicate.member(of:))")
                }
            case let .atLeast(_, bits), let .atMost(_, bits):
                try Self.checkBits(bits, clause: i)
            case let .between(low, high, bits):
                try Self.checkBits(bits, clause: i)
                guard (high - low).fits(bits: bits) else { throw .invalidStatement("clause \(i): t2 - t1 must be below 2^bits") }
            }
        }
        guard used.count == commitments.count else { throw .invalidStatement("every commitment must be used by a clause") }
        self.commitments = commitments
        self.clauses = clauses
        self.encoded = Self.encode(commitments, clauses)
    }

    /// A statement of one predicate about one commitment.
    public init(_ commitment: Commitment, _ predicate: AttributePredicate) throws(ProofError) {
        try self.init(commitments: [commitment], clauses: [Clause(commitment: 0, predicate: predicate)])
    }

    private static func checkBits(_ bits: Int, clause: Int) throws(ProofError) {
        guard (1...ProofLabels.maxRangeBits).contains(bits) else { throw .invalidStatement("clause \(clause): bit length must be 1...64") }
    }

    /// The proof-type byte: the predicate's type code for one clause, `andTypeCode` for several.
    public var proofType: UInt8 { clauses.count == 1 ? clauses[0].predicate.typeCode : Self.andTypeCode }

    /// version || u8 m || m commitments || u8 k || k clauses (type || u8 index || parameters).
    private static func encode(_ commitments: [Commitment], _ clauses: [Clause]) -> [UInt8] {
        var w = ByteWriter()
        w.u8(ProofLabels.statementVersion)
        w.u8(commitments.count)
        for c in commitments { w.point(c.point) }
        w.u8(clauses.count)
        for clause in clauses {
            w.u8(clause.predicate.typeCode)
            w.u8(clause.commitment)
            switch clause.predicate {
            case .knowsOpening: break
            case let .equals(a): w.scalar(a)
            case let .equalsCommitment(other): w.u8(other)
            case let .inSet(values):
                w.u8(values.count)
                for v in values { w.scalar(v) }
            case let .atLeast(t, bits), let .atMost(t, bits):
                w.scalar(t)
                w.u8(bits)
            case let .between(low, high, bits):
                w.scalar(low)
                w.scalar(high)
                w.u8(bits)
            }
        }
        return w.bytes
    }

    /// Decodes `encoded` strictly: known version and types, canonical scalars, valid non-identity commitments,
    /// no trailing bytes, and every rule of `init(commitments:clauses:)`.
    public init(decoding bytes: [UInt8]) throws(ProofError) {
        var r = ByteReader(bytes, what: "statement")
        let version = try r.u8()
        guard version == ProofLabels.statementVersion else { throw .unknownVersion(what: "statement", version: version) }
        var commitments: [Commitment] = []
        for _ in 0..<Int(try r.u8()) { commitments.append(try Commitment(point: try r.point())) }
        var clauses: [Clause] = []
        for _ in 0..<Int(try r.u8()) {
            let at = r.offset
            let type = try r.u8()
            let index = Int(try r.u8())
            let predicate: AttributePredicate
            switch type {
            case 0x01: predicate = .knowsOpening
            case 0x02: predicate = .equals(try r.scalar())
            case 0x03: predicate = .equalsCommitment(Int(try r.u8()))
            case 0x04:
                var values: [Scalar] = []
                for _ in 0..<Int(try r.u8()) { values.append(try r.scalar()) }
                predicate = .inSet(values)
            case 0x05: predicate = .atLeast(try r.scalar(), bits: Int(try r.u8()))
            case 0x06: predicate = .atMost(try r.scalar(), bits: Int(try r.u8()))
            case 0x07: predicate = .between(try r.scalar(), try r.scalar(), bits: Int(try r.u8()))
            default: throw .unknownType(what: "predicate", type: type, offset: at)
            }
            clauses.append(Clause(commitment: index, predicate: predicate))
        }
        try r.finish()
        try self.init(commitments: commitments, clauses: clauses)
    }

    public static func == (a: Statement, b: Statement) -> Bool { a.encoded == b.encoded }
}
