import Foundation
import Hummingbird
import Logging
import VaultCore
import VaultCrypto
import VaultLedger
import VaultNode
import VaultPages

/// Around every page and asset: the security headers (the Content-Security-Policy of `PageLabels`, no sniffing, no
/// framing, no referrer, no caching of pages), and errors rendered as an HTML page with their status instead of JSON.
struct PageMiddleware: RouterMiddleware {
    typealias Context = VaultRequestContext
    let site: PageSite

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            let api = APIError.from(error)
            if api.status == .internalServerError {
                context.logger.error("page failed", metadata: ["error_type": "\(type(of: error))", "path": "\(request.uri.path)"])
            }
            response = PageResponse.error(site, api)
        }
        Self.secure(&response.headers, asset: request.uri.path.hasPrefix("/static/"))
        return response
    }

    static func secure(_ headers: inout HTTPFields, asset: Bool) {
        headers[.contentSecurityPolicy] = PageLabels.contentSecurityPolicy
        headers[.xContentTypeOptions] = "nosniff"
        headers[.init("Referrer-Policy")!] = "no-referrer"
        headers[.init("X-Frame-Options")!] = "DENY"
        headers[.init("Cross-Origin-Opener-Policy")!] = "same-origin"
        headers[.init("Permissions-Policy")!] = "camera=(), microphone=(), geolocation=(), payment=()"
        if headers[.cacheControl] == nil { headers[.cacheControl] = asset ? "no-cache" : "no-store" }
    }
}

/// HTML responses of the pages.
enum PageResponse {
    static func html(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// A 303 to `location` (a path of ours), after a form.
    static func redirect(_ location: String) -> Response {
        var headers = HTTPFields()
        headers[.location] = location
        return Response(status: .seeOther, headers: headers)
    }

    static func error(_ site: PageSite, _ error: APIError) -> Response {
        guard let templates = site.templates else { return unavailable(site) }
        let heading: String
        switch error.status {
        case .unauthorized: heading = "Please sign in"
        case .forbidden: heading = "Not for you"
        case .notFound: heading = "Not found"
        case .badRequest: heading = "That did not work"
        case .internalServerError: heading = "Something went wrong on the node"
        default: heading = error.status.reasonPhrase
        }
        let values: [String: Any] = ["heading": heading, "message": error.message, "signin": error.status == .unauthorized || error.status == .forbidden]
        return html(templates.page("error", values, chrome: PageChrome(title: heading, current: "")), status: error.status)
    }

    static func unavailable(_ site: PageSite) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/plain; charset=utf-8"
        let text = "The pages are unavailable: \(site.loadError ?? "their resources were not found") (the folder CivicVault_VaultPages.resources must be beside the binary)."
        return Response(status: .serviceUnavailable, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
