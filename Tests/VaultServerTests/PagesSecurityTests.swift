import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import VaultCore
import VaultNode
import VaultPages
@testable import VaultServer

/// A browser, as far as the pages' security goes: cookies kept by name, the CSRF token read off the page's form.
struct PageBrowser {
    var cookies: [String: String] = [:]

    var cookieHeader: String { cookies.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "; ") }

    mutating func keep(_ response: TestResponse) {
        for line in response.headers[values: .setCookie] {
            guard let pair = line.split(separator: ";").first, let eq = pair.firstIndex(of: "=") else { continue }
            let name = String(pair[..<eq]), value = String(pair[pair.index(after: eq)...])
            if value.isEmpty || line.contains("Max-Age=0") { cookies[name] = nil } else { cookies[name] = value }
        }
    }

    mutating func get(_ client: some TestClientProtocol, _ uri: String) async throws -> TestResponse {
        var headers = HTTPFields()
        if !cookies.isEmpty { headers[.cookie] = cookieHeader }
        let response = try await client.execute(uri: uri, method: .get, headers: headers, body: nil)
        keep(response)
        return response
    }

    mutating func post(_ client: some TestClientProtocol, _ uri: String, _ fields: [(String, String)]) async throws -> TestResponse {
        var headers = HTTPFields()
        if !cookies.isEmpty { headers[.cookie] = cookieHeader }
        headers[.contentType] = "application/x-www-form-urlencoded"
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
        let body = fields.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed)!)" }.joined(separator: "&")
        let response = try await client.execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(string: body))
        keep(response)
        return response
    }

    /// The value of the first `name="csrf"` hidden field of a page.
    static func csrf(_ page: TestResponse) -> String? {
        let html = page.text
        guard let range = html.range(of: #"name="csrf" value=""#) else { return nil }
        return String(html[range.upperBound...].prefix { $0 != "\"" })
    }

    /// Signs in with a pasted token; returns the answer (303 on success).
    mutating func signIn(_ client: some TestClientProtocol, token: String) async throws -> TestResponse {
        let form = try await get(client, "/signin")
        return try await post(client, "/signin", [("csrf", Self.csrf(form) ?? ""), ("token", token)])
    }
}

/// The pages' security: a strict CSP on every page, CSRF tokens on every form (403 when missing or wrong), sessions
/// that a role cannot use to open another role's page, one-time sign-in links, and no plaintext or secret in pages
/// beyond what the role may read.
@Suite struct PagesSecurityTests {
    static let pages = ["/", "/verify", "/signin", "/signin/link", "/entries/0", "/static/pages.css", "/static/ledger.js", "/citizen", "/officer", "/nope-not-a-page"]

