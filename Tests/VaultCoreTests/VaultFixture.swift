import Foundation
import VaultCore
import VaultCrypto
import VaultNode
import VaultSQLite
import VaultTestSupport

/// A real node (signed ledger and vault) on a fresh store of `backend` (a SQLite file in a temporary directory,
/// or a PostgreSQL database of its own), with the standard tiers and the citizen schema registered, for tests.
struct VaultFixture {
    let test: TestStore
    var keys: NodeKeys { test.keys }
    var storage: NodeStore { test.store }
    var vault: Vault { storage.vault }
    let officer = Caller.operatorCLI(id: "officer-1")

    static let citizenSchema = """
        {"type": "citizen", "version": 1, "fields": [
          {"name": "national_id", "type": "string", "tier": "restricted", "required": true},
          {"name": "full_name", "type": "string", "tier": "confidential", "required": true},
          {"name": "birth_date", "type": "date", "tier": "confidential", "attestable": true, "required": true},
          {"name": "district", "type": "enum", "tier": "internal", "attestable": true, "values": ["north", "south", "east"]},
          {"name": "income", "type": "integer", "tier": "restricted", "attestable": true}
        ]}
        """

    init(_ backend: StorageBackend = .sqlite) async throws {
        test = try TestStore(backend, keys: NodeKeys.generate(name: "test.node/vault"))
        try await test.vault.createStandardTiersIfNeeded(by: officer)
        try await test.vault.registerSchema(json: Data(Self.citizenSchema.utf8), by: officer)
    }

    /// The SQLite data directory (SQLite fixtures only).
    var directory: URL { URL(fileURLWithPath: test.location) }

    func input(_ id: String, name: String = "Mari Maasikas", born: String = "1980-01-01", income: Int64 = 21000) -> [String: JSONValue] {
        ["national_id": .string(id), "full_name": .string(name), "birth_date": .string(born), "district": .string("north"), "income": .integer(income)]
    }

    func cleanUp() { test.cleanUp() }
}
