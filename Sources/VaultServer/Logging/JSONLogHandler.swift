import Foundation
import Logging

/// A swift-log handler that writes one JSON object per line: `ts` (RFC 3339, UTC, milliseconds), `level`,
/// `label`, `message` and every metadata value as a string member (sorted), e.g.
/// `{"label":"civicvault","level":"info","message":"request","method":"GET","path":"/health","request_id":"4f..","status":"200","ts":"..."}`.
/// What is logged is decided by the callers, which log ids, paths without query strings, statuses and error
/// types, never bodies, headers or tokens (docs/OPERATIONS.md, "Logs").
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    private let label: String
    private let sink: JSONLogSink

    /// A handler for `label` writing to `sink` (standard error unless told otherwise).
    public init(label: String, sink: JSONLogSink = .standardError) {
        self.label = label
        self.sink = sink
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var members: [String: String] = [:]
        for (k, v) in metadata { members[k] = Self.flatten(v) }
        for (k, v) in event.metadata ?? [:] { members[k] = Self.flatten(v) }
        members["ts"] = Self.timestamp(Date())
        members["level"] = event.level.rawValue
        members["label"] = label
        members["message"] = event.message.description
        let body = members.keys.sorted().map { "\(Self.quote($0)):\(Self.quote(members[$0]!))" }.joined(separator: ",")
        sink.write("{" + body + "}\n")
    }

    static func flatten(_ value: Logger.Metadata.Value) -> String {
        switch value {
        case let .string(s): return s
        case let .stringConvertible(c): return c.description
        case let .array(a): return "[" + a.map(flatten).joined(separator: ",") + "]"
        case let .dictionary(d): return "{" + d.keys.sorted().map { "\($0)=\(flatten(d[$0]!))" }.joined(separator: ",") + "}"
        }
    }

    /// A JSON string literal: quotes, backslashes and every control character escaped.
    static func quote(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7f || (0x2028...0x2029).contains(scalar.value) {
                    out += String(format: "\\u%04x", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }
}

/// Where JSON log lines go: a file descriptor, written one whole line per `write(2)` under a lock so lines of
/// concurrent requests never interleave.
public final class JSONLogSink: @unchecked Sendable {
    private let fd: Int32
    private let lock = NSLock()

    public init(fileDescriptor: Int32) { fd = fileDescriptor }

    /// Standard error (systemd's journal, or a file the service manager redirects it to).
    public static let standardError = JSONLogSink(fileDescriptor: 2)

    func write(_ line: String) {
        var bytes = Array(line.utf8)
        lock.lock()
        defer { lock.unlock() }
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeMutableBytes { Foundation.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n <= 0 { return }
            offset += n
        }
        bytes.removeAll()
    }
}
