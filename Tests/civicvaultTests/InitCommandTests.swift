import Foundation
import Testing

/// `civicvault init` and `keys show`, run as a user would run them.
@Suite struct InitCommandTests {
    @Test func devKeysAreCreatedWith0600AndNeverOverwritten() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let keys = dir.appendingPathComponent("keys").path
        let created = try CLI.run(["init", "--keys", keys, "--dev", "--name", "test.node/a"])
        #expect(created.status == 0)
        #expect(created.stderr.contains("DEV KEYS WITHOUT A PASSPHRASE"))
        let attributes = try FileManager.default.attributesOfItem(atPath: keys + "/node.key")
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let show = try CLI.run(["keys", "show", "--keys", keys])
        #expect(show.status == 0)
        #expect(show.stdout.hasPrefix("test.node/a+"))
        #expect(show.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == (try String(contentsOfFile: keys + "/node.pub", encoding: .utf8)).trimmingCharacters(in: .whitespacesAndNewlines))
        let again = try CLI.run(["init", "--keys", keys, "--dev"])
        #expect(again.status != 0)
        #expect(again.stderr.hasPrefix("error: keys already exist"))
        #expect(again.stderr.contains("hint: "))
        #expect(try CLI.run(["keys", "show", "--keys", keys]).stdout == show.stdout)
    }

    @Test func wrongPassphraseGivesOneLineErrorAndHint() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let keys = dir.appendingPathComponent("keys").path
        let passphrase = "correct horse battery staple"
        let created = try CLI.run(["init", "--keys", keys, "--fast-kdf"], environment: ["CIVICVAULT_PASSPHRASE": passphrase])
        #expect(created.status == 0)
        #expect(try CLI.run(["keys", "show", "--keys", keys], environment: ["CIVICVAULT_PASSPHRASE": passphrase]).status == 0)
        let wrong = try CLI.run(["keys", "show", "--keys", keys], environment: ["CIVICVAULT_PASSPHRASE": "wrong"])
        #expect(wrong.status == 1)
        #expect(wrong.stderr == "error: cannot open the key file: wrong passphrase, or the file was altered\nhint: check CIVICVAULT_PASSPHRASE or --passphrase-file; restore the key file from backup if it was changed\n")
        // A passphrase file works too, and its first line is the passphrase.
        let file = dir.appendingPathComponent("pass.txt")
        try (passphrase + "\n").write(to: file, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file.path)  // others may not read it
        #expect(try CLI.run(["keys", "show", "--keys", keys, "--passphrase-file", file.path]).status == 0)
        // No passphrase at all, without a terminal: refused with a hint.
        let none = try CLI.run(["keys", "show", "--keys", keys])
        #expect(none.status == 1)
        #expect(none.stderr.contains("hint: set CIVICVAULT_PASSPHRASE"))
        // Nothing secret in any output.
        for output in [created.stdout, created.stderr, wrong.stderr] { #expect(!output.contains(passphrase)) }
    }

    @Test func truncatedOrAlteredKeyFilesAreRefused() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let keys = dir.appendingPathComponent("keys").path
        #expect(try CLI.run(["init", "--keys", keys, "--dev"]).status == 0)
        let path = keys + "/node.key"
        let original = try Data(contentsOf: URL(fileURLWithPath: path))
        try original.prefix(40).write(to: URL(fileURLWithPath: path))
        let truncated = try CLI.run(["keys", "show", "--keys", keys])
        #expect(truncated.stderr.hasPrefix("error: the key file is truncated"))
        var altered = original
        altered[altered.count - 1] ^= 0x01
        try altered.write(to: URL(fileURLWithPath: path))
        let tampered = try CLI.run(["keys", "show", "--keys", keys])
        #expect(tampered.status == 1)
        #expect(tampered.stderr.hasPrefix("error: cannot open the key file"))
    }
}
