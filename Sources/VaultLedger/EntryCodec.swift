/// The canonical binary encoding of a `LedgerEntry` (docs/format/entry.md, "Binary encoding"). Encoding is a function of
/// the entry; decoding is strict and accepts exactly the encodings it produces, else throws a typed error.
public enum EntryCodec {
    /// Value tags.
    static let tagBytes: UInt8 = 0x01, tagString: UInt8 = 0x02, tagU64: UInt8 = 0x03

    /// The canonical bytes of `entry`.
    public static func encode(_ entry: LedgerEntry) -> [UInt8] {
        var capacity = 1 + LedgerLabels.entry.count + 2 + entry.type.utf8.count + 8 + 2 + entry.actor.utf8.count + 2
        for (key, value) in entry.attributes {
            capacity += 2 + key.utf8.count + 1
            switch value {
            case let .bytes(b): capacity += 4 + b.count
            case let .string(s): capacity += 4 + s.utf8.count
            case .u64: capacity += 8
            }
        }
        var out: [UInt8] = []
        out.reserveCapacity(capacity)
        out.append(LedgerLabels.entryVersion)
        out.append(contentsOf: LedgerLabels.entry)
        putShortString(entry.type, into: &out)
        putU64(entry.timestampMs, into: &out)
        putShortString(entry.actor, into: &out)
        putU16(UInt16(entry.attributes.count), into: &out)
        // Keys are ASCII identifiers, so String order is bytewise UTF-8 order.
        for (key, value) in entry.attributes.sorted(by: { $0.key < $1.key }) {
            putShortString(key, into: &out)
            switch value {
            case let .bytes(b):
                out.append(tagBytes); putU32(UInt32(b.count), into: &out); out.append(contentsOf: b)
            case let .string(s):
                out.append(tagString); putU32(UInt32(s.utf8.count), into: &out); out.append(contentsOf: s.utf8)
            case let .u64(v):
                out.append(tagU64); putU64(v, into: &out)
            }
        }
        return out
    }

    /// Decodes canonical entry bytes; throws `LedgerError` naming the offset of the first problem.
    public static func decode(_ bytes: [UInt8]) throws -> LedgerEntry {
        guard bytes.count <= LedgerLabels.maxEntryByteCount else {
            throw LedgerError.malformedEntry(offset: 0, reason: "longer than \(LedgerLabels.maxEntryByteCount) bytes")
        }
        var r = Reader(bytes: bytes)
        let version = try r.u8()
        guard version == LedgerLabels.entryVersion else { throw LedgerError.unsupportedVersion(version) }
        let labelAt = r.offset
        guard try r.take(LedgerLabels.entry.count) == LedgerLabels.entry else {
            throw LedgerError.malformedEntry(offset: labelAt, reason: "wrong domain label")
        }
        let type = try r.shortString()
        let timestamp = try r.u64()
        let actor = try r.shortString()
        let count = Int(try r.u16())
        var attributes: [String: LedgerEntry.Value] = [:]
        var previous: [UInt8]? = nil
        for _ in 0..<count {
            let keyAt = r.offset
            let key = try r.shortString()
            let keyBytes = Array(key.utf8)
            if let previous {
                guard previous != keyBytes else { throw LedgerError.malformedEntry(offset: keyAt, reason: "duplicate attribute \"\(key)\"") }
                guard previous.lexicographicallyPrecedes(keyBytes) else {
                    throw LedgerError.malformedEntry(offset: keyAt, reason: "attribute \"\(key)\" out of order")
                }
            }
            previous = keyBytes
            let tagAt = r.offset
            switch try r.u8() {
            case tagBytes: attributes[key] = .bytes(try r.take(Int(try r.u32())))
            case tagString: attributes[key] = .string(try r.utf8(Int(try r.u32())))
            case tagU64: attributes[key] = .u64(try r.u64())
            case let tag: throw LedgerError.malformedEntry(offset: tagAt, reason: "unknown value tag \(tag)")
            }
        }
        guard r.offset == bytes.count else { throw LedgerError.malformedEntry(offset: r.offset, reason: "trailing bytes") }
        do {
            return try LedgerEntry(type: type, timestampMs: timestamp, actor: actor, attributes: attributes)
        } catch let LedgerError.invalidEntry(reason) {
            throw LedgerError.malformedEntry(offset: 0, reason: reason)
        }
    }

    static func putU16(_ v: UInt16, into out: inout [UInt8]) { withUnsafeBytes(of: v.bigEndian) { out.append(contentsOf: $0) } }
    static func putU32(_ v: UInt32, into out: inout [UInt8]) { withUnsafeBytes(of: v.bigEndian) { out.append(contentsOf: $0) } }
    static func putU64(_ v: UInt64, into out: inout [UInt8]) { withUnsafeBytes(of: v.bigEndian) { out.append(contentsOf: $0) } }
    static func putShortString(_ s: String, into out: inout [UInt8]) {
        putU16(UInt16(s.utf8.count), into: &out)
        out.append(contentsOf: s.utf8)
    }

    /// A bounds-checked big-endian reader over entry bytes.
    struct Reader {
        let bytes: [UInt8]
        var offset = 0

        mutating func take(_ n: Int) throws -> [UInt8] {
            guard n >= 0, bytes.count - offset >= n else { throw LedgerError.malformedEntry(offset: offset, reason: "truncated (need \(n) bytes)") }
            defer { offset += n }
            return Array(bytes[offset..<offset + n])
        }
        mutating func u8() throws -> UInt8 { try take(1)[0] }
        mutating func u16() throws -> UInt16 { try take(2).reduce(0) { $0 << 8 | UInt16($1) } }
        mutating func u32() throws -> UInt32 { try take(4).reduce(0) { $0 << 8 | UInt32($1) } }
        mutating func u64() throws -> UInt64 { try take(8).reduce(0) { $0 << 8 | UInt64($1) } }
        mutating func utf8(_ n: Int) throws -> String {
            let at = offset
            let raw = try take(n)
            guard let s = String(validating: raw, as: UTF8.self) else { throw LedgerError.malformedEntry(offset: at, reason: "invalid UTF-8") }
            return s
        }
        mutating func shortString() throws -> String { try utf8(Int(try u16())) }
    }
}
