import Foundation
import VaultCore
import VaultLedger

/// The vault's storage in the shared PostgreSQL database: records, keys, members and the ledger in one
/// database, so a record and its ledger entry commit in one transaction; durable when `write` returns.
public final class PostgresVaultStore: VaultStore, Sendable {
    let pool: PostgresPool
    /// The ledger in the same database.
    public let ledger: PostgresLedgerStore

    public init(pool: PostgresPool, ledger: PostgresLedgerStore) {
        self.pool = pool
        self.ledger = ledger
    }

    /// Runs `body` in a read-only snapshot transaction on a thread of the pool's blocking pool.
    public func read<T>(_ body: (any VaultReading) throws -> T) async throws -> T {
        try await TransactionHop.run(body) { [pool, ledger] work in
            try await pool.blocking { try pool.read { try work(PostgresVaultTransaction(session: $0, ledger: ledger)) } }
        }
    }

    /// Runs `body` in a write transaction holding the writer lock, on a thread of the pool's blocking pool; durable
    /// when this returns.
    public func write<T>(_ body: (any VaultWriting) throws -> T) async throws -> T {
        do {
            return try await TransactionHop.run(body) { [pool, ledger] work in
                try await pool.blocking { try pool.write { try work(PostgresVaultTransaction(session: $0, ledger: ledger)) } }
            }
        } catch {
            // Subtrees read in the transaction may have covered its own entries, which are not there now.
            ledger.cache.removeAll()
            throw error
        }
    }
}
