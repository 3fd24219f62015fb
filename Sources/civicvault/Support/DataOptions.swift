import ArgumentParser
import Foundation
import VaultLedger
import VaultPostgres
import VaultSQLite

/// Where the node's data is: `--data`, the directory of the embedded SQLite database (`<data>/civicvault.sqlite`),
/// or `--database` / `CIVICVAULT_DATABASE_URL`, a PostgreSQL database several nodes share. Used by every
/// command that opens the database.
struct DataOptions: ParsableArguments {
    @Option(name: .long, help: "Directory of the node's data (SQLite database civicvault.sqlite).")
    var data: String = ".civicvault/data"

    @Option(name: .long, help: ArgumentHelp(
        "PostgreSQL database shared by several nodes, postgres://user[:password]@host[:port]/database[?sslmode=verify-full&sslrootcert=<ca.pem>] (default: $CIVICVAULT_DATABASE_URL; without either, SQLite in --data).",
        valueName: "url"))
    var database: String?

    /// The database file.
    var databasePath: String { (data as NSString).appendingPathComponent("civicvault.sqlite") }

    /// Creates `--data` when missing and forces it to mode 0700 (whatever it was), so no other user can list or
    /// read the database; every command that opens it, `serve` included, calls this first.
    func secureDirectory() throws { try Self.secure(directory: data) }

    /// Creates `path` when missing and sets its mode to 0700.
    static func secure(directory path: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw CLIFailure("cannot create the data directory \(path): \(error.localizedDescription)", hint: "check --data and its permissions")
        }
        guard chmod(path, 0o700) == 0 else {
            throw CLIFailure("cannot make the data directory \(path) private (mode 0700): \(String(cString: strerror(errno)))", hint: "run as its owner, or `chmod 700 \(path)`")
        }
    }

    /// The PostgreSQL database, when one is configured (`--database`, else `CIVICVAULT_DATABASE_URL`).
    func postgresURL() throws -> PostgresURL? {
        guard let text = database ?? ProcessInfo.processInfo.environment["CIVICVAULT_DATABASE_URL"], !text.isEmpty else { return nil }
        do { return try PostgresURL(text) } catch { throw CLIFailure("bad database URL: \(error)", hint: "postgres://user@host:port/database") }
    }

    /// Opens the ledger for appends, creating the directory and database when missing.
    func openLedger(signer: LedgerSigner) throws -> any LedgerStore {
        if let url = try postgresURL() {
            do { return try PostgresLedgerStore.open(url: url, signer: signer) } catch { throw CLIFailure.from(error) }
        }
        try secureDirectory()
        do {
            return try SQLiteLedgerStore.open(path: databasePath, signer: signer)
        } catch {
            throw CLIFailure("cannot open the database \(databasePath): \(error)", hint: "check --data and its permissions")
        }
    }

    /// Runs `body` over a snapshot of an existing ledger; refuses when there is no database yet.
    func readLedger<T>(_ body: (any TiledLedgerReader) throws -> T) throws -> T {
        if let url = try postgresURL() {
            do { return try PostgresLedgerStore.read(url: url, body) } catch { throw CLIFailure.from(error) }
        }
        guard FileManager.default.fileExists(atPath: databasePath) else {
            throw CLIFailure("no database at \(databasePath)", hint: "check --data, or append entries first with `civicvault ledger append`")
        }
        try secureDirectory()
        do {
            return try SQLiteLedgerStore.read(path: databasePath, body)
        } catch {
            throw CLIFailure.from(error)
        }
    }
}
