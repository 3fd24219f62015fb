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

    public func read<T>(_ body: (any VaultReading) throws -> T) throws -> T {
        try pool.read { try body(PostgresVaultTransaction(session: $0, ledger: ledger)) }
    }

    public func write<T>(_ body: (any VaultWriting) throws -> T) throws -> T {
        try pool.write { try body(PostgresVaultTransaction(session: $0, ledger: ledger)) }
    }
}
