import Foundation

/// Every setting of `civicvault serve`, resolved from four sources in a fixed order: a command-line flag beats a
/// `CIVICVAULT_*` environment variable, which beats the configuration file, which beats the built-in default.
/// Arrays are replaced whole by a higher source, never merged. docs/OPERATIONS.md lists every key.
public struct ServiceSettings: Equatable, Sendable {
    public var host = "127.0.0.1"
    public var port = 8080
    public var maxBodyBytes = 64 * 1024
    /// Mark the pages' cookies Secure (browsers reach the node over TLS, e.g. through a terminating proxy).
    public var secureCookies = false
    public var keys = ".civicvault/keys"
    public var passphraseFile: String? = nil
    public var data = ".civicvault/data"
    public var database: String? = nil
    public var actor = "operator"
    public var schemas: [String] = []
    public var policy: String? = nil
    public var witnessKeys: [String] = []
    public var witnessThreshold = 0
    public var logFormat = LogFormat.text
    public var logLevel = "info"

    public init() {}

    /// How log lines are written.
    public enum LogFormat: String, Sendable, CaseIterable {
        /// swift-log's default console lines, for people.
        case text
        /// One JSON object per line (docs/OPERATIONS.md, "Logs"), for collectors.
        case json
    }

    /// Log levels accepted by `log.level` (swift-log's names).
    public static let logLevels = ["trace", "debug", "info", "notice", "warning", "error", "critical"]

    /// A setting's name in the file (`table.key`), its environment variable and its flag.
    public enum Key: String, CaseIterable, Sendable {
        case host = "server.host"
        case port = "server.port"
        case maxBodyBytes = "server.max_body_bytes"
        case secureCookies = "server.secure_cookies"
        case keys = "node.keys"
        case passphraseFile = "node.passphrase_file"
        case data = "node.data"
        case database = "node.database"
        case actor = "node.actor"
        case schemas = "startup.schemas"
        case policy = "startup.policy"
        case witnessKeys = "witnesses.keys"
        case witnessThreshold = "witnesses.threshold"
        case logFormat = "log.format"
        case logLevel = "log.level"

        /// `CIVICVAULT_` and the key's last part in capitals (`CIVICVAULT_PORT`); a few keep established names.
        public var environmentVariable: String {
            switch self {
            case .database: return "CIVICVAULT_DATABASE_URL"
            case .witnessKeys: return "CIVICVAULT_WITNESS_KEYS"
            case .witnessThreshold: return "CIVICVAULT_WITNESS_THRESHOLD"
            case .logFormat: return "CIVICVAULT_LOG_FORMAT"
            case .logLevel: return "CIVICVAULT_LOG_LEVEL"
            default: return "CIVICVAULT_" + rawValue.split(separator: ".").last!.uppercased()
            }
        }

        /// The `serve` flag that sets it.
        public var flag: String {
            switch self {
            case .schemas: return "--schema"
            case .witnessKeys: return "--witness-key"
            case .witnessThreshold: return "--witness-threshold"
            case .logFormat: return "--log-format"
            case .logLevel: return "--log-level"
            default: return "--" + rawValue.split(separator: ".").last!.replacingOccurrences(of: "_", with: "-")
            }
        }

        var isList: Bool { self == .schemas || self == .witnessKeys }
        var isInteger: Bool { self == .port || self == .maxBodyBytes || self == .witnessThreshold }
        var isBoolean: Bool { self == .secureCookies }
    }

    /// Why the settings could not be resolved; each names where the bad value came from.
    public enum Failure: Error, Equatable, Sendable, CustomStringConvertible {
        case unreadableFile(path: String)
        case syntax(path: String, line: Int, reason: String)
        case unknownKey(path: String, line: Int, key: String)
        case wrongType(source: String, key: String, expected: String)
        case invalidValue(source: String, key: String, reason: String)

