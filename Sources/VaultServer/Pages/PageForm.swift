import Foundation
import Hummingbird
import VaultCore
import VaultCrypto
import VaultLedger
import VaultNode
import VaultPages

/// A posted form (application/x-www-form-urlencoded), read strictly: at most the body limit, only the fields the
/// route names, each at most once.
struct PageForm {
    let fields: [String: String]

    static func read(_ request: Request, allowed: Set<String>, maxBytes: Int) async throws -> PageForm {
        guard let type = request.headers[.contentType], type.lowercased().hasPrefix("application/x-www-form-urlencoded") else {
            throw APIError(.unsupportedMediaType, "unsupported_media_type", "forms are sent as application/x-www-form-urlencoded")
        }
        var request = request
        let buffer: ByteBuffer
        do { buffer = try await request.collectBody(upTo: maxBytes) } catch {
            throw APIError(.contentTooLarge, "body_too_large", "the form is larger than \(maxBytes) bytes")
        }
        var fields: [String: String] = [:]
        for pair in String(buffer: buffer).split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = decode(parts[0]), let value = decode(parts.count > 1 ? parts[1] : "") else {
                throw APIError(.badRequest, "invalid_request", "the form is malformed")
            }
            guard allowed.contains(name) else { throw APIError(.badRequest, "unknown_field", "unknown form field \"\(name.prefix(64))\"") }
            guard fields[name] == nil else { throw APIError(.badRequest, "invalid_request", "form field \"\(name)\" given twice") }
            fields[name] = value
        }
        return PageForm(fields: fields)
    }

    static func decode(_ text: Substring) -> String? {
        text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }

    subscript(_ name: String) -> String? { fields[name] }

    /// The trimmed value of `name`, nil when absent or empty.
    func value(_ name: String) -> String? {
        guard let v = fields[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !v.isEmpty else { return nil }
        return v
    }

    static let csrfRefused = APIError(.forbidden, "csrf", "this form is missing its security token or it is wrong; reload the page and try again")

    /// Session forms: the token must be the session's.
    func checkCSRF(session: SessionStore.Session) throws {
        guard SessionStore.csrfMatches(fields[PageLabels.csrfField], session.csrf) else { throw Self.csrfRefused }
    }

    /// Forms before sign-in (double submit): the token must equal the form cookie the page set.
    func checkCSRF(cookie request: Request) throws {
        guard SessionStore.csrfMatches(fields[PageLabels.csrfField], request.cookies[PageLabels.formCookie]?.value) else { throw Self.csrfRefused }
    }
}

extension PageSite {
    /// The cookie of `name` for this site: HttpOnly, SameSite=Strict, path /, Secure behind TLS.
    func cookie(_ name: String, _ value: String, maxAge: Int? = nil) -> Cookie {
        Cookie(name: name, value: value, maxAge: maxAge, path: "/", secure: secureCookies, httpOnly: true, sameSite: .strict)
    }

    /// The double-submit token of a form shown before sign-in: the one in the request's cookie, or a new one to set.
    func formToken(_ request: Request) -> (token: String, isNew: Bool) {
        if let existing = request.cookies[PageLabels.formCookie]?.value, existing.utf8.count == 43 { return (existing, false) }
        return (SessionStore.randomToken(), true)
    }
}
