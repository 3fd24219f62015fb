import Foundation
import VaultCrypto
import VaultLedger

extension Vault {
    /// Registers (or replaces with a higher version) the schema of a record type; a `schema.registered` entry
    /// carries the SHA-256 of its canonical JSON.
    @discardableResult
    public func registerSchema(json: Data, by caller: Caller) async throws -> RecordSchema {
        try await store.write { tx in
            try authorize(caller, [.officer], tx, action: "register schemas")
            guard let order = try tierLevels(tx).order else { throw VaultError.invalidSchema("create tiers first") }
            let schema = try RecordSchema.parse(json: json, tiers: order)
            if let old = try tx.schemas().first(where: { $0.type == schema.type }), old.version >= schema.version {
                guard old == schema else { throw VaultError.invalidSchema("schema \(schema.type) v\(old.version) exists; raise the version") }
                return old
            }
            try tx.saveSchema(schema)
            let digest = schema.ledgerHash
            _ = try tx.appendLedger(
                [try entry("schema.registered", caller, [
                    "type": .string(schema.type), "version": .u64(UInt64(schema.version)), "schema_hash": .bytes(digest),
                ])], citizens: [nil])
            return schema
        }
    }

    /// Every registered schema.
    public func schemas() async throws -> [RecordSchema] { try await store.read { try $0.schemas() } }
}
