/// A small strict RFC 4180 reader: fields separated by commas, records by CRLF (or LF); a field in double quotes may
/// hold commas, line breaks and doubled quotes (`""` is one `"`). Anything else is refused with a named error and
/// the line it is on; every record must have as many fields as the header.
struct CSVReader {
    enum Failure: Error, Equatable, CustomStringConvertible {
        /// A quoted field runs to the end of the file.
        case unterminatedQuote(line: Int)
        /// A `"` inside a field that does not start with one.
        case quoteInUnquotedField(line: Int)
        /// Something other than a comma or a line break right after a closing quote.
        case textAfterClosingQuote(line: Int)
        /// A carriage return not followed by a line feed, outside quotes.
        case bareCarriageReturn(line: Int)
        /// A record whose number of fields differs from the header's.
        case fieldCount(line: Int, expected: Int, found: Int)
        /// Bytes that are not UTF-8.
        case invalidUTF8(line: Int)
        /// The file has no header row.
        case noHeader

        var line: Int {
            switch self {
            case let .unterminatedQuote(line), let .quoteInUnquotedField(line), let .textAfterClosingQuote(line),
                let .bareCarriageReturn(line), let .fieldCount(line, _, _), let .invalidUTF8(line):
                return line
            case .noHeader: return 1
            }
        }

        var description: String {
            switch self {
            case .unterminatedQuote: return "a quoted field is not closed before the end of the file"
            case .quoteInUnquotedField: return "a double quote inside an unquoted field (quote the field and double the quote)"
            case .textAfterClosingQuote: return "text after a closing quote (a quoted field ends at a comma or a line break)"
            case .bareCarriageReturn: return "a carriage return without a line feed outside quotes"
            case let .fieldCount(_, expected, found): return "\(found) fields where the header has \(expected)"
            case .invalidUTF8: return "the bytes are not UTF-8"
            case .noHeader: return "the file has no header row"
            }
        }
    }

    /// One record: the line it starts on (from 1), its raw bytes (without the line break) and its fields.
    struct Record {
        let line: Int
        let bytes: ArraySlice<UInt8>
        let fields: [String]
    }

    let bytes: [UInt8]
    /// Where the next record starts.
    private(set) var offset = 0
    private var line = 1
    private var width: Int?

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// The next record, or nil at the end of the file. The first call returns the header.
    mutating func next() throws(Failure) -> Record? {
        guard offset < bytes.count else {
            if width == nil { throw .noHeader }
            return nil
        }
        let start = offset, startLine = line
        var fields: [String] = []
        var field: [UInt8] = []
        var end = start
        var at = start
        func finish(_ raw: [UInt8]) throws(Failure) {
            guard let text = String(validating: raw, as: UTF8.self) else { throw .invalidUTF8(line: startLine) }
            fields.append(text)
        }
        fieldLoop: while true {
            field.removeAll(keepingCapacity: true)
            if at < bytes.count, bytes[at] == UInt8(ascii: "\"") {
                at += 1
                while true {
                    guard at < bytes.count else { throw .unterminatedQuote(line: startLine) }
                    let b = bytes[at]
                    if b == UInt8(ascii: "\"") {
                        if at + 1 < bytes.count, bytes[at + 1] == UInt8(ascii: "\"") {
                            field.append(b)
                            at += 2
                            continue
                        }
                        at += 1
                        break
                    }
                    if b == 0x0A { line += 1 }
                    field.append(b)
                    at += 1
                }
                try finish(field)
                guard at < bytes.count else { end = at; break fieldLoop }
                switch bytes[at] {
                case UInt8(ascii: ","): at += 1; continue fieldLoop
                case 0x0A: end = at; at += 1; break fieldLoop
                case 0x0D:
                    guard at + 1 < bytes.count, bytes[at + 1] == 0x0A else { throw .bareCarriageReturn(line: line) }
                    end = at; at += 2; break fieldLoop
                default: throw .textAfterClosingQuote(line: line)
                }
            } else {
                while at < bytes.count {
                    let b = bytes[at]
                    if b == UInt8(ascii: ",") || b == 0x0A || b == 0x0D { break }
                    if b == UInt8(ascii: "\"") { throw .quoteInUnquotedField(line: line) }
                    field.append(b)
                    at += 1
                }
                try finish(field)
                guard at < bytes.count else { end = at; break fieldLoop }
                switch bytes[at] {
                case UInt8(ascii: ","): at += 1; continue fieldLoop
                case 0x0A: end = at; at += 1; break fieldLoop
                default:
                    guard at + 1 < bytes.count, bytes[at + 1] == 0x0A else { throw .bareCarriageReturn(line: line) }
                    end = at; at += 2; break fieldLoop
                }
            }
        }
        offset = at
        line += 1
        if let width {
            guard fields.count == width else { throw .fieldCount(line: startLine, expected: width, found: fields.count) }
        } else {
            width = fields.count
        }
        return Record(line: startLine, bytes: bytes[start..<end], fields: fields)
    }
}
