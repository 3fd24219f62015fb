/// A strict reader for the subset of TOML (v1.0) that CivicVault's configuration uses: `[table]` headers, bare
/// `key = value` lines, basic and literal strings, decimal integers, booleans, arrays of strings (over several
/// lines if need be) and `#` comments. Anything else (floats, dates, inline tables, dotted keys, a key or table
/// given twice) is refused with the line it is on, so a typo never silently means something else.
///
/// We parse this subset ourselves rather than depend on TOMLKit: TOMLKit compiles toml++ (C++) into every build
/// and reports no source lines, and an unknown key must be reported with its line.
public enum TOMLSubset {
    /// A value of the subset.
    public enum Value: Equatable, Sendable {
        case string(String)
        case integer(Int)
        case boolean(Bool)
        case strings([String])

        /// What kind of value this is, in words ("a string", "an integer", ...).
        public var kind: String {
            switch self {
            case .string: return "a string"
            case .integer: return "an integer"
            case .boolean: return "a boolean"
            case .strings: return "an array of strings"
            }
        }
    }

    /// One `key = value` line: `key` is `table.key` (or `key` before any table header), `line` is 1-based.
    public struct Entry: Equatable, Sendable {
        public var key: String
        public var value: Value
        public var line: Int
    }

    /// Why a file is not in the subset.
    public struct SyntaxError: Error, Equatable, Sendable, CustomStringConvertible {
        /// 1-based line number.
        public var line: Int
        public var reason: String
        public var description: String { "line \(line): \(reason)" }
    }

    /// Parses `text` into its entries, in file order.
    public static func parse(_ text: String) throws -> [Entry] {
        var entries: [Entry] = []
        var seenKeys: Set<String> = []
        var seenTables: Set<String> = []
        var table: String? = nil
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { String($0.hasSuffix("\r") ? $0.dropLast() : $0) }
        var index = 0
        while index < lines.count {
            let number = index + 1
            var scanner = Scanner(Array(lines[index].unicodeScalars), line: number)
            index += 1
            scanner.skipSpace()
            if scanner.atEndOrComment { continue }
            if scanner.peek == "[" {
                scanner.advance()
                scanner.skipSpace()
                if scanner.peek == "[" { throw SyntaxError(line: number, reason: "arrays of tables ([[...]]) are not supported") }
                let name = try scanner.bareKey()
                scanner.skipSpace()
                guard scanner.peek == "]" else { throw SyntaxError(line: number, reason: "expected ']' after the table name") }
                scanner.advance()
                try scanner.expectEndOfLine()
                guard seenTables.insert(name).inserted else { throw SyntaxError(line: number, reason: "table [\(name)] is defined twice") }
                table = name
                continue
            }
            let key = try scanner.bareKey()
            scanner.skipSpace()
            guard scanner.peek == "=" else { throw SyntaxError(line: number, reason: "expected '=' after the key \(key)") }
            scanner.advance()
            scanner.skipSpace()
            let value: Value
            if scanner.peek == "[" {
                scanner.advance()
                var items: [String] = []
                // An array may continue over the following lines until its closing bracket.
                while true {
                    scanner.skipSpace()
                    if scanner.atEndOrComment {
                        guard index < lines.count else { throw SyntaxError(line: number, reason: "the array of \(key) is not closed") }
                        scanner = Scanner(Array(lines[index].unicodeScalars), line: index + 1)
                        index += 1
                        continue
                    }
                    if scanner.peek == "]" { scanner.advance(); break }
                    guard scanner.peek == "\"" || scanner.peek == "'" else {
                        throw SyntaxError(line: scanner.line, reason: "the array of \(key) may hold only strings")
                    }
                    items.append(try scanner.string())
                    scanner.skipSpace()
                    if scanner.peek == "," { scanner.advance(); continue }
                    if scanner.atEndOrComment { continue }
                    guard scanner.peek == "]" else { throw SyntaxError(line: scanner.line, reason: "expected ',' or ']' in the array of \(key)") }
                }
                value = .strings(items)
            } else {
                value = try scanner.scalarValue(key: key)
            }
            try scanner.expectEndOfLine()
            let full = table.map { "\($0).\(key)" } ?? key
            guard seenKeys.insert(full).inserted else { throw SyntaxError(line: number, reason: "\(full) is given twice") }
            entries.append(Entry(key: full, value: value, line: number))
        }
        return entries
    }

