import Foundation
import Testing
import VaultPostgres
import VaultTestSupport

/// `civicvault backup` under concurrent writes, `restore` verified, and the refusals: an older backup after newer
/// checkpoints, a damaged file, another node's backup. Keys exported sealed to officers and imported back.
@Suite(.serialized) struct BackupRestoreTests {
    static func record(_ n: Int) -> [String: Any] {
        ["type": "citizen", "national_id": "3800101\(String(format: "%04d", n))",
         "values": ["national_id": "3800101\(String(format: "%04d", n))", "full_name": "Person \(n)", "birth_date": "1980-01-01", "district": "north"]]
    }

    @Test func backupUnderWritesRestoresAndRefusesRollback() async throws {
        let node = try ServedNode()
        defer { node.cleanUp() }
        try await node.start()
        let token = node.tokens["department"]!
        for i in 0..<5 { _ = try await node.request("POST", "/v1/records", token: token, json: Self.record(i)) }
        // Writes go on while the backup is taken.
        let writer = Task { () -> Int in
            var written = 0
            for i in 5..<60 {
                if Task.isCancelled { break }
                if let (status, _) = try? await node.request("POST", "/v1/records", token: token, json: Self.record(i)), status == 201 { written += 1 }
            }
            return written
        }
        try await Task.sleep(nanoseconds: 200_000_000)
        let older = node.directory.appendingPathComponent("older.cvbackup").path
        let b1 = try await CLI.runAsync(["backup", "--keys", node.keys, "--data", node.data, "--out", older])
        #expect(b1.status == 0, "\(b1.stderr)")
        #expect(b1.stdout.contains("wrote \(older): sqlite"))
        let written = await writer.value
        #expect(written > 0)
        // At least one write after the first backup, whatever the timing.
        #expect(try await node.request("POST", "/v1/records", token: token, json: Self.record(99)).0 == 201)
        let newer = node.directory.appendingPathComponent("newer.cvbackup").path
        #expect(try await CLI.runAsync(["backup", "--keys", node.keys, "--data", node.data, "--out", newer]).status == 0)
        #expect(try await CLI.runAsync(["backup", "--keys", node.keys, "--data", node.data, "--out", newer]).status == 1)  // never overwritten
        node.stop()
        let checkpoint = node.directory.appendingPathComponent("seen.note").path
        let cp = try await CLI.runAsync(["ledger", "checkpoint", "--keys", node.keys, "--data", node.data])
        try cp.stdout.write(toFile: checkpoint, atomically: true, encoding: .utf8)

        // The older backup restores into an empty data directory, and its ledger verifies there.
        let fresh = node.directory.appendingPathComponent("fresh").path
        let r1 = try await CLI.runAsync(["restore", older, "--keys", node.keys, "--data", fresh])
        #expect(r1.status == 0, "\(r1.stderr)")
        #expect(r1.stdout.contains("ok: backup ledger verified"))
        let verified = try await CLI.runAsync(["ledger", "verify", "--keys", node.keys, "--data", fresh])
        #expect(verified.status == 0, "\(verified.stderr)")

        // But not where a newer checkpoint was seen: over the node's own data, or with the newer checkpoint given.
        let r2 = try await CLI.runAsync(["restore", older, "--keys", node.keys, "--data", node.data])
        #expect(r2.status == 1)
        #expect(r2.stderr.contains("restore refused") && r2.stderr.contains("older than a checkpoint already seen"), "\(r2.stderr)")
        let elsewhere = node.directory.appendingPathComponent("elsewhere").path
        let r3 = try await CLI.runAsync(["restore", older, "--keys", node.keys, "--data", elsewhere, "--checkpoint", checkpoint])
        #expect(r3.status == 1 && r3.stderr.contains("older than a checkpoint already seen"), "\(r3.stderr)")
        // The newer backup is consistent with everything seen: it replaces the node's data, keeping the old file.
        let r4 = try await CLI.runAsync(["restore", newer, "--keys", node.keys, "--data", node.data, "--checkpoint", checkpoint])
        #expect(r4.status == 0, "\(r4.stderr)")
        #expect(r4.stdout.contains("consistent with 2 checkpoint(s)"), "\(r4.stdout)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: node.data).contains { $0.hasPrefix("civicvault.sqlite.before-restore-") })
        // The node starts on the restored data.
        try await node.start()
        let (health, body) = try await node.request("GET", "/ready")
        #expect(health == 200, "\(body)")
        node.stop()

        // A damaged backup, and another node's, are refused by name.
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: newer)))
        bytes[bytes.count - 100] ^= 0x01
        let damaged = node.directory.appendingPathComponent("damaged.cvbackup").path
        try Data(bytes).write(to: URL(fileURLWithPath: damaged))
        let r5 = try await CLI.runAsync(["restore", damaged, "--keys", node.keys, "--data", elsewhere])
        #expect(r5.status == 1 && r5.stderr.contains("does not match its SHA-256"), "\(r5.stderr)")
        let otherKeys = node.directory.appendingPathComponent("other-keys").path
        #expect(try await CLI.runAsync(["init", "--keys", otherKeys, "--dev", "--name", "other.test/node"]).status == 0)
        let r6 = try await CLI.runAsync(["restore", newer, "--keys", otherKeys, "--data", elsewhere])
        #expect(r6.status == 1 && r6.stderr.contains("the backup is of node crash.test/node"), "\(r6.stderr)")
    }

    @Test func keysExportSealedToOfficersAndImported() async throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let keys = dir.appendingPathComponent("keys").path
        let env = ["CIVICVAULT_PASSPHRASE": "node passphrase 1", "CIVICVAULT_OFFICER_PASSPHRASE": "officer passphrase"]
        #expect(try await CLI.runAsync(["init", "--keys", keys, "--fast-kdf", "--name", "export.test/node"], environment: env).status == 0)
        for name in ["alice", "bob"] {
            let made = try await CLI.runAsync(["officer", "keygen", "--name", name, "--out", dir.path, "--fast-kdf"], environment: env)
            #expect(made.status == 0, "\(made.stderr)")
        }
        let export = dir.appendingPathComponent("keys.export").path
        let e = try await CLI.runAsync(["keys", "export", "--keys", keys, "--out", export,
                             "--officer-key", dir.appendingPathComponent("alice.officer.pub").path, "--officer-key", dir.appendingPathComponent("bob.officer.pub").path])
        #expect(e.status == 0, "\(e.stderr)")
        let text = try String(contentsOfFile: export, encoding: .utf8)
        #expect(!text.contains("CVKEYS") && text.hasPrefix("civicvault-keys-export/v1\nalice "))
        let restored = dir.appendingPathComponent("restored").path
        let i = try await CLI.runAsync(["keys", "import", export, "--keys", restored, "--officer-key", dir.appendingPathComponent("bob.officer").path], environment: env)
        #expect(i.status == 0, "\(i.stderr)")
        let before = try await CLI.runAsync(["keys", "show", "--keys", keys], environment: env)
        let after = try await CLI.runAsync(["keys", "show", "--keys", restored], environment: env)
        #expect(before.status == 0 && before.stdout == after.stdout, "\(after.stderr)")
        // A wrong officer passphrase opens nothing; importing over existing keys is refused.
        let wrong = try await CLI.runAsync(["keys", "import", export, "--keys", dir.appendingPathComponent("x").path,
                                 "--officer-key", dir.appendingPathComponent("alice.officer").path], environment: ["CIVICVAULT_OFFICER_PASSPHRASE": "nope"])
        #expect(wrong.status == 1 && wrong.stderr.contains("wrong passphrase"))
        let again = try await CLI.runAsync(["keys", "import", export, "--keys", restored, "--officer-key", dir.appendingPathComponent("bob.officer").path], environment: env)
        #expect(again.status == 1 && again.stderr.contains("refusing to overwrite"))
    }

    @Test func passphraseChange() async throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let keys = dir.appendingPathComponent("keys").path
        #expect(try await CLI.runAsync(["init", "--keys", keys, "--fast-kdf", "--name", "pass.test/node"], environment: ["CIVICVAULT_PASSPHRASE": "old one"]).status == 0)
        let shown = try await CLI.runAsync(["keys", "show", "--keys", keys], environment: ["CIVICVAULT_PASSPHRASE": "old one"])
        let newFile = dir.appendingPathComponent("new-pass").path
        FileManager.default.createFile(atPath: newFile, contents: Data("new one\n".utf8), attributes: [.posixPermissions: 0o600])
        let changed = try await CLI.runAsync(["keys", "passphrase", "--keys", keys, "--new-passphrase-file", newFile, "--fast-kdf"], environment: ["CIVICVAULT_PASSPHRASE": "old one"])
        #expect(changed.status == 0, "\(changed.stderr)")
        let old = try await CLI.runAsync(["keys", "show", "--keys", keys], environment: ["CIVICVAULT_PASSPHRASE": "old one"])
        #expect(old.status == 1 && old.stderr.contains("wrong passphrase"))
        let new = try await CLI.runAsync(["keys", "show", "--keys", keys], environment: ["CIVICVAULT_PASSPHRASE": "new one"])
        #expect(new.status == 0 && new.stdout == shown.stdout)
    }
}

