import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import VaultCore
import VaultNode
import VaultTestSupport
@testable import VaultServer

/// The shared database going away under a running node: every route answers 503 `storage_unavailable` as JSON
/// (not 500, not 401 for a token it could not look up), and the process stays up.
@Suite struct StorageOutageTests {
    @Test(.enabled(if: StorageBackend.postgresURL != nil, "needs CIVICVAULT_TEST_POSTGRES_URL"))
    func aDatabaseThatGoesAwayGives503() async throws {
        let test = try TestStore(.postgres)
        defer { test.cleanUp() }
        let officer = Caller.operatorCLI()
        try await test.vault.createStandardTiersIfNeeded(by: officer)
        try await test.vault.registerSchema(json: Data(contentsOf: ServerFixture.repo.appendingPathComponent("schemas/citizen.json")), by: officer)
        let state = ServiceState(storage: test.store, configuration: ServerConfiguration())
        let clerk = try state.tokens.create(role: .department, actor: "clerk-1", clearance: "restricted")
        try await buildApplication(state).test(.router) { client in
            #expect(try await client.call(.get, "/health").status == .ok)
            #expect(try await client.call(.post, "/v1/records", token: clerk, body: ServerFixture.citizenBody).status == .created)
            PostgresTestDatabase.drop(test.location)  // terminates the node's connections; reconnecting fails
            for (method, path, token) in [(HTTPRequest.Method.get, "/health", nil), (.get, "/v1/ledger/checkpoint", nil), (.post, "/v1/records", clerk)] {
                let answer = try await client.call(method, path, token: token, body: method == .post ? ServerFixture.citizenBody : nil)
                #expect(answer.status == .serviceUnavailable, "\(path)")
                #expect(answer.json["error"] as? String == "storage_unavailable", "\(path): \(answer.json)")
            }
        }
    }
}
