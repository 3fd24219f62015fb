import Foundation
import VaultCore
import VaultCrypto
import VaultSQLite

/// A throw-away node for the benchmarks: fresh keys, the standard tiers, a schema and (optionally) a policy, in
/// a data directory of its own. Nothing here is used outside `civicvault-bench`.
struct BenchNode {
    let storage: NodeStorage
    let dataDirectory: String
    static let operatorCaller = Caller.operatorCLI(id: "bench-operator")

    init(dataDirectory: String, schemas: [Data], policy: Data? = nil) async throws {
        self.dataDirectory = dataDirectory
        storage = try NodeStorage.open(dataDirectory: dataDirectory, keys: .generate(name: "bench.civicvault/node"))
        try await storage.vault.createStandardTiersIfNeeded(by: Self.operatorCaller)
        for schema in schemas { try await storage.vault.registerSchema(json: schema, by: Self.operatorCaller) }
        if let policy { try await storage.vault.installPolicy(try Policy.parse(policy), by: Self.operatorCaller) }
    }

    var vault: Vault { storage.vault }

    /// A record of ten fields over all four tiers, four of them attestable (date, enum, two integers).
    static let tenFieldSchema = Data("""
        {"type": "bench_citizen", "version": 1, "fields": [
          {"name": "national_id", "type": "string", "tier": "restricted", "required": true},
          {"name": "full_name", "type": "string", "tier": "confidential", "required": true},
          {"name": "birth_date", "type": "date", "tier": "confidential", "attestable": true, "required": true},
          {"name": "district", "type": "enum", "tier": "internal", "attestable": true,
           "values": ["central", "north", "south", "east", "west", "harbour", "old-town", "airport"]},
          {"name": "income", "type": "integer", "tier": "restricted", "attestable": true},
          {"name": "email", "type": "string", "tier": "internal"},
          {"name": "phone", "type": "string", "tier": "internal"},
          {"name": "address", "type": "string", "tier": "confidential"},
          {"name": "household_size", "type": "integer", "tier": "internal", "attestable": true},
          {"name": "benefit_status", "type": "enum", "tier": "public", "values": ["none", "pending", "active"]}
        ]}
        """.utf8)

    /// Counts of what one ten-field record costs in libsodium calls (see `BenchRecordsCommand.floor`).
    static let tenFieldTiers = 4, tenFieldFields = 10, tenFieldAttestable = 4

    /// The values of the i-th ten-field record.
    static func tenFieldValues(_ i: Int) -> (nationalID: String, values: [String: JSONValue]) {
        let id = String(format: "B%010d", i)
        let districts = ["central", "north", "south", "east", "west", "harbour", "old-town", "airport"]
        return (id, [
            "national_id": .string(id), "full_name": .string("Bench Citizen \(i)"),
            "birth_date": .string(String(format: "19%02d-%02d-%02d", 40 + i % 60, 1 + i % 12, 1 + i % 28)),
            "district": .string(districts[i % districts.count]), "income": .integer(Int64(12_000 + (i * 7_919) % 90_000)),
            "email": .string("citizen\(i)@example.org"), "phone": .string(String(format: "+372 5%07d", i % 10_000_000)),
            "address": .string("\(1 + i % 200) Harbour Street, Flat \(i % 40)"), "household_size": .integer(Int64(1 + i % 6)),
            "benefit_status": .string(["none", "pending", "active"][i % 3]),
        ])
    }

    /// A department clerk who may write every tier.
    static let clerk = Caller(id: "bench-clerk", role: .department, clearance: "restricted")
}