        public var description: String {
            switch self {
            case let .unreadableFile(path): return "cannot read the configuration file \(path)"
            case let .syntax(path, line, reason): return "\(path) line \(line): \(reason)"
            case let .unknownKey(path, line, key): return "\(path) line \(line): unknown key \(key)"
            case let .wrongType(source, key, expected): return "\(source): \(key) must be \(expected)"
            case let .invalidValue(source, key, reason): return "\(source): \(key) \(reason)"
            }
        }

        public var hint: String {
            switch self {
            case .unreadableFile: return "check --config (or CIVICVAULT_CONFIG) and the file's permissions"
            case .syntax: return "the file is TOML: [table] headers, key = \"string\", key = 123, key = true, key = [\"a\", \"b\"], # comments"
            case .unknownKey: return "the keys are listed in docs/OPERATIONS.md and deploy/civicvault.example.toml: " + Key.allCases.map(\.rawValue).joined(separator: ", ")
            case .wrongType, .invalidValue: return "see docs/OPERATIONS.md for each setting's type and range"
            }
        }
    }

    /// A value given for one setting by one source.
    public typealias Value = TOMLSubset.Value

    /// Resolves the settings: defaults, then the file (when `fileText` is given), then `environment`, then `flags`.
    public static func resolve(
        fileText: String?, filePath: String = "civicvault.toml", environment: [String: String], flags: [Key: Value]
    ) throws -> ServiceSettings {
        var settings = ServiceSettings()
        if let fileText {
            let entries: [TOMLSubset.Entry]
            do { entries = try TOMLSubset.parse(fileText) } catch let e as TOMLSubset.SyntaxError {
                throw Failure.syntax(path: filePath, line: e.line, reason: e.reason)
            }
            for entry in entries {
                guard let key = Key(rawValue: entry.key) else { throw Failure.unknownKey(path: filePath, line: entry.line, key: entry.key) }
                try settings.set(key, entry.value, source: "\(filePath) line \(entry.line)")
            }
        }
        for key in Key.allCases {
            guard let text = environment[key.environmentVariable] else { continue }
            try settings.set(key, try environmentValue(text, for: key), source: key.environmentVariable)
        }
        for key in Key.allCases {
            guard let value = flags[key] else { continue }
            try settings.set(key, value, source: key.flag)
        }
        try settings.check()
        return settings
    }

    /// Reads the file at `path` and resolves; `path` nil means no file.
    public static func resolve(configPath: String?, environment: [String: String], flags: [Key: Value]) throws -> ServiceSettings {
        guard let configPath else { return try resolve(fileText: nil, environment: environment, flags: flags) }
        guard let data = FileManager.default.contents(atPath: configPath), let text = String(data: data, encoding: .utf8) else {
            throw Failure.unreadableFile(path: configPath)
        }
        return try resolve(fileText: text, filePath: configPath, environment: environment, flags: flags)
    }

