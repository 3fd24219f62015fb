/// What an attestation is bound to: who asked, a fresh nonce, until when, which predicate, for which purpose, over
/// which declared fields, and which ledger entry and checkpoint the commitments come from. Its canonical encoding
/// is hashed into the transcript, so a proof verifies only under exactly this context.
///
/// Version 2 (every proof made now) binds the purpose and the fields' declarations; version 1 (proofs made before)
/// has neither and stays decodable and verifiable, so old bundles keep verifying.
public struct ProofContext: Equatable, Sendable {
    /// The requester's id (UTF-8, 1...1024 bytes).
    public let requester: String
    /// A fresh nonce from the requester (16...64 bytes).
    public let nonce: [UInt8]
    /// Expiry, in seconds since 1970-01-01 UTC.
    public let expiry: UInt64
    /// The predicate as bound (UTF-8, 1...1024 bytes): in a bundle, its canonical predicate JSON byte for byte.
    public let predicate: String
    /// Why it was asked (UTF-8, 1...1024 bytes), e.g. "loan-application"; nil only in a version 1 context.
    public let purpose: String?
    /// The declarations of the attested fields, as the bundle's canonical `fields` JSON (UTF-8, 1...4096 bytes);
    /// nil only in a version 1 context.
    public let fields: String?
    /// Ledger index of the entry holding the commitments.
    public let ledgerIndex: UInt64
    /// Hash of the signed checkpoint the ledger entry is proven against (32 bytes).
    public let checkpointHash: [UInt8]

    /// The encoding's version: 2 with a purpose, 1 without.
    public var version: UInt8 { purpose == nil ? ProofLabels.contextVersion1 : ProofLabels.contextVersion }

    /// Validates every field's length. Nil `purpose` and `fields` make a version 1 context (only to verify old
    /// proofs); version 2 needs both.
    public init(
        requester: String, nonce: [UInt8], expiry: UInt64, predicate: String, purpose: String?, fields: String?, ledgerIndex: UInt64,
        checkpointHash: [UInt8]
    ) throws(ProofError) {
        let maxString = ProofLabels.maxContextStringLength
        guard (1...maxString).contains(requester.utf8.count) else { throw .invalidContext("requester must be 1...\(maxString) UTF-8 bytes") }
        guard ProofLabels.nonceLengths.contains(nonce.count) else { throw .invalidContext("nonce must be 16...64 bytes") }
        guard (1...maxString).contains(predicate.utf8.count) else { throw .invalidContext("predicate must be 1...\(maxString) UTF-8 bytes") }
        guard (purpose == nil) == (fields == nil) else { throw .invalidContext("a version 2 context has both purpose and fields") }
        if let purpose, !(1...maxString).contains(purpose.utf8.count) { throw .invalidContext("purpose must be 1...\(maxString) UTF-8 bytes") }
        if let fields, !(1...ProofLabels.maxContextFieldsLength).contains(fields.utf8.count) {
            throw .invalidContext("fields must be 1...\(ProofLabels.maxContextFieldsLength) UTF-8 bytes")
        }
        guard checkpointHash.count == ProofLabels.checkpointHashLength else { throw .invalidContext("checkpoint hash must be 32 bytes") }
        self.requester = requester
        self.purpose = purpose
        self.fields = fields
        self.nonce = nonce
        self.expiry = expiry
        self.predicate = predicate
        self.ledgerIndex = ledgerIndex
        self.checkpointHash = checkpointHash
    }

    /// version (0x02) || u16 len || requester || u8 len || nonce || u64 expiry || u16 len || predicate
    /// || u16 len || purpose || u16 len || fields || u64 ledgerIndex || checkpointHash(32); version 0x01 has neither
    /// purpose nor fields.
    public var encoded: [UInt8] {
        var w = ByteWriter()
        w.u8(version)
        w.u16(requester.utf8.count)
        w.raw(Array(requester.utf8))
        w.u8(nonce.count)
        w.raw(nonce)
        w.u64(expiry)
        w.u16(predicate.utf8.count)
        w.raw(Array(predicate.utf8))
        if let purpose, let fields {
            w.u16(purpose.utf8.count)
            w.raw(Array(purpose.utf8))
            w.u16(fields.utf8.count)
            w.raw(Array(fields.utf8))
        }
        w.u64(ledgerIndex)
        w.raw(checkpointHash)
        return w.bytes
    }

    /// Decodes `encoded` strictly (known version, valid UTF-8, every length in range, no trailing bytes).
    public init(decoding bytes: [UInt8]) throws(ProofError) {
        var r = ByteReader(bytes, what: "proof context")
        let version = try r.u8()
        guard version == ProofLabels.contextVersion || version == ProofLabels.contextVersion1 else {
            throw .unknownVersion(what: "proof context", version: version)
        }
        let requester = try Self.string(&r)
        let nonce = try r.raw(Int(try r.u8()))
        let expiry = try r.u64()
        let predicate = try Self.string(&r)
        let purpose = version == ProofLabels.contextVersion ? try Self.string(&r) : nil
        let fields = version == ProofLabels.contextVersion ? try Self.string(&r) : nil
        let ledgerIndex = try r.u64()
        let checkpoint = try r.raw(ProofLabels.checkpointHashLength)
        try r.finish()
        try self.init(
            requester: requester, nonce: nonce, expiry: expiry, predicate: predicate, purpose: purpose, fields: fields, ledgerIndex: ledgerIndex,
            checkpointHash: checkpoint)
    }

    private static func string(_ r: inout ByteReader) throws(ProofError) -> String {
        let raw = try r.raw(try r.u16())
        guard let s = String(validating: raw, as: UTF8.self) else { throw .invalidContext("string is not valid UTF-8") }
        return s
    }

    /// Throws `expired` when `now` (seconds since 1970 UTC) is past the expiry.
    public func checkNotExpired(now: UInt64) throws(ProofError) {
        guard now <= expiry else { throw .expired(expiry: expiry, now: now) }
    }
}