    private struct Scanner {
        let chars: [Unicode.Scalar]
        let line: Int
        var at = 0

        init(_ chars: [Unicode.Scalar], line: Int) {
            self.chars = chars
            self.line = line
        }

        var peek: Unicode.Scalar? { at < chars.count ? chars[at] : nil }
        var atEndOrComment: Bool { peek == nil || peek == "#" }
        mutating func advance() { at += 1 }
        mutating func skipSpace() { while peek == " " || peek == "\t" { at += 1 } }

        func fail(_ reason: String) -> SyntaxError { SyntaxError(line: line, reason: reason) }

        mutating func expectEndOfLine() throws {
            skipSpace()
            guard atEndOrComment else { throw fail("unexpected text after the value: \(String(String.UnicodeScalarView(chars[at...])))") }
        }

        /// A bare key: ASCII letters, digits, '_' and '-'. Dotted and quoted keys are outside the subset.
        mutating func bareKey() throws -> String {
            let start = at
            while let c = peek, c.isASCII, c.properties.isAlphabetic || ("0"..."9").contains(c) || c == "_" || c == "-" { at += 1 }
            guard at > start else {
                if peek == "\"" || peek == "'" { throw fail("quoted keys are not supported") }
                throw fail("expected a key (letters, digits, '_' or '-')")
            }
            if peek == "." { throw fail("dotted keys are not supported; use a [table] header") }
            return String(String.UnicodeScalarView(chars[start..<at]))
        }

        mutating func scalarValue(key: String) throws -> Value {
            guard let c = peek else { throw fail("\(key) has no value") }
            if c == "\"" || c == "'" { return .string(try string()) }
            let start = at
            while let c = peek, c != " ", c != "\t", c != "#" { at += 1 }
            let word = String(String.UnicodeScalarView(chars[start..<at]))
            if word == "true" { return .boolean(true) }
            if word == "false" { return .boolean(false) }
            if let n = Self.integer(word) { return .integer(n) }
            throw fail("\(key) = \(word): only strings, integers, booleans and arrays of strings are supported")
        }

        /// A TOML decimal integer: optional sign, no leading zero, '_' only between digits.
        static func integer(_ word: String) -> Int? {
            var digits = Substring(word)
            var negative = false
            if let first = digits.first, first == "+" || first == "-" {
                negative = first == "-"
                digits = digits.dropFirst()
            }
            guard let first = digits.first, first.isASCII, first.isNumber, first != "0" || digits.count == 1, digits.last != "_" else { return nil }
            var previousUnderscore = false
            var clean = ""
            for ch in digits {
                if ch == "_" {
                    if previousUnderscore { return nil }
                    previousUnderscore = true
                    continue
                }
                guard ch.isASCII, ch.isNumber else { return nil }
                previousUnderscore = false
                clean.append(ch)
            }
            guard let magnitude = Int(clean) else { return nil }
            return negative ? -magnitude : magnitude
        }

        /// A basic ("...", with escapes) or literal ('...') string on one line.
        mutating func string() throws -> String {
            let quote = chars[at]
            at += 1
            var out = String.UnicodeScalarView()
            while true {
                guard let c = peek else { throw fail("the string is not closed on its line") }
                at += 1
                if c == quote { return String(out) }
                if quote == "'" || c != "\\" {
                    if c.value < 0x20 && c != "\t" || c.value == 0x7f { throw fail("control characters must be escaped in strings") }
                    out.append(c)
                    continue
                }
                guard let e = peek else { throw fail("the string is not closed on its line") }
                at += 1
                switch e {
                case "\"": out.append("\"")
                case "\\": out.append("\\")
                case "n": out.append("\n")
                case "t": out.append("\t")
                case "r": out.append("\r")
                case "b": out.append("\u{08}")
                case "f": out.append("\u{0C}")
                case "u", "U":
                    let width = e == "u" ? 4 : 8
                    guard at + width <= chars.count,
                        let v = UInt32(String(String.UnicodeScalarView(chars[at..<(at + width)])), radix: 16),
                        let scalar = Unicode.Scalar(v)
                    else { throw fail("bad \\\(e) escape in a string") }
                    at += width
                    out.append(scalar)
                default: throw fail("unknown escape \\\(e) in a string")
                }
            }
        }
    }
}
