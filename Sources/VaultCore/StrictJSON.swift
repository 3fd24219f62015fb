/// JSON (RFC 8259) read one way only, for inputs a signature or a proof depends on: UTF-8 without a byte order
/// mark, no member name twice in an object (names compared after unescaping, as UTF-8 bytes and as canonically
/// equivalent Unicode: an NFC and an NFD spelling of one name are the same name), no lone surrogates, at most 64
/// levels deep. Numbers keep their text, so `integer` can refuse `1.0`, `1e0`, `-0` and anything out of
/// range instead of rounding. Whatever another parser makes of a document this one accepts, it is the same.
public indirect enum StrictJSON: Equatable, Sendable {
    case null
    case bool(Bool)
    /// A number, exactly as written (it matched RFC 8259's grammar).
    case number(String)
    case string(String)
    case array([StrictJSON])
    /// Members in document order; names are unique.
    case object([(name: String, value: StrictJSON)])

    /// Parses `bytes` as one JSON text, or throws `VaultError.malformedJSON` naming what and where.
    public static func parse(_ bytes: [UInt8]) throws(VaultError) -> StrictJSON {
        var parser = Parser(bytes: bytes)
        return try parser.document()
    }

    /// Parses the UTF-8 bytes of `text`.
    public static func parse(_ text: String) throws(VaultError) -> StrictJSON { try parse(Array(text.utf8)) }

    public static func == (a: StrictJSON, b: StrictJSON) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case let (.bool(x), .bool(y)): return x == y
        case let (.number(x), .number(y)): return x == y
        case let (.string(x), .string(y)): return x.utf8.elementsEqual(y.utf8)
        case let (.array(x), .array(y)): return x == y
        case let (.object(x), .object(y)):
            return x.count == y.count && zip(x, y).allSatisfy { $0.name.utf8.elementsEqual($1.name.utf8) && $0.value == $1.value }
        default: return false
        }
    }

    /// The JSON type's name, for error messages.
    public var kindName: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .number: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }

    private struct Parser {
        let bytes: [UInt8]
        var at = 0
        var depth = 0
        static let maxDepth = 64

        init(bytes: [UInt8]) { self.bytes = bytes }

        func fail(_ why: String) -> VaultError { .malformedJSON("\(why) at byte \(at)") }

        mutating func document() throws(VaultError) -> StrictJSON {
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { throw fail("a byte order mark") }
            skipSpace()
            let value = try self.value()
            skipSpace()
            guard at == bytes.count else { throw fail("trailing bytes after the JSON value") }
            return value
        }

        mutating func skipSpace() {
            while at < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[at]) { at += 1 }
        }

        mutating func value() throws(VaultError) -> StrictJSON {
            guard at < bytes.count else { throw fail("unexpected end") }
            switch bytes[at] {
            case UInt8(ascii: "{"): return try object()
            case UInt8(ascii: "["): return try array()
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "t"): try literal("true"); return .bool(true)
            case UInt8(ascii: "f"): try literal("false"); return .bool(false)
            case UInt8(ascii: "n"): try literal("null"); return .null
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
            default: throw fail("unexpected character")
            }
        }

        mutating func literal(_ word: String) throws(VaultError) {
            let w = Array(word.utf8)
            guard bytes.count - at >= w.count, Array(bytes[at..<at + w.count]) == w else { throw fail("unexpected character") }
            at += w.count
        }

        mutating func nest() throws(VaultError) {
            depth += 1
            guard depth <= Self.maxDepth else { throw fail("nested deeper than \(Self.maxDepth) levels") }
        }

        mutating func object() throws(VaultError) -> StrictJSON {
            try nest()
            at += 1
            var members: [(name: String, value: StrictJSON)] = []
            var names = Set<[UInt8]>()
            var equivalent = Set<String>()
            skipSpace()
            if at < bytes.count, bytes[at] == UInt8(ascii: "}") { at += 1; depth -= 1; return .object(members) }
            while true {
                skipSpace()
                guard at < bytes.count, bytes[at] == UInt8(ascii: "\"") else { throw fail("expected a member name") }
                let start = at
                let name = try string()
                guard names.insert(Array(name.utf8)).inserted, equivalent.insert(name).inserted else {
                    at = start
                    throw fail("duplicate member \"\(Self.printable(name))\"")
                }
                skipSpace()
                guard at < bytes.count, bytes[at] == UInt8(ascii: ":") else { throw fail("expected ':'") }
                at += 1
                skipSpace()
                members.append((name, try value()))
                skipSpace()
                guard at < bytes.count else { throw fail("unexpected end") }
                if bytes[at] == UInt8(ascii: ",") { at += 1; continue }
                guard bytes[at] == UInt8(ascii: "}") else { throw fail("expected ',' or '}'") }
                at += 1
                depth -= 1
                return .object(members)
            }
        }

        mutating func array() throws(VaultError) -> StrictJSON {
            try nest()
            at += 1
            var items: [StrictJSON] = []
            skipSpace()
            if at < bytes.count, bytes[at] == UInt8(ascii: "]") { at += 1; depth -= 1; return .array(items) }
            while true {
                skipSpace()
                items.append(try value())
                skipSpace()
                guard at < bytes.count else { throw fail("unexpected end") }
                if bytes[at] == UInt8(ascii: ",") { at += 1; continue }
                guard bytes[at] == UInt8(ascii: "]") else { throw fail("expected ',' or ']'") }
                at += 1
                depth -= 1
                return .array(items)
            }
        }

        /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`, returned as written.
        mutating func number() throws(VaultError) -> String {
            let start = at
            func digits(_ p: inout Parser) -> Int {
                let s = p.at
                while p.at < p.bytes.count, (0x30...0x39).contains(p.bytes[p.at]) { p.at += 1 }
                return p.at - s
            }
            if bytes[at] == UInt8(ascii: "-") { at += 1 }
            guard at < bytes.count, (0x30...0x39).contains(bytes[at]) else { throw fail("malformed number") }
            if bytes[at] == UInt8(ascii: "0") {
                at += 1
                if at < bytes.count, (0x30...0x39).contains(bytes[at]) { throw fail("a number with a leading zero") }
            } else {
                _ = digits(&self)
            }
            if at < bytes.count, bytes[at] == UInt8(ascii: ".") {
                at += 1
                guard digits(&self) > 0 else { throw fail("malformed number") }
            }
            if at < bytes.count, bytes[at] == UInt8(ascii: "e") || bytes[at] == UInt8(ascii: "E") {
                at += 1
                if at < bytes.count, bytes[at] == UInt8(ascii: "+") || bytes[at] == UInt8(ascii: "-") { at += 1 }
                guard digits(&self) > 0 else { throw fail("malformed number") }
            }
            return String(decoding: bytes[start..<at], as: UTF8.self)
        }

        /// A string: no raw control characters, valid escapes, no lone surrogates, valid UTF-8.
        mutating func string() throws(VaultError) -> String {
            at += 1
            var out: [UInt8] = []
            while true {
                guard at < bytes.count else { throw fail("unterminated string") }
                let b = bytes[at]
                if b == UInt8(ascii: "\"") { at += 1; break }
                if b < 0x20 { throw fail("a raw control character in a string") }
                if b != UInt8(ascii: "\\") { out.append(b); at += 1; continue }
                at += 1
                guard at < bytes.count else { throw fail("unterminated string") }
                let e = bytes[at]
                at += 1
                switch e {
                case UInt8(ascii: "\""): out.append(0x22)
                case UInt8(ascii: "\\"): out.append(0x5C)
                case UInt8(ascii: "/"): out.append(0x2F)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try hex4()
                    if (0xD800...0xDBFF).contains(scalar) {
                        guard bytes.count - at >= 6, bytes[at] == UInt8(ascii: "\\"), bytes[at + 1] == UInt8(ascii: "u") else {
                            throw fail("a lone surrogate")
                        }
                        at += 2
                        let low = try hex4()
                        guard (0xDC00...0xDFFF).contains(low) else { throw fail("a lone surrogate") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else if (0xDC00...0xDFFF).contains(scalar) {
                        throw fail("a lone surrogate")
                    }
                    out.append(contentsOf: Array(String(Character(Unicode.Scalar(scalar)!)).utf8))
                default: throw fail("an unknown escape")
                }
            }
            guard let text = String(validating: out, as: UTF8.self) else { throw fail("a string that is not valid UTF-8") }
            return text
        }

        mutating func hex4() throws(VaultError) -> UInt32 {
            guard bytes.count - at >= 4 else { throw fail("a short \\u escape") }
            var v: UInt32 = 0
            for _ in 0..<4 {
                let c = bytes[at]
                let d: UInt32
                switch c {
                case 0x30...0x39: d = UInt32(c - 0x30)
                case 0x61...0x66: d = UInt32(c - 0x61 + 10)
                case 0x41...0x46: d = UInt32(c - 0x41 + 10)
                default: throw fail("a malformed \\u escape")
                }
                v = v << 4 | d
                at += 1
            }
            return v
        }

        /// A member name as it may be shown in an error: at most 64 characters, controls replaced.
        static func printable(_ s: String) -> String {
            String(String.UnicodeScalarView(s.unicodeScalars.prefix(64).map { $0.value < 0x20 || $0.value == 0x7F ? "?" : $0 }))
        }
    }
}

extension StrictJSON {
    /// The members of an object whose names are all in `allowed`, with every name in `required` present; otherwise
    /// `malformedJSON` naming the member and `path`.
    public func members(_ path: String, allowed: Set<String>, required: Set<String>) throws(VaultError) -> [String: StrictJSON] {
        guard case let .object(list) = self else { throw .malformedJSON("\(path) must be an object, not \(kindName)") }
        var out: [String: StrictJSON] = [:]
        for member in list {
            // Bytewise: a name merely canonically equivalent to an allowed one (e.g. with U+212A KELVIN SIGN) is unknown.
            guard allowed.contains(where: { $0.utf8.elementsEqual(member.name.utf8) }) else {
                throw .malformedJSON("unknown member \"\(Parser.printable(member.name))\" in \(path)")
            }
            out[member.name] = member.value
        }
        for name in required.sorted() where out[name] == nil { throw .malformedJSON("missing member \"\(name)\" in \(path)") }
        return out
    }

    /// A string, or `malformedJSON` naming `path`.
    public func string(_ path: String) throws(VaultError) -> String {
        guard case let .string(s) = self else { throw .malformedJSON("\(path) must be a string, not \(kindName)") }
        return s
    }

    /// The elements of an array, or `malformedJSON` naming `path`.
    public func array(_ path: String) throws(VaultError) -> [StrictJSON] {
        guard case let .array(a) = self else { throw .malformedJSON("\(path) must be an array, not \(kindName)") }
        return a
    }

    /// The integers every JSON implementation reads exactly (I-JSON, RFC 7493: IEEE 754 doubles hold them):
    /// -(2^53 - 1) ... 2^53 - 1. Numbers a signature or proof depends on stay inside it, so a JavaScript or Python
    /// reader sees the same value as this one.
    public static let interoperableIntegers: ClosedRange<Int64> = -9_007_199_254_740_991...9_007_199_254_740_991

    /// Refuses any number anywhere in the value that is not an integer of `T` written as one (for formats whose
    /// only numbers are integers, e.g. ledger entry JSON's u64s).
    public func requireIntegers<T: FixedWidthInteger>(_ path: String, as type: T.Type) throws(VaultError) {
        switch self {
        case .number: _ = try integer(path, as: T.self)
        case let .array(items): for i in items.indices { try items[i].requireIntegers("\(path)[\(i)]", as: T.self) }
        case let .object(members): for m in members { try m.value.requireIntegers("\(path).\(m.name)", as: T.self) }
        default: break
        }
    }

    /// An integer within `interoperableIntegers`, else `malformedJSON` naming `path`.
    public func interoperableInteger<T: FixedWidthInteger>(_ path: String, as type: T.Type = T.self) throws(VaultError) -> T {
        let value: T = try integer(path)
        guard Int64(exactly: value).map(Self.interoperableIntegers.contains) == true else {
            throw .malformedJSON("\(path) is outside -(2^53-1)...2^53-1, the integers every JSON reader holds exactly")
        }
        return value
    }

    /// An integer written as one (`-?(0|[1-9][0-9]*)`, not `-0`), within `T`'s range; otherwise `malformedJSON`.
    public func integer<T: FixedWidthInteger>(_ path: String, as type: T.Type = T.self) throws(VaultError) -> T {
        guard case let .number(text) = self else { throw .malformedJSON("\(path) must be an integer, not \(kindName)") }
        guard !text.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }), text != "-0", let value = T(text, radix: 10) else {
            throw .malformedJSON("\(path) must be an integer in \(T.min)...\(T.max), not \(text.prefix(32))")
        }
        return value
    }
}

/// Canonical JSON text of the few shapes signed and proven documents use (RFC 8785 for these shapes): no
/// whitespace, object members sorted bytewise by name, strings escaped only where JSON requires it.
public enum CanonicalJSON {
    /// `s` as a JSON string: `\"`, `\\`, `\b \f \n \r \t`, other code points below U+0020 as `\u00xx` (lowercase
    /// hex); every other character, `/`, DEL and non-ASCII included, as its UTF-8.
    public static func string(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// An object of already-canonical member values, sorted bytewise by name.
    public static func object(_ members: [(String, String)]) -> String {
        let sorted = members.sorted { $0.0.utf8.lexicographicallyPrecedes($1.0.utf8) }
        return "{" + sorted.map { string($0.0) + ":" + $0.1 }.joined(separator: ",") + "}"
    }

    /// An array of already-canonical values.
    public static func array(_ items: [String]) -> String { "[" + items.joined(separator: ",") + "]" }
}
