import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A tiny JSON-over-HTTP client (URLSession) for the demo and the witness.
struct HTTPClient {
    let base: String

    func send(_ method: String, _ path: String, token: String?, body: Any?) async throws -> (Int, Data) {
        guard let url = URL(string: base + path) else { throw CLIFailure("bad URL \(base + path)", hint: "check --url") }
        var request = URLRequest(url: url)
        request.httpMethod = method
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        if let body {
            request.httpBody = try JSONSerialization.data(withJSONObject: body)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        do {
            let (data, response) = try await URLSession.shared.data(for: request)
            return ((response as? HTTPURLResponse)?.statusCode ?? 0, data)
        } catch {
            throw CLIFailure("cannot reach \(base)", hint: "is the service running? (`make run` starts one)")
        }
    }

    func json(_ method: String, _ path: String, token: String? = nil, body: Any? = nil) async throws -> [String: Any] {
        let (status, data) = try await send(method, path, token: token, body: body)
        let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        guard (200..<300).contains(status) else {
            throw CLIFailure("\(method) \(path) answered \(status): \(object["message"] ?? "")", hint: "see the service's output")
        }
        return object
    }

    func text(_ method: String, _ path: String) async throws -> String {
        let (status, data) = try await send(method, path, token: nil, body: nil)
        guard status == 200 else { throw CLIFailure("\(method) \(path) answered \(status)", hint: "is the ledger empty? run `make run` first") }
        return String(decoding: data, as: UTF8.self)
    }
}
