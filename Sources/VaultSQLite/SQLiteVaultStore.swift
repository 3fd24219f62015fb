import Foundation
import GRDB
import VaultCore
import VaultLedger

/// The vault's storage in SQLite: records, keys, members and the ledger share one database, so a record and its
/// ledger entry commit in one transaction (WAL, synchronous=FULL: durable when `write` returns).
public final class SQLiteVaultStore: VaultStore, Sendable {
    /// The database.
    public let writer: any DatabaseWriter
    /// The ledger in the same database.
    public let ledger: SQLiteLedgerStore
    let schemaCache = SchemaCache()

    /// A store over a migrated database (see `NodeDatabase.open`) and the ledger that signs with the node key.
    public init(writer: any DatabaseWriter, ledger: SQLiteLedgerStore) {
        self.writer = writer
        self.ledger = ledger
    }

    /// Runs `body` in a read transaction on one of GRDB's reader queues (beside the writer, on a `DatabasePool`).
    public func read<T>(_ body: (any VaultReading) throws -> T) async throws -> T {
        try await TransactionHop.run(body) { [writer, ledger, schemaCache] work in
            try await writer.read { db in
                try work(SQLiteVaultTransaction(db: db, ledger: ledger, schemaCache: schemaCache))
            }
        }
    }

    /// Runs `body` in the write transaction on GRDB's writer queue; durable when this returns.
    public func write<T>(_ body: (any VaultWriting) throws -> T) async throws -> T {
        do {
            return try await TransactionHop.run(body) { [writer, ledger, schemaCache] work in
                try await writer.write { db in
                    try work(SQLiteVaultTransaction(db: db, ledger: ledger, schemaCache: schemaCache))
                }
            }
        } catch {
            // Subtrees read in the transaction may have covered its own entries, which are not there now.
            ledger.cache.removeAll()
            throw error
        }
    }
}

/// Decoded schemas keyed by their stored JSON bytes: a schema is decoded once, not on every record write, and a
/// changed row (other bytes) is decoded afresh, so the cache can never serve stale content.
final class SchemaCache: @unchecked Sendable {
    private let lock = NSLock()
    private var decoded: [Data: RecordSchema] = [:]

    func schema(decoding json: Data) throws -> RecordSchema {
        if let hit = lock.withLock({ decoded[json] }) { return hit }
        let schema: RecordSchema
        do { schema = try JSONDecoder().decode(RecordSchema.self, from: json) } catch { throw VaultError.corrupt("stored schema") }
        lock.withLock {
            if decoded.count > 256 { decoded.removeAll() }
            decoded[json] = schema
        }
        return schema
    }
}
