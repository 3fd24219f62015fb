import Foundation
import Hummingbird
import Logging
import Prometheus
import VaultCore
import VaultCrypto
import VaultLedger
import VaultNode
import VaultSQLite

/// Reads JSON request bodies strictly: at most the configured size, one JSON text with no member twice (at any
/// depth), an object, only known keys, right types.
enum RequestBody {
    /// The body as strict JSON (`StrictJSON`): a duplicate member or malformed text is a 400 `malformed_json`.
    static func strict(from request: Request, maxBytes: Int) async throws -> (StrictJSON, Data) {
        var request = request
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: maxBytes)
        } catch {
            throw APIError(.contentTooLarge, "body_too_large", "the request body is larger than \(maxBytes) bytes")
        }
        let data = Data(buffer.readableBytesView)
        do { return (try StrictJSON.parse(Array(data)), data) } catch {
            throw APIError(.badRequest, "malformed_json", error.description)
        }
    }

    static func decode<T: Decodable>(_ type: T.Type, from request: Request, allowed keys: Set<String>, maxBytes: Int) async throws -> T {
        let (_, data) = try await strict(from: request, maxBytes: maxBytes)
        guard case let .object(object)? = try? JSONDecoder().decode(JSONValue.self, from: data) else {
            throw APIError(.badRequest, "malformed_json", "the body must be a JSON object")
        }
        if let unknown = object.keys.sorted().first(where: { !keys.contains($0) }) {
            throw APIError(.badRequest, "unknown_field", "unknown field \"\(unknown)\"")
        }
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch let error as DecodingError {
            throw APIError(.badRequest, "invalid_request", describe(error))
        }
    }

    static func describe(_ error: DecodingError) -> String {
        switch error {
        case let .keyNotFound(key, _): return "missing field \"\(key.stringValue)\""
        case let .typeMismatch(_, ctx), let .valueNotFound(_, ctx), let .dataCorrupted(ctx):
            let path = ctx.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
            return "wrong type or value at \"\(path.isEmpty ? "body" : path)\""
        @unknown default: return "malformed body"
        }
    }
}

/// JSON responses with sorted keys.
enum JSONResponse {
    static func make(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: try encoder.encode(value))))
    }

    static func text(_ text: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/plain; charset=utf-8"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
