import Foundation
import Hummingbird
import HummingbirdTesting
import VaultCore
import VaultNode
import VaultCrypto
import VaultSQLite
@testable import VaultServer

/// A real node in a temporary directory, the citizen schema and example policy installed, a token per role, and
/// the Hummingbird application over it (tested without a socket).
struct ServerFixture {
    let directory: URL
    let state: ServiceState
    /// The SQLite storage under `state`, for tests that look at the tables themselves.
    let sqlite: NodeStorage
    var tokens: [String: String] = [:]
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    init(maxBodyBytes: Int = 64 * 1024) async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("cv-server-\(UUID().uuidString)")
        let keys = NodeKeys.generate(name: "test.node/server")
        let storage = try NodeStorage.open(dataDirectory: directory.path, keys: keys)
        let officer = Caller.operatorCLI()
        try await storage.vault.createStandardTiersIfNeeded(by: officer)
        try await storage.vault.registerSchema(json: Data(contentsOf: Self.repo.appendingPathComponent("schemas/citizen.json")), by: officer)
        try await storage.vault.installPolicy(try Policy.parse(Data(contentsOf: Self.repo.appendingPathComponent("Keys/policy.example.json"))), by: officer)
        try await storage.vault.grant(memberID: "clerk-1", role: .department, clearance: "confidential", by: officer)
        try await storage.vault.grant(memberID: "officer-1", role: .officer, clearance: "restricted", by: officer)
        try await storage.vault.grant(memberID: "registrar-1", role: .department, clearance: "restricted", by: officer)
        sqlite = storage
        state = ServiceState(storage: storage.store, configuration: ServerConfiguration(maxBodyBytes: maxBodyBytes))
        let registry = state.tokens
        tokens["department"] = try registry.create(role: .department, actor: "clerk-1", clearance: "confidential")
        tokens["officer"] = try registry.create(role: .officer, actor: "officer-1", clearance: "restricted")
        // The department that registers citizens: their records hold restricted fields, which only it may write.
        tokens["registrar"] = try registry.create(role: .department, actor: "registrar-1", clearance: "restricted")
        tokens["requester"] = try registry.create(role: .requester, actor: "bank-1")
        tokens["landlord"] = try registry.create(role: .requester, actor: "landlord-1")
        tokens["auditor"] = try registry.create(role: .auditor, actor: "auditor-1")
        tokens["citizen"] = try registry.create(role: .citizen, actor: "citizen-1", citizen: try storage.vault.pseudonym(of: "38001010000"))
    }

    var app: some ApplicationProtocol { buildApplication(state) }

    func cleanUp() { try? FileManager.default.removeItem(at: directory) }

    static let citizenBody = #"{"type":"citizen","national_id":"38001010000","values":{"national_id":"38001010000","full_name":"Mari Maasikas","birth_date":"1980-01-01","district":"north","income":21000}}"#

    static func nonce() -> String { Base64.encode(RandomBytes.generate(32)) }
}

extension TestClientProtocol {
    /// Sends a request with an optional bearer token and JSON body.
    func call(_ method: HTTPRequest.Method, _ uri: String, token: String? = nil, body: String? = nil) async throws -> TestResponse {
        var headers = HTTPFields()
        if let token { headers[.authorization] = "Bearer \(token)" }
        if body != nil { headers[.contentType] = "application/json" }
        return try await execute(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) })
    }
}

extension TestResponse {
    /// The body as a JSON object.
    var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(body.readableBytesView))) as? [String: Any] ?? [:] }
    var text: String { String(buffer: body) }
}
