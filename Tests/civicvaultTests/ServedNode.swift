import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import VaultPostgres
import VaultTestSupport

/// A node (keys in a temporary directory, data there in SQLite or in a PostgreSQL database of its own) served by the real `civicvault serve` binary on a free loopback port, with a
/// token per role, for tests that need the process: crash (SIGKILL) and restart, and the HTTP service end to end.
/// Everything talks to 127.0.0.1 only.
final class ServedNode: @unchecked Sendable {
    let directory: URL
    let keys: String
    let data: String
    /// The PostgreSQL database of this node (nil on SQLite).
    let postgresDatabase: String?
    /// False for a second node sharing another's keys and database: its clean-up leaves them alone.
    let ownsData: Bool
    /// Where this node's serve logs go.
    let logDirectory: URL
    private(set) var port: Int = 0
    private(set) var process: Process?
    private(set) var starts = 0
    var tokens: [String: String] = [:]

    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    init(_ backend: StorageBackend = .sqlite) throws {
        directory = try CLI.temporaryDirectory()
        keys = directory.appendingPathComponent("keys").path
        data = directory.appendingPathComponent("data").path
        postgresDatabase = backend == .postgres ? try PostgresTestDatabase.create() : nil
        ownsData = true
        logDirectory = directory
        let initialized = try CLI.run(["init", "--keys", keys, "--dev", "--name", "crash.test/node"])
        guard initialized.status == 0 else { throw Failure("init failed: \(initialized.stderr)") }
        for (name, args) in [
            ("department", ["--role", "department", "--for", "dept-clerk-1", "--clearance", "restricted"]),  // a registrar: citizen records hold restricted fields
            ("officer", ["--role", "officer", "--for", "officer-1", "--clearance", "restricted"]),
            ("requester", ["--role", "requester", "--for", "bank-1"]),
            ("auditor", ["--role", "auditor", "--for", "auditor-1"]),
        ] {
            let made = try CLI.run(["token", "create", "--keys", keys] + storeArguments + args)
            guard made.status == 0 else { throw Failure("token create failed: \(made.stderr)") }
            tokens[name] = made.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }

    /// Another service node over the same keys and database (a stateless node behind the same load balancer).
    init(sharing other: ServedNode) throws {
        directory = other.directory
        keys = other.keys
        data = other.data
        postgresDatabase = other.postgresDatabase
        tokens = other.tokens
        ownsData = false
        logDirectory = try CLI.temporaryDirectory()
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    /// `--data` and, on PostgreSQL, `--database`: where every command run for this node finds its data.
    var storeArguments: [String] {
        ["--data", data] + (postgresDatabase.flatMap { try? PostgresTestDatabase.url($0) }.map { ["--database", $0.description] } ?? [])
    }

    /// Keyless access to the node's tables.
    func inspector() throws -> DatabaseInspector {
        if let postgresDatabase { return DatabaseInspector(postgres: try PostgresTestDatabase.url(postgresDatabase)) }
        return try DatabaseInspector(sqlitePath: data + "/civicvault.sqlite")
    }
    var base: String { "http://127.0.0.1:\(port)" }
    var stdoutPath: String { logDirectory.appendingPathComponent("serve-\(starts).out").path }
    var stderrPath: String { logDirectory.appendingPathComponent("serve-\(starts).err").path }

    /// A port that was free a moment ago (bound to 127.0.0.1:0, then closed).
    static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) } }
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        return Int(UInt16(bigEndian: addr.sin_port))
    }

    /// Starts `civicvault serve` (schema and example policy installed at start) and waits until /health answers.
    func start(extraArguments: [String] = [], environment: [String: String] = [:]) async throws {
        starts += 1
        port = Self.freePort()
        FileManager.default.createFile(atPath: stdoutPath, contents: nil)
        FileManager.default.createFile(atPath: stderrPath, contents: nil)
        let p = Process()
        p.executableURL = CLI.binary
        p.arguments = [
            "serve", "--keys", keys, "--host", "127.0.0.1", "--port", "\(port)",
            "--schema", Self.repo.appendingPathComponent("schemas/citizen.json").path,
            "--policy", Self.repo.appendingPathComponent("Keys/policy.example.json").path,
        ] + storeArguments + extraArguments
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "CIVICVAULT_PASSPHRASE")
        for (k, v) in environment { env[k] = v }
        p.environment = env
        p.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: stdoutPath))
        p.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: stderrPath))
        try p.run()
        process = p
        // The wait runs on a thread of its own with blocking requests: while long synchronous tests hold Swift
        // concurrency's two cooperative threads, an async polling loop would not run at all and its deadline could
        // pass with the server long up.
        let port = self.port, stderrPath = self.stderrPath, stdoutPath = self.stdoutPath
        try await CLI.blocking {
            let deadline = Date().addingTimeInterval(300)
            while Date() < deadline {
                if !p.isRunning { throw Failure("serve exited: \((try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "")") }
                if let (status, _) = try? ServiceProcess.get("http://127.0.0.1:\(port)/health"), status == 200 { return }
                usleep(50_000)
            }
            let out = (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? "", err = (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? ""
            throw Failure("serve did not answer /health within 300 s (port \(port)); stdout: \(out.suffix(1500)) stderr: \(err.suffix(1500))")
        }
    }

    /// SIGKILL: no shutdown code runs.
    func kill9() {
        guard let p = process else { return }
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        process = nil
    }

    /// SIGTERM and wait (a clean stop).
    func stop() {
        guard let p = process else { return }
        p.terminate()
        p.waitUntilExit()
        process = nil
    }

    func cleanUp() {
        kill9()
        try? FileManager.default.removeItem(at: logDirectory)
        guard ownsData else { return }
        try? FileManager.default.removeItem(at: directory)
        if let postgresDatabase { PostgresTestDatabase.drop(postgresDatabase) }
    }

    /// One HTTP request to the node; throws when the connection fails (e.g. the server was killed).
    func request(_ method: String, _ path: String, token: String? = nil, json: Any? = nil, timeout: TimeInterval = 30) async throws -> (Int, [String: Any]) {
        var request = URLRequest(url: URL(string: base + path)!)
        request.httpMethod = method
        request.timeoutInterval = timeout
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        if let json {
            request.httpBody = try JSONSerialization.data(withJSONObject: json)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, object)
    }
}
