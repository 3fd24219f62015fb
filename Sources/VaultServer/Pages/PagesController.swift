import Foundation
import Hummingbird
import VaultCore
import VaultCrypto
import VaultLedger
import VaultNode
import VaultPages

/// The pages for people, server-rendered: `/` (ledger explorer), `/entries/{index}`, `/verify`, `/signin`,
/// `/signin/link`, `/signout`, `/citizen` and `/officer` with their forms, and `/static/{file}`. Pages call the same
/// vault operations as the JSON API with the session's caller, so they show no more than that role may read.
struct PagesController {
    let state: ServiceState

    func addRoutes(to group: RouterGroup<VaultRequestContext>) {
        group.get("/") { request, _ in try await explorer(request) }
        group.get("entries/{index}") { request, context in try await entry(request, context) }
        group.get("static/{file}") { request, context in try asset(request, context) }
        group.get("verify") { request, _ in await verifyForm(request) }
        group.post("verify") { request, _ in try await verify(request) }
        group.get("signin") { request, _ in await signInForm(request) }
        group.post("signin") { request, _ in try await signIn(request) }
        group.get("signin/link") { request, _ in await signInLinkForm(request) }
        group.post("signin/link") { request, _ in try await signInWithLink(request) }
        group.post("signout") { request, _ in try await signOut(request) }
        addCitizenRoutes(to: group)
        addOfficerRoutes(to: group)
    }

    // MARK: static files

    func asset(_ request: Request, _ context: VaultRequestContext) throws -> Response {
        let name = try context.parameters.require("file")
        guard let asset = state.pages.assets?.files[name] else { throw APIError(.notFound, "not_found", "no such file") }
        var headers = HTTPFields()
        headers[.contentType] = asset.contentType
        headers[.eTag] = asset.etag
        if request.headers[.ifNoneMatch] == asset.etag { return Response(status: .notModified, headers: headers) }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: asset.bytes)))
    }

    // MARK: sign-in

    /// Renders a form shown before sign-in with its double-submit token, setting the cookie when it is new.
    func formPage(_ request: Request, _ name: String, _ values: [String: Any], title: String, current: String, scripts: [String], status: HTTPResponse.Status = .ok) async -> Response {
        let (token, isNew) = state.pages.formToken(request)
        var values = values
        values["csrf"] = token
        var response = await state.render(name, values, chrome: state.chrome(request, title: title, current: current, scripts: scripts), status: status)
        if isNew { response.setCookie(state.pages.cookie(PageLabels.formCookie, token)) }
        return response
    }

    func signInForm(_ request: Request) async -> Response {
        await formPage(request, "signin", [:], title: "Sign in", current: "signin", scripts: [])
    }

    func signInLinkForm(_ request: Request) async -> Response {
        await formPage(request, "signin-link", [:], title: "Signing in", current: "signin", scripts: ["signin-link.js"])
    }

    /// Starts a session acting with `token` (role `role`) and sends the browser to its role's page.
    func startSession(token: String, role: Role) -> Response {
        let id = state.pages.sessions.create(token: token, role: role)
        var response = PageResponse.redirect(Self.home(of: role))
        response.setCookie(state.pages.cookie(PageLabels.sessionCookie, id))
        return response
    }

    static func home(of role: Role) -> String {
        switch role {
        case .citizen: return "/citizen"
        case .officer: return "/officer"
        case .requester: return "/verify"
        default: return "/"
        }
    }

    func signIn(_ request: Request) async throws -> Response {
        let form = try await PageForm.read(request, allowed: [PageLabels.csrfField, "token"], maxBytes: 4096)
        try form.checkCSRF(cookie: request)
        let text = form.value("token") ?? ""
        let grant: TokenRegistry.Grant
        do { grant = try await BlockingCallCheck.offload({ try state.tokens.resolve(text) }) } catch {
            throw APIError(.unauthorized, "unauthorized", "That token is not valid (unknown, revoked or expired).")
        }
        guard !grant.signInLink else { throw APIError(.badRequest, "sign_in_link", "That is a sign-in link's code: open the whole link instead.") }
        return startSession(token: text, role: grant.role)
    }

    /// A one-time link: the link's token is consumed on the ledger (a second use fails on every node) and the session
    /// gets a token of its own, of the same grant, that lives as long as a session can.
    func signInWithLink(_ request: Request) async throws -> Response {
        let form = try await PageForm.read(request, allowed: [PageLabels.csrfField, "link"], maxBytes: 4096)
        try form.checkCSRF(cookie: request)
        let refused = APIError(.unauthorized, "unauthorized", "This sign-in link is not valid: it was used already, has expired or is unknown. Ask for a new one.")
        guard let text = form.value("link"), let grant = try? await BlockingCallCheck.offload({ try state.tokens.resolve(text) }), grant.signInLink else { throw refused }
        do { try await state.vault.consumeOwnToken(by: grant.caller) } catch VaultError.credentialRevoked { throw refused }
        let session = try await BlockingCallCheck.offload { try state.tokens.issue(
            role: grant.role, actor: grant.actor, clearance: grant.clearance, citizen: grant.citizen, lifetimeMs: PageLabels.absoluteTimeoutMs) }
        return startSession(token: session.text, role: grant.role)
    }

    func signOut(_ request: Request) async throws -> Response {
        let form = try await PageForm.read(request, allowed: [PageLabels.csrfField], maxBytes: 1024)
        guard let viewer = await PageViewer.of(request, state) else { throw PageForm.csrfRefused }
        try form.checkCSRF(session: viewer.session)
        state.pages.sessions.end(viewer.sessionID)
        var response = PageResponse.redirect("/")
        response.setCookie(state.pages.cookie(PageLabels.sessionCookie, "", maxAge: 0))
        return response
    }

    /// Runs a session form: the viewer of `roles` (403 otherwise), its CSRF token checked before anything is done;
    /// the action's one-line outcome is flashed and the browser goes back to `page`.
    func sessionForm(
        _ request: Request, roles: Set<Role>, page: String, fields: Set<String>, _ action: (PageViewer, PageForm) async throws -> String
    ) async throws -> Response {
        let form = try await PageForm.read(request, allowed: fields.union([PageLabels.csrfField]), maxBytes: state.configuration.maxBodyBytes)
        guard let viewer = await PageViewer.of(request, state) else { throw PageForm.csrfRefused }
        try form.checkCSRF(session: viewer.session)
        guard roles.contains(viewer.grant.role) else {
            throw APIError(.forbidden, "forbidden", "This form is not for a \(viewer.grant.role.rawValue).")
        }
        let outcome: String
        do { outcome = try await action(viewer, form) } catch {
            let api = APIError.from(error)
            guard api.status.code < 500 else { throw error }
            outcome = "Not done: \(api.message)"
        }
        state.pages.sessions.flash(viewer.sessionID, outcome)
        return PageResponse.redirect(page)
    }
}