    @Test func everyPageCarriesTheStrictCSPAndNoInlineScriptOrStyle() async throws {
        let f = try await ServerFixture()
        defer { f.cleanUp() }
        try await f.app.test(.router) { client in
            _ = try await client.call(.post, "/v1/records", token: f.tokens["registrar"], body: ServerFixture.citizenBody)
            for role in ["citizen", "officer", "requester", nil] as [String?] {
                var browser = PageBrowser()
                if let role { #expect(try await browser.signIn(client, token: f.tokens[role]!).status == .seeOther) }
                for page in Self.pages where page != "/nope-not-a-page" {
                    let response = try await browser.get(client, page)
                    #expect(response.headers[.contentSecurityPolicy] == PageLabels.contentSecurityPolicy, "\(page) as \(role ?? "nobody")")
                    #expect(response.headers[.xContentTypeOptions] == "nosniff")
                    #expect(response.headers[.init("X-Frame-Options")!] == "DENY")
                    if response.headers[.contentType]?.hasPrefix("text/html") == true {
                        let html = response.text
                        #expect(!html.contains("<script>") && !html.contains("<style") && !html.contains(" style=") && !html.contains("javascript:"), "\(page)")
                        #expect(!["onclick=", "onload=", "onsubmit=", "onerror="].contains { html.contains($0) }, "\(page)")
                    }
                }
            }
            // A form refused (403) is a page too.
            var browser = PageBrowser()
            let refused = try await browser.post(client, "/signin", [("csrf", "x"), ("token", "y")])
            #expect(refused.status == .forbidden && refused.headers[.contentSecurityPolicy] == PageLabels.contentSecurityPolicy)
        }
    }

    @Test func requestersAndDepartmentsCannotOpenCitizenOrOfficerPages() async throws {
        let f = try await ServerFixture()
        defer { f.cleanUp() }
        try await f.app.test(.router) { client in
            for role in ["requester", "department", "auditor", "citizen", "officer"] {
                var browser = PageBrowser()
                #expect(try await browser.signIn(client, token: f.tokens[role]!).status == .seeOther)
                let citizen = try await browser.get(client, "/citizen")
                let trail = try await browser.get(client, "/citizen/trail")
                let officer = try await browser.get(client, "/officer")
                #expect(citizen.status == (role == "citizen" ? .ok : .forbidden), "\(role) /citizen")
                #expect(trail.status == (role == "citizen" ? .ok : .forbidden), "\(role) /citizen/trail")
                #expect(officer.status == (role == "officer" ? .ok : .forbidden), "\(role) /officer")
                // Their forms too, even with the session's own CSRF token.
                // The layout's sign-out form comes first on every page: it carries the session's own CSRF token.
                let own = try #require(PageBrowser.csrf(try await browser.get(client, "/")))
                if role != "officer" {
                    #expect(try await browser.post(client, "/officer/tiers/internal/rotate", [("csrf", own)]).status == .forbidden, "\(role) rotate")
                }
                if role != "citizen" {
                    #expect(try await browser.post(client, "/citizen/requests/c-x", [("csrf", own), ("decision", "approve")]).status == .forbidden, "\(role) consent")
                }
            }
            // Nobody signed in: the pages send the browser to sign in; the trail answers 401.
            var anonymous = PageBrowser()
            #expect(try await anonymous.get(client, "/citizen").status == .seeOther)
            #expect(try await anonymous.get(client, "/officer").status == .seeOther)
            #expect(try await anonymous.get(client, "/citizen/trail").status == .unauthorized)
        }
        await #expect(try f.state.vault.tiers().allSatisfy { $0.currentVersion == 1 })
    }

    @Test func formsWithoutTheRightCSRFTokenAre403AndDoNothing() async throws {
        let f = try await ServerFixture()
        defer { f.cleanUp() }
        try await f.app.test(.router) { client in
            // Before sign-in (double submit): no cookie, no field, a wrong field.
            var fresh = PageBrowser()
            #expect(try await fresh.post(client, "/signin", [("token", f.tokens["citizen"]!)]).status == .forbidden)
            let form = try await fresh.get(client, "/signin")
            let token = try #require(PageBrowser.csrf(form))
            #expect(fresh.cookies[PageLabels.formCookie] == token)
            #expect(try await fresh.post(client, "/signin", [("token", f.tokens["citizen"]!)]).status == .forbidden)
            #expect(try await fresh.post(client, "/signin", [("csrf", (token.first == "A" ? "B" : "A") + token.dropFirst()), ("token", f.tokens["citizen"]!)]).status == .forbidden)
            #expect(try await fresh.post(client, "/verify", [("bundle", "{}"), ("no_replay_check", "1")]).status == .forbidden)
            #expect(fresh.cookies[PageLabels.sessionCookie] == nil)

            // A session's forms: the officer's rotation and approval, the citizen's consent, sign-out.
            var officer = PageBrowser()
            _ = try await officer.signIn(client, token: f.tokens["officer"]!)
            let console = try await officer.get(client, "/officer")
            let csrf = try #require(PageBrowser.csrf(console))
            for bad in [nil, "", "wrong", String(csrf.reversed())] as [String?] {
                let fields = bad.map { [("csrf", $0)] } ?? []
                #expect(try await officer.post(client, "/officer/tiers/internal/rotate", fields).status == .forbidden)
                #expect(try await officer.post(client, "/officer/rotations/resume", fields).status == .forbidden)
                #expect(try await officer.post(client, "/officer/grants", fields + [("member", "evil-1"), ("role", "officer")]).status == .forbidden)
                #expect(try await officer.post(client, "/officer/audit", fields).status == .forbidden)
                #expect(try await officer.post(client, "/signout", fields).status == .forbidden)
            }
            await #expect(try f.state.vault.member(id: "evil-1") == nil)
            await #expect(try f.state.vault.tiers().first { $0.name == "internal" }?.currentVersion == 1)
            // Another session's token is wrong too.
            var other = PageBrowser()
            _ = try await other.signIn(client, token: f.tokens["officer"]!)
            #expect(try await other.post(client, "/officer/tiers/internal/rotate", [("csrf", csrf)]).status == .forbidden)
            // The right one works.
            #expect(try await officer.post(client, "/officer/tiers/internal/rotate", [("csrf", csrf)]).status == .seeOther)
            await #expect(try f.state.vault.tiers().first { $0.name == "internal" }?.currentVersion == 2)
            #expect(try await officer.get(client, "/officer").text.contains("Rotated internal to key version 2"))
        }
    }

    @Test func aSignInLinkWorksOnceAndIsNoBearerToken() async throws {
        let f = try await ServerFixture()
        defer { f.cleanUp() }
        let link = try f.state.tokens.issue(
            role: .citizen, actor: "citizen-1", citizen: try f.state.vault.pseudonym(of: "38001010000"), lifetimeMs: 3_600_000, signInLink: true).text
        #expect(link.hasPrefix("cvl_"))
        try await f.app.test(.router) { client in
            #expect(try await client.call(.get, "/v1/citizens/me/access-log", token: link).status == .unauthorized)
            var browser = PageBrowser()
            // Pasted as a token it is refused: it is a link's code.
            let pasted = try await browser.signIn(client, token: link)
            #expect(pasted.status == .badRequest)
            let page = try await browser.get(client, "/signin/link")
            let csrf = try #require(PageBrowser.csrf(page))
            let first = try await browser.post(client, "/signin/link", [("csrf", csrf), ("link", link)])
            #expect(first.status == .seeOther && first.headers[.location] == "/citizen")
            let cookie = try #require(first.headers[values: .setCookie].first { $0.hasPrefix(PageLabels.sessionCookie + "=") })
            #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && !cookie.contains("Secure"))
            #expect(try await browser.get(client, "/citizen").status == .ok)
            var second = PageBrowser()
            let again = try #require(PageBrowser.csrf(try await second.get(client, "/signin/link")))
            #expect(try await second.post(client, "/signin/link", [("csrf", again), ("link", link)]).status == .unauthorized)
            #expect(second.cookies[PageLabels.sessionCookie] == nil)
            // Signing out ends the session on the node.
            let csrfSession = try #require(PageBrowser.csrf(try await browser.get(client, "/citizen")))
            let session = browser.cookies[PageLabels.sessionCookie]
            #expect(try await browser.post(client, "/signout", [("csrf", csrfSession)]).status == .seeOther)
            browser.cookies[PageLabels.sessionCookie] = session
            #expect(try await browser.get(client, "/citizen").status == .seeOther)
        }
    }

    @Test func pagesShowNoPlaintextOrSecretBeyondTheRole() async throws {
        let f = try await ServerFixture()
        defer { f.cleanUp() }
        let other = #"{"type":"citizen","national_id":"49002020000","values":{"national_id":"49002020000","full_name":"Jaan Tamm","birth_date":"1990-02-02","district":"harbour","income":55000}}"#
        try await f.app.test(.router) { client in
            let mine = try #require(try await client.call(.post, "/v1/records", token: f.tokens["registrar"], body: ServerFixture.citizenBody).json["record"] as? String)
            let theirs = try #require(try await client.call(.post, "/v1/records", token: f.tokens["registrar"], body: other).json["record"] as? String)
            #expect(try await client.call(.get, "/v1/records/\(mine)?purpose=benefit-check", token: f.tokens["department"]).status == .ok)
            _ = try await client.call(.post, "/v1/attestations", token: f.tokens["landlord"], body: ApprovalRoutesTests.landlordBody(mine))
            let secrets = ["Mari Maasikas", "1980-01-01", "38001010000", "21000", "Jaan Tamm", "1990-02-02", "49002020000", "55000"]
                + f.tokens.values.map { String($0) }
            var seen: [String: String] = [:]
            for role in ["citizen", "officer", "requester", "department", nil] as [String?] {
                var browser = PageBrowser()
                if let role { _ = try await browser.signIn(client, token: f.tokens[role]!) }
                var pages = ["/", "/verify", "/signin", "/citizen", "/officer", "/citizen/trail"]
                let size = try f.state.storage.ledger.treeSize()
                pages += (0..<size).map { "/entries/\($0)" }
                for page in pages {
                    let text = try await browser.get(client, page).text
                    for secret in secrets { #expect(!text.contains(secret), "\(page) as \(role ?? "nobody") shows a secret") }
                    seen["\(role ?? "-") \(page)"] = text
                }
            }
            // The citizen sees their own record's events and not the other citizen's.
            let citizen = try #require(seen["citizen /citizen"])
            #expect(citizen.contains(mine) && !citizen.contains(theirs))
            #expect(citizen.contains("clerk-1 read"))
            // The officer's queue shows the landlord's request; the trail key goes only to the citizen.
            #expect(try #require(seen["officer /officer"]).contains("landlord-1"))
            #expect(try #require(seen["citizen /citizen/trail"]).contains("trail_key"))
            #expect(!(try #require(seen["officer /citizen/trail"])).contains("trail_key"))
        }
    }
}
