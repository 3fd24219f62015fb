import Foundation
import Hummingbird
import Logging
import VaultCrypto

/// Gives every request an id (the caller's `X-Request-Id` when it is a short code, else 16 random hex digits),
/// puts it in the request's logger metadata (`request_id`) and the response's `X-Request-Id` header, and logs one
/// line per request: method, path (never the query string, which may carry a national id), status and duration.
/// Headers and bodies, where tokens and plaintext travel, are never logged.
struct RequestLogMiddleware: RouterMiddleware {
    typealias Context = VaultRequestContext

    static let header = HTTPFields.Element.Name("X-Request-Id")!

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let id = Self.acceptable(request.headers[Self.header]) ?? Hex.encode(RandomBytes.generate(8))
        var context = context
        context.logger[metadataKey: "request_id"] = .string(id)
        // Hummingbird's own id (`context.id`) becomes the same value, so every line of the request names one id.
        context.logger[metadataKey: "hb.request.id"] = .string(id)
        let started = ContinuousClock.now
        let logger = context.logger
        func log(_ status: Int) {
            let elapsed = ContinuousClock.now - started
            let ms = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
            logger.info("request", metadata: [
                "method": "\(request.method.rawValue)", "path": "\(request.uri.path)", "status": "\(status)",
                "duration_ms": "\(String(format: "%.1f", ms))",
            ])
        }
        do {
            var response = try await next(request, context)
            response.headers[Self.header] = id
            log(response.status.code)
            return response
        } catch let error as any HTTPResponseError {
            log(error.status.code)
            throw error
        } catch {
            log(500)
            throw error
        }
    }

    /// A caller's request id is kept only when it is 1 to 64 letters, digits, '-' or '_'.
    static func acceptable(_ text: String?) -> String? {
        guard let text, (1...64).contains(text.utf8.count),
            text.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5a) || ($0 >= 0x61 && $0 <= 0x7a) || $0 == 0x2d || $0 == 0x5f })
        else { return nil }
        return text
    }
}
