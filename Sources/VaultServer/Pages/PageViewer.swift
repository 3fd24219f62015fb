import Foundation
import Hummingbird
import VaultCore
import VaultCrypto
import VaultLedger
import VaultNode
import VaultPages

/// The signed-in person behind a page request: the session (by its cookie) and the grant of the token it acts with,
/// resolved again now, so a revoked or expired token ends the session at once.
struct PageViewer {
    let sessionID: String
    let session: SessionStore.Session
    let grant: TokenRegistry.Grant

    var caller: Caller { grant.caller }

    /// The viewer of `request`, or nil when not signed in (an unknown, expired or revoked session is ended).
    static func of(_ request: Request, _ state: ServiceState) async -> PageViewer? {
        guard let id = request.cookies[PageLabels.sessionCookie]?.value, let session = state.pages.sessions.session(id) else { return nil }
        let tokens = state.tokens
        guard let grant = try? await BlockingCallCheck.offload({ try tokens.resolve(session.token) }), !grant.signInLink, grant.role == session.role else {
            state.pages.sessions.end(id)
            return nil
        }
        return PageViewer(sessionID: id, session: session, grant: grant)
    }

    /// The viewer, who must have one of `roles`: 401 when nobody is signed in, 403 for another role.
    static func require(_ request: Request, _ state: ServiceState, _ roles: Set<Role>, page: String) async throws -> PageViewer {
        guard let viewer = await of(request, state) else {
            throw APIError(.unauthorized, "unauthorized", "The \(page) page needs you to sign in.")
        }
        guard roles.contains(viewer.grant.role) else {
            throw APIError(.forbidden, "forbidden", "The \(page) page is not for a \(viewer.grant.role.rawValue); you are signed in as \(viewer.grant.actor).")
        }
        return viewer
    }

    /// The layout's view of this viewer on a page, with the flash of the last form (shown once).
    func chrome(_ state: ServiceState, title: String, current: String, scripts: [String] = []) async -> PageChrome {
        PageChrome(
            title: title, current: current, scripts: scripts, actor: grant.actor, role: grant.role.rawValue, csrf: session.csrf,
            flash: state.pages.sessions.takeFlash(sessionID))
    }
}

extension ServiceState {
    /// Renders page `name` or, without templates, 503.
    func render(_ name: String, _ values: [String: Any], chrome: PageChrome, status: HTTPResponse.Status = .ok) -> Response {
        guard let templates = pages.templates else { return PageResponse.unavailable(pages) }
        return PageResponse.html(templates.page(name, values, chrome: chrome), status: status)
    }

    /// The chrome for a page request: the viewer's, or an anonymous one.
    func chrome(_ request: Request, title: String, current: String, scripts: [String] = []) async -> PageChrome {
        await PageViewer.of(request, self)?.chrome(self, title: title, current: current, scripts: scripts)
            ?? PageChrome(title: title, current: current, scripts: scripts)
    }
}
