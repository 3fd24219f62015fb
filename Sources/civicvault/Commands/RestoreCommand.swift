import ArgumentParser
import Foundation
import VaultCrypto
import VaultLedger
import VaultNode
import VaultPostgres
import VaultSQLite

/// `civicvault restore FILE`: puts a backup in place of the node's database, only after proving it: the backup's
/// whole ledger verifies under the node's key and contains its checkpoint, and it is not older than, nor a fork
/// of, any checkpoint already seen: each `--checkpoint FILE` (e.g. a witness's cosigned checkpoint) and the
/// checkpoint of the database being replaced, each proven contained by a consistency proof. Stop the service
/// first. The replaced SQLite file is kept beside it (`civicvault.sqlite.before-restore-<ms>`).
struct RestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "restore", abstract: "Restore a verified backup into the node's database.")

    @Argument(help: "The backup file (from `civicvault backup`).") var file: String
    @OptionGroup var dataOptions: DataOptions
    @Option(help: "Directory holding node.pub (the verifier key).") var keys: String = ".civicvault/keys"
    @Option(help: "The node's verifier key <name>+<id>+<key> (default: node.pub in --keys).") var verifierKey: String?
    @Option(name: .customLong("checkpoint"), help: "A signed checkpoint seen earlier (file); the backup must contain its tree (repeatable).")
    var checkpoints: [String] = []
    @Flag(help: "Only check the backup; change nothing.") var checkOnly = false

    static func verifierKey(keys: String, given: String?) throws -> NoteVerifierKey {
        do {
            let text = try given ?? KeyDirectory(path: keys).readVerifierKey()
            return try NoteVerifierKey(parsing: text.trimmingCharacters(in: .whitespacesAndNewlines))
        } catch { throw CLIFailure.from(error) }
    }

    /// The log's key chain: ledger.keys in `keys` checked from the verifier key (node.pub or `given`), or that key alone.
    static func keyChain(keys: String, given: String?) throws -> LedgerKeyChain {
        let root = try verifierKey(keys: keys, given: given)
        let directory = KeyDirectory(path: keys)
        guard let text = directory.readKeyChain() else { return LedgerKeyChain(root: root) }
        return try KeyText.keyChain(text: text, source: directory.keyChainFilePath, trusting: root)
    }

    func run() async throws {
        let key = try Self.keyChain(keys: keys, given: verifierKey)
        guard let data = FileManager.default.contents(atPath: file) else { throw CLIFailure("cannot read \(file)", hint: "check the path") }
        let archive: BackupArchive
        do { archive = try BackupArchive.decode([UInt8](data)) } catch let f as BackupArchive.Failure {
            throw CLIFailure(f.description, hint: "use a backup written by `civicvault backup`; a damaged backup cannot be repaired")
        }
        guard archive.manifest.node == key.origin else {
            throw CLIFailure("the backup is of node \(archive.manifest.node), not \(key.origin)", hint: "restore a backup of this node, or give its keys")
        }
        var seen: [(note: String, source: String)] = []
        for path in checkpoints {
            guard let d = FileManager.default.contents(atPath: path) else { throw CLIFailure("cannot read the checkpoint file \(path)", hint: "check the path") }
            seen.append((String(decoding: d, as: UTF8.self), path))
        }
        let url = try dataOptions.postgresURL()
        switch (archive.manifest.backend, url) {
        case (.sqlite, nil): try restoreSQLite(archive, key: key, seen: seen)
        case let (.postgres, url?): try restorePostgres(archive, url: url, key: key, seen: seen)
        case (.sqlite, _?): throw CLIFailure("this is an SQLite backup but --database names PostgreSQL", hint: "restore it with --data")
        case (.postgres, nil): throw CLIFailure("this is a PostgreSQL backup", hint: "give the (empty) target database with --database or CIVICVAULT_DATABASE_URL")
        }
    }

    func printReport(_ r: BackupCheck.Report) {
        print("ok: backup ledger verified: \(r.treeSize) entries, checkpoint size \(r.checkpointSize), consistent with \(r.provenConsistent) checkpoint(s) seen before")
    }

    func refusal(_ error: any Error) -> CLIFailure {
        if let r = error as? BackupCheck.Refusal {
            let hint: String
            switch r {
            case .olderThanSeen: hint = "restore a newer backup; an older one would hide history that witnesses and checkpoint holders have seen"
            case .inconsistentWithSeen: hint = "this backup is of a different history; find a backup that contains the published checkpoints"
            default: hint = "the backup was altered or is of another node; use another backup"
            }
            return CLIFailure("restore refused: \(r.description)", hint: hint)
        }
        return CLIFailure.from(error)
    }

    func restoreSQLite(_ archive: BackupArchive, key: LedgerKeyChain, seen: [(note: String, source: String)]) throws {
        try dataOptions.secureDirectory()
        let target = dataOptions.databasePath
        var seen = seen
        if FileManager.default.fileExists(atPath: target) {
            // The history the database being replaced has signed must survive the restore.
            do {
                if let note = try SQLiteLedgerStore.read(path: target, { try $0.checkpointNote() }) { seen.append((note, target)) }
            } catch {
                throw CLIFailure("cannot read the checkpoint of the database being replaced (\(target)): \(error)",
                                 hint: "pass the newest checkpoint you trust with --checkpoint FILE and move the damaged database away first")
            }
        }
        let staging = target + ".restoring-\(UUID().uuidString)"
        defer { for suffix in ["", "-wal", "-shm", "-journal"] { try? FileManager.default.removeItem(atPath: staging + suffix) } }
        guard FileManager.default.createFile(atPath: staging, contents: Data(archive.payload), attributes: [.posixPermissions: 0o600]) else {
            throw CLIFailure("cannot write \(staging)", hint: "check --data and the free space")
        }
        let report: BackupCheck.Report
        do {
            report = try SQLiteLedgerStore.read(path: staging) { reader in
                try BackupCheck.check(reader, manifest: archive.manifest, keyChain: key, seen: seen)
            }
            try SQLiteBackup.settle(path: staging)
        } catch { throw refusal(error) }
        printReport(report)
        if checkOnly { return }
        if FileManager.default.fileExists(atPath: target) {
            let aside = target + ".before-restore-\(BackupCommand.now)"
            for suffix in ["", "-wal", "-shm"] where FileManager.default.fileExists(atPath: target + suffix) {
                guard rename(target + suffix, aside + suffix) == 0 else {
                    throw CLIFailure("cannot move \(target + suffix) aside: \(String(cString: strerror(errno)))", hint: "check --data's permissions")
                }
            }
            print("kept the replaced database as \(aside)")
        }
        guard rename(staging, target) == 0 else {
            throw CLIFailure("cannot move the restored database into place: \(String(cString: strerror(errno)))", hint: "check --data's permissions")
        }
        print("restored \(target)")
    }

    /// PostgreSQL: pg_restore into the target database, which must be empty (no CivicVault tables), then the same
    /// checks on the restored ledger; a refused backup is dropped again, leaving the database empty.
    func restorePostgres(_ archive: BackupArchive, url: PostgresURL, key: LedgerKeyChain, seen: [(note: String, source: String)]) throws {
        let existing: String?
        do { existing = try PostgresLedgerStore.read(url: url) { try $0.checkpointNote() } } catch { throw CLIFailure.from(error) }
        guard existing == nil else {
            throw CLIFailure("the database \(url.database) already holds a ledger", hint: "restore into a new, empty database (CREATE DATABASE ...) and point the nodes at it; pass the old one's checkpoint with --checkpoint")
        }
        // Empty of any ledger: clear the tables the check above may have created, so pg_restore recreates them.
        try PostgresTools.run("psql", ["--quiet", "-v", "ON_ERROR_STOP=1", "-c", "DROP SCHEMA public CASCADE; CREATE SCHEMA public;"], url: url)
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("cv-pgrestore-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        guard FileManager.default.createFile(atPath: scratch, contents: Data(archive.payload), attributes: [.posixPermissions: 0o600]) else {
            throw CLIFailure("cannot write \(scratch)", hint: "check the free space")
        }
        try PostgresTools.run("pg_restore", ["--no-owner", "--no-privileges", "--exit-on-error", "--dbname", url.database, scratch], url: url)
        do {
            let report = try PostgresLedgerStore.read(url: url) { reader in
                try BackupCheck.check(reader, manifest: archive.manifest, keyChain: key, seen: seen)
            }
            printReport(report)
            print("restored into database \(url.database)")
        } catch {
            try? PostgresTools.run("psql", ["--quiet", "-c", "DROP SCHEMA public CASCADE; CREATE SCHEMA public;"], url: url)
            throw refusal(error)
        }
    }
}
