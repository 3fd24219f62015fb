import Foundation
import Hummingbird
import Testing
import VaultSQLite
import VaultLedger
import VaultCore
@testable import VaultServer

/// docs/openapi.yaml describes exactly the API routes the router serves (the pages for people, HTML behind session
/// cookies, are listed in README.md instead and tested by PagesSecurityTests and the browser tests).
@Suite struct OpenAPITests {
    @Test func everyRouteIsDocumentedAndEveryDocumentedRouteExists() async throws {
        let f = try await ServerFixture()
        defer { f.cleanUp() }
        let sys = Router(context: VaultRequestContext.self)
        await SysController(gate: SealGate(unsealed: f.state)).addRoutes(to: sys)
        let all = await Set((buildRouter(f.state).routes + sys.routes).map { "\($0.method.rawValue) \(Self.normalize("\($0.path)"))" })
        let served = all.filter { route in ["/v1/", "/health", "/ready", "/metrics"].contains { route.split(separator: " ")[1].hasPrefix($0) } }
        let pages = all.subtracting(served)
        #expect(pages.contains("GET /citizen") && pages.contains("POST /signin") && pages.count == 20, "\(pages.sorted())")
        let yaml = try String(contentsOf: ServerFixture.repo.appendingPathComponent("docs/openapi.yaml"), encoding: .utf8)
        var documented = Set<String>()
        var path: String?
        for line in yaml.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("  /"), line.hasSuffix(":") { path = String(line.dropFirst(2).dropLast()) }
            else if !line.hasPrefix("  ") { path = nil }
            else if let path, let method = ["get", "post", "put", "delete", "patch"].first(where: { line == "    \($0):" }) {
                documented.insert("\(method.uppercased()) \(path)")
            }
        }
        #expect(served.count >= 20)
        #expect(served.subtracting(documented).isEmpty, "not documented: \(served.subtracting(documented).sorted())")
        #expect(documented.subtracting(served).isEmpty, "documented but not served: \(documented.subtracting(served).sorted())")
    }

    /// "/v1/records/:id" or "v1/records/{id}" -> "/v1/records/{id}".
    static func normalize(_ path: String) -> String {
        let parts = path.split(separator: "/").map { $0.hasPrefix(":") ? "{\($0.dropFirst())}" : String($0) }
        return "/" + parts.joined(separator: "/")
    }
}
