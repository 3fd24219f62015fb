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

    /// A store over a migrated database (see `NodeDatabase.open`) and the ledger that signs with the node key.
    public init(writer: any DatabaseWriter, ledger: SQLiteLedgerStore) {
        self.writer = writer
        self.ledger = ledger
    }

    public func read<T>(_ body: (any VaultReading) throws -> T) throws -> T {
        try writer.read { db in try body(SQLiteVaultTransaction(db: db, ledger: ledger)) }
    }

    public func write<T>(_ body: (any VaultWriting) throws -> T) throws -> T {
        try writer.write { db in try body(SQLiteVaultTransaction(db: db, ledger: ledger)) }
    }
}
