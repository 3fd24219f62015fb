import Foundation
import VaultCore
import VaultCrypto
import VaultSQLite

/// A real node (SQLite file, signed ledger, vault) in a temporary directory, with the standard tiers and the
/// citizen schema registered, for tests.
struct VaultFixture {
    let directory: URL
    let keys: NodeKeys
    let storage: NodeStorage
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

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("cv-vault-\(UUID().uuidString)")
        keys = NodeKeys.generate(name: "test.node/vault")
        storage = try NodeStorage.open(dataDirectory: directory.path, keys: keys)
        try storage.vault.createStandardTiersIfNeeded(by: officer)
        try storage.vault.registerSchema(json: Data(Self.citizenSchema.utf8), by: officer)
    }

    /// Reopens the same data directory (as after a restart).
    func reopened() throws -> NodeStorage { try NodeStorage.open(dataDirectory: directory.path, keys: keys) }

    func input(_ id: String, name: String = "Mari Maasikas", born: String = "1980-01-01", income: Int64 = 21000) -> [String: JSONValue] {
        ["national_id": .string(id), "full_name": .string(name), "birth_date": .string(born), "district": .string("north"), "income": .integer(income)]
    }

    func cleanUp() { try? FileManager.default.removeItem(at: directory) }
}
