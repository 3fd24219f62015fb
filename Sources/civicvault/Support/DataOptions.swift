import ArgumentParser
import Foundation
import VaultLedger
import VaultSQLite

/// `--data`, the directory of the node's SQLite database (`<data>/civicvault.sqlite`), shared by every
/// command that opens the database.
struct DataOptions: ParsableArguments {
    @Option(name: .long, help: "Directory of the node's data (SQLite database civicvault.sqlite).")
    var data: String = ".civicvault/data"

    /// The database file.
    var databasePath: String { (data as NSString).appendingPathComponent("civicvault.sqlite") }

    /// Opens the ledger for appends, creating the directory and database when missing.
    func openLedger(signer: LedgerSigner) throws -> SQLiteLedgerStore {
        do {
            try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            return try SQLiteLedgerStore.open(path: databasePath, signer: signer)
        } catch {
            throw CLIFailure("cannot open the database \(databasePath): \(error)", hint: "check --data and its permissions")
        }
    }

    /// Runs `body` over a snapshot of an existing ledger; refuses when there is no database yet.
    func readLedger<T>(_ body: (SQLiteLedgerReader) throws -> T) throws -> T {
        guard FileManager.default.fileExists(atPath: databasePath) else {
            throw CLIFailure("no database at \(databasePath)", hint: "check --data, or append entries first with `civicvault ledger append`")
        }
        do {
            return try SQLiteLedgerStore.read(path: databasePath, body)
        } catch {
            throw CLIFailure.from(error)
        }
    }
}
