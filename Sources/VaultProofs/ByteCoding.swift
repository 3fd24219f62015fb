import VaultCrypto

/// Appends big-endian integers, length-prefixed byte strings, points and scalars (docs/format/proofs.md).
struct ByteWriter {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int = 0) { bytes.reserveCapacity(capacity) }

    static func u32(_ v: Int) -> [UInt8] {
        let x = UInt32(v)
        return [UInt8(x >> 24), UInt8(x >> 16 & 0xff), UInt8(x >> 8 & 0xff), UInt8(x & 0xff)]
    }

    mutating func u8(_ v: UInt8) { bytes.append(v) }
    mutating func u8(_ v: Int) { bytes.append(UInt8(v)) }
    mutating func u16(_ v: Int) { bytes.append(UInt8(v >> 8 & 0xff)); bytes.append(UInt8(v & 0xff)) }
    mutating func u64(_ v: UInt64) { for i in (0..<8).reversed() { bytes.append(UInt8(v >> (8 * UInt64(i)) & 0xff)) } }
    mutating func raw(_ b: [UInt8]) { bytes.append(contentsOf: b) }
    mutating func point(_ p: Point) { bytes.append(contentsOf: p.bytes) }
    mutating func scalar(_ s: Scalar) { bytes.append(contentsOf: s.bytes) }
}

/// Reads what `ByteWriter` writes, strictly: typed errors with byte offsets, canonical scalars, valid points.
struct ByteReader {
    let bytes: [UInt8]
    let what: String
    private(set) var offset = 0

    init(_ bytes: [UInt8], what: String) {
        self.bytes = bytes
        self.what = what
    }

    var remaining: Int { bytes.count - offset }

    mutating func raw(_ n: Int) throws(ProofError) -> [UInt8] {
        guard n >= 0, remaining >= n else { throw .truncated(what: what, offset: offset) }
        defer { offset += n }
        return Array(bytes[offset..<offset + n])
    }

    mutating func u8() throws(ProofError) -> UInt8 { try raw(1)[0] }
    mutating func u16() throws(ProofError) -> Int { let b = try raw(2); return Int(b[0]) << 8 | Int(b[1]) }
    mutating func u64() throws(ProofError) -> UInt64 { try raw(8).reduce(0) { $0 << 8 | UInt64($1) } }

    mutating func scalar() throws(ProofError) -> Scalar {
        let at = offset
        let b = try raw(Scalar.byteCount)
        guard let s = try? Scalar(canonical: b) else { throw .nonCanonicalScalar(offset: at) }
        return s
    }

    mutating func point() throws(ProofError) -> Point {
        let at = offset
        return try Group.point(try raw(Point.byteCount), offset: at)
    }

    func finish() throws(ProofError) {
        guard remaining == 0 else { throw .trailingBytes(what: what, offset: offset) }
    }
}