/// The same on PostgreSQL: `pg_dump` under writes, `pg_restore` into an empty database, verified; an older
/// backup refused against a newer checkpoint; a database that already holds a ledger refused.
@Suite(.serialized) struct PostgresBackupTests {
    @Test(.enabled(if: StorageBackend.postgresURL != nil)) func pgDumpBackupRestores() async throws {
        let node = try ServedNode(.postgres)
        defer { node.cleanUp() }
        try await node.start()
        let token = node.tokens["department"]!
        for i in 0..<3 { _ = try await node.request("POST", "/v1/records", token: token, json: BackupRestoreTests.record(i)) }
        let url = try PostgresTestDatabase.url(node.postgresDatabase!).description
        let older = node.directory.appendingPathComponent("older.cvbackup").path
        let writer = Task { for i in 3..<20 { _ = try? await node.request("POST", "/v1/records", token: token, json: BackupRestoreTests.record(i)) } }
        let b = try await CLI.runAsync(["backup", "--keys", node.keys, "--database", url, "--out", older])
        _ = await writer.value
        #expect(try await node.request("POST", "/v1/records", token: token, json: BackupRestoreTests.record(99)).0 == 201)
        #expect(b.status == 0 && b.stdout.contains(": postgres,"), "\(b.stderr)")
        node.stop()
        let checkpoint = node.directory.appendingPathComponent("seen.note").path
        try await CLI.runAsync(["ledger", "checkpoint", "--keys", node.keys, "--database", url]).stdout.write(toFile: checkpoint, atomically: true, encoding: .utf8)

        let target = try PostgresTestDatabase.create()
        defer { PostgresTestDatabase.drop(target) }
        let targetURL = try PostgresTestDatabase.url(target).description
        let r = try await CLI.runAsync(["restore", older, "--keys", node.keys, "--database", targetURL])
        #expect(r.status == 0 && r.stdout.contains("ok: backup ledger verified"), "\(r.stdout)\(r.stderr)")
        let verified = try await CLI.runAsync(["ledger", "verify", "--keys", node.keys, "--database", targetURL])
        #expect(verified.status == 0, "\(verified.stderr)")
        let again = try await CLI.runAsync(["restore", older, "--keys", node.keys, "--database", targetURL])
        #expect(again.status == 1 && again.stderr.contains("already holds a ledger"))
        let empty = try PostgresTestDatabase.create()
        defer { PostgresTestDatabase.drop(empty) }
        let refused = try await CLI.runAsync(["restore", older, "--keys", node.keys, "--database", try PostgresTestDatabase.url(empty).description, "--checkpoint", checkpoint])
        #expect(refused.status == 1 && refused.stderr.contains("older than a checkpoint already seen"), "\(refused.stderr)")
    }
}