    /// An environment variable's text as a value: lists are comma-separated, integers decimal, booleans true/false.
    static func environmentValue(_ text: String, for key: Key) throws -> Value {
        if key.isList { return .strings(text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }) }
        if key.isInteger {
            guard let n = Int(text.trimmingCharacters(in: .whitespaces)) else {
                throw Failure.wrongType(source: key.environmentVariable, key: key.rawValue, expected: "an integer")
            }
            return .integer(n)
        }
        if key.isBoolean {
            switch text.trimmingCharacters(in: .whitespaces).lowercased() {
            case "true", "1", "yes": return .boolean(true)
            case "false", "0", "no": return .boolean(false)
            default: throw Failure.wrongType(source: key.environmentVariable, key: key.rawValue, expected: "true or false")
            }
        }
        return .string(text)
    }

    mutating func set(_ key: Key, _ value: Value, source: String) throws {
        func string() throws -> String {
            guard case let .string(s) = value else { throw Failure.wrongType(source: source, key: key.rawValue, expected: "a string") }
            guard !s.isEmpty else { throw Failure.invalidValue(source: source, key: key.rawValue, reason: "must not be empty") }
            return s
        }
        func integer() throws -> Int {
            guard case let .integer(n) = value else { throw Failure.wrongType(source: source, key: key.rawValue, expected: "an integer") }
            return n
        }
        func strings() throws -> [String] {
            guard case let .strings(list) = value else { throw Failure.wrongType(source: source, key: key.rawValue, expected: "an array of strings") }
            return list
        }
        switch key {
        case .host: host = try string()
        case .port:
            let n = try integer()
            guard (0...65535).contains(n) else { throw Failure.invalidValue(source: source, key: key.rawValue, reason: "must be between 0 and 65535") }
            port = n
        case .maxBodyBytes:
            let n = try integer()
            guard (1024...(64 * 1024 * 1024)).contains(n) else {
                throw Failure.invalidValue(source: source, key: key.rawValue, reason: "must be between 1024 and 67108864")
            }
            maxBodyBytes = n
        case .secureCookies:
            guard case let .boolean(b) = value else { throw Failure.wrongType(source: source, key: key.rawValue, expected: "a boolean (true or false)") }
            secureCookies = b
        case .keys: keys = try string()
        case .passphraseFile: passphraseFile = try string()
        case .data: data = try string()
        case .database: database = try string()
        case .actor: actor = try string()
        case .schemas: schemas = try strings()
        case .policy: policy = try string()
        case .witnessKeys: witnessKeys = try strings()
        case .witnessThreshold:
            let n = try integer()
            guard n >= 0 else { throw Failure.invalidValue(source: source, key: key.rawValue, reason: "must not be negative") }
            witnessThreshold = n
        case .logFormat:
            guard let format = LogFormat(rawValue: try string()) else {
                throw Failure.invalidValue(source: source, key: key.rawValue, reason: "must be \"text\" or \"json\"")
            }
            logFormat = format
        case .logLevel:
            let level = try string()
            guard Self.logLevels.contains(level) else {
                throw Failure.invalidValue(source: source, key: key.rawValue, reason: "must be one of \(Self.logLevels.joined(separator: ", "))")
            }
            logLevel = level
        }
    }

    /// Checks that the settings fit together.
    func check() throws {
        guard witnessThreshold <= witnessKeys.count else {
            throw Failure.invalidValue(
                source: "settings", key: Key.witnessThreshold.rawValue,
                reason: "is \(witnessThreshold) but only \(witnessKeys.count) witness key(s) are configured")
        }
    }

    /// The settings as `key = value` lines in the file's syntax (the database URL's password replaced by `***`),
    /// for `serve --print-config`.
    public var rendered: String {
        func quote(_ s: String) -> String {
            "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        }
        func list(_ l: [String]) -> String { "[" + l.map(quote).joined(separator: ", ") + "]" }
        var lines: [String] = []
        for key in Key.allCases {
            let value: String?
            switch key {
            case .host: value = quote(host)
            case .port: value = String(port)
            case .maxBodyBytes: value = String(maxBodyBytes)
            case .secureCookies: value = String(secureCookies)
            case .keys: value = quote(keys)
            case .passphraseFile: value = passphraseFile.map(quote)
            case .data: value = quote(data)
            case .database: value = database.map { quote(Self.redactingPassword($0)) }
            case .actor: value = quote(actor)
            case .schemas: value = list(schemas)
            case .policy: value = policy.map(quote)
            case .witnessKeys: value = list(witnessKeys)
            case .witnessThreshold: value = String(witnessThreshold)
            case .logFormat: value = quote(logFormat.rawValue)
            case .logLevel: value = quote(logLevel)
            }
            if let value { lines.append("\(key.rawValue) = \(value)") }
        }
        return lines.joined(separator: "\n")
    }

    /// `postgres://user:secret@host/db` becomes `postgres://user:***@host/db`.
    static func redactingPassword(_ url: String) -> String {
        guard let scheme = url.range(of: "://"), let at = url[scheme.upperBound...].firstIndex(of: "@") else { return url }
        let userInfo = url[scheme.upperBound..<at]
        guard let colon = userInfo.firstIndex(of: ":") else { return url }
        return String(url[..<colon]) + ":***" + String(url[at...])
    }
}
