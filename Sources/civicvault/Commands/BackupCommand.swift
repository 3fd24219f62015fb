import ArgumentParser
import Foundation
import VaultCrypto
import VaultLedger
import VaultNode
import VaultPostgres
import VaultSQLite

/// `civicvault backup --out FILE`: an online, consistent snapshot of the node's database with the signed
/// checkpoint it covers, verified before it is written (docs/OPERATIONS.md, "Backups"). SQLite: SQLite's backup
/// API; PostgreSQL: `pg_dump --format=custom` (one repeatable-read snapshot). No key is read or written: the
/// file holds what the database holds; back the keys up with `civicvault keys export`.
struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "backup", abstract: "Write a verified snapshot of the node's database.")

    @OptionGroup var dataOptions: DataOptions
    @Option(help: "Directory holding node.pub (the verifier key the snapshot is checked with).") var keys: String = ".civicvault/keys"
    @Option(help: "The backup file to write (refused if it exists).") var out: String

    func run() async throws {
        guard !FileManager.default.fileExists(atPath: out) else {
            throw CLIFailure("\(out) exists already", hint: "choose a new file name; backups are never overwritten")
        }
        let key = try RestoreCommand.keyChain(keys: keys, given: nil)
        let archive: BackupArchive
        if let url = try dataOptions.postgresURL() {
            archive = try postgresBackup(url: url, key: key)
        } else {
            archive = try sqliteBackup(key: key)
        }
        let bytes = try archive.encoded()
        let fd = open(out, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else { throw CLIFailure("cannot create \(out): \(String(cString: strerror(errno)))", hint: "check the directory and its permissions") }
        defer { close(fd) }
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == bytes.count, fsync(fd) == 0 else { throw CLIFailure("cannot write \(out): \(String(cString: strerror(errno)))", hint: "check the free space") }
        let checkpoint = try key.openCheckpoint(archive.manifest.checkpoint).0
        print("wrote \(out): \(archive.manifest.backend.rawValue), \(bytes.count) bytes, checkpoint size \(checkpoint.treeSize), root \(Base64.encode(checkpoint.root))")
    }

    func sqliteBackup(key: LedgerKeyChain) throws -> BackupArchive {
        guard FileManager.default.fileExists(atPath: dataOptions.databasePath) else {
            throw CLIFailure("no database at \(dataOptions.databasePath)", hint: "check --data")
        }
        let scratch = dataOptions.databasePath + ".backup-\(UUID().uuidString)"
        defer { for suffix in ["", "-wal", "-shm", "-journal"] { try? FileManager.default.removeItem(atPath: scratch + suffix) } }
        do {
            let payload = try SQLiteBackup.snapshot(databasePath: dataOptions.databasePath, to: scratch)
            // The checkpoint is the snapshot's own, and the snapshot must verify before it is called a backup.
            let note = try SQLiteLedgerStore.read(path: scratch) { reader -> String in
                guard let note = try reader.checkpointNote() else { throw CLIFailure("the ledger has no checkpoint yet", hint: "append an entry first") }
                _ = try BackupCheck.check(reader, manifest: Self.manifest(note: note, key: key), keyChain: key, seen: [])
                return note
            }
            return BackupArchive(backend: .sqlite, node: key.origin, createdMs: Self.now, checkpoint: note, payload: payload)
        } catch {
            throw CLIFailure.from(error)
        }
    }

    /// pg_dump in custom format; the checkpoint is read first, so the dump (a later snapshot of an append-only
    /// log) contains its tree, which the check of the restored copy proves.
    func postgresBackup(url: PostgresURL, key: LedgerKeyChain) throws -> BackupArchive {
        let note: String
        do {
            guard let n = try PostgresLedgerStore.read(url: url, { try $0.checkpointNote() }) else {
                throw CLIFailure("the ledger has no checkpoint yet", hint: "append an entry first")
            }
            note = n
        } catch { throw CLIFailure.from(error) }
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("cv-pgdump-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        try PostgresTools.run("pg_dump", ["--format=custom", "--no-owner", "--no-privileges", "--file", scratch], url: url)
        guard let data = FileManager.default.contents(atPath: scratch) else { throw CLIFailure("pg_dump wrote nothing", hint: "check pg_dump's messages above") }
        return BackupArchive(backend: .postgres, node: key.origin, createdMs: Self.now, checkpoint: note, payload: [UInt8](data))
    }

    static func manifest(note: String, key: LedgerKeyChain) -> BackupArchive.Manifest {
        BackupArchive(backend: .sqlite, node: key.origin, createdMs: 0, checkpoint: note, payload: []).manifest
    }

    static var now: UInt64 { UInt64(max(0, Date().timeIntervalSince1970 * 1000)) }
}

/// Runs PostgreSQL's client programs (Debian: postgresql-client) against a database URL: the connection goes in
/// libpq's PG* environment variables, so the password is never on a command line other users can read.
enum PostgresTools {
    static func run(_ program: String, _ arguments: [String], url: PostgresURL) throws {
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
        let candidates = ["/usr/bin/\(program)"] + versions.sorted(by: >).map { "/usr/lib/postgresql/\($0)/bin/\(program)" }
        guard let path = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw CLIFailure("\(program) is not installed", hint: "apt-get install postgresql-client (the version of the server)")
        }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: path)
        p.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env["PGHOST"] = url.host
        env["PGPORT"] = String(url.port)
        env["PGUSER"] = url.user
        env["PGDATABASE"] = url.database
        if let password = url.password { env["PGPASSWORD"] = password } else { env.removeValue(forKey: "PGPASSWORD") }
        env["PGSSLMODE"] = url.tls.rawValue
        if let root = url.rootCertificate { env["PGSSLROOTCERT"] = root }
        p.environment = env
        try p.run()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            throw CLIFailure("\(program) failed (exit \(p.terminationStatus))", hint: "its messages are above; check the database URL and that the client's major version is the server's")
        }
    }
}
