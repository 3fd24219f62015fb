import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A `civicvault serve` (or `follow`) subprocess on a free loopback port, for the multi-node tests; stopped (SIGKILL) by `stop()`.
final class ServiceProcess: @unchecked Sendable {
    let process = Process()
    let port: Int
    var url: String { "http://127.0.0.1:\(port)" }

    init(arguments: [String], log: URL, command: String = "serve") throws {
        var lastError: (any Error)?
        for _ in 0..<5 {
            let port = Int.random(in: 20_000...60_000)
            let process = Process()
            process.executableURL = CLI.binary
            process.arguments = [command, "--port", "\(port)"] + arguments
            FileManager.default.createFile(atPath: log.path, contents: nil)
            let handle = try FileHandle(forWritingTo: log)
            process.standardOutput = handle
            process.standardError = handle
            try process.run()
            if Self.waitForHealth(port: port) {
                self.port = port
                self.processRef = process
                return
            }
            process.terminate()
            lastError = CocoaError(.fileReadUnknown)
        }
        throw lastError!
    }

    private var processRef: Process?

    func stop() {
        guard let p = processRef, p.isRunning else { return }
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
    }

    deinit { stop() }

    static func waitForHealth(port: Int) -> Bool {
        for _ in 0..<100 {
            if let (status, _) = try? get("http://127.0.0.1:\(port)/health"), status == 200 { return true }
            usleep(100_000)
        }
        return false
    }

    /// A blocking HTTP request (tests only).
    static func request(_ method: String, _ url: String, token: String? = nil, body: String? = nil) throws -> (Int, String) {
        var request = URLRequest(url: URL(string: url)!)
        request.httpMethod = method
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        request.httpBody = body.map { Data($0.utf8) }
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var result: (Int, String)?
        nonisolated(unsafe) var failure: (any Error)?
        URLSession.shared.dataTask(with: request) { data, response, error in
            if let error { failure = error } else {
                result = ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data ?? Data(), as: UTF8.self))
            }
            done.signal()
        }.resume()
        done.wait()
        if let failure { throw failure }
        return result!
    }

    static func get(_ url: String, token: String? = nil) throws -> (Int, String) { try request("GET", url, token: token) }
}
