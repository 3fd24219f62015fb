import ArgumentParser
import Foundation
import Testing
import VaultCrypto
@testable import civicvault

/// Secrets at the edges of the process: a passphrase file others may read is refused, the data directory is made
/// private (0700) whenever a command or the service opens it, and CIVICVAULT_PASSPHRASE leaves the environment once read.
@Suite struct SecretsAtTheEdgesTests {
    static func mode(_ path: String) throws -> Int {
        try #require(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
    }

    static func setMode(_ path: String, _ mode: Int) throws {
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
    }

    @Test func aPassphraseFileOthersMayReadIsRefusedWithTheFix() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let keys = dir.appendingPathComponent("keys").path
        let passphrase = "correct horse battery staple"
        let file = dir.appendingPathComponent("pass.txt").path
        try Data((passphrase + "\n").utf8).write(to: URL(fileURLWithPath: file))
        for mode in [0o640, 0o604, 0o644, 0o660] {
            try Self.setMode(file, mode)
            // Refused before it is read, both when making keys and when opening them.
            let made = try CLI.run(["init", "--keys", keys, "--fast-kdf", "--passphrase-file", file])
            #expect(made.status == 1)
            #expect(made.stderr == "error: the passphrase file \(file) is open to other users (mode \(String(format: "%04o", mode)))\nhint: chmod 600 \(file)\n")
            #expect(!FileManager.default.fileExists(atPath: keys + "/node.key"))
        }
        try Self.setMode(file, 0o600)
        #expect(try CLI.run(["init", "--keys", keys, "--fast-kdf", "--passphrase-file", file]).status == 0)
        #expect(try CLI.run(["keys", "show", "--keys", keys, "--passphrase-file", file]).status == 0)
        try Self.setMode(file, 0o640)
        let refused = try CLI.run(["keys", "show", "--keys", keys, "--passphrase-file", file])
        #expect(refused.status == 1 && refused.stderr.hasSuffix("hint: chmod 600 \(file)\n") && refused.stdout.isEmpty)
        #expect(!refused.stderr.contains(passphrase))
        try Self.setMode(file, 0o400)
        #expect(try CLI.run(["keys", "show", "--keys", keys, "--passphrase-file", file]).status == 0)
    }

    @Test func everyCommandThatOpensTheDataDirectoryMakesIt0700() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let keys = dir.appendingPathComponent("keys").path, data = dir.appendingPathComponent("data").path
        #expect(try CLI.run(["init", "--keys", keys, "--dev"]).status == 0)
        // Created private, and made private again when someone opened it up, by a vault command...
        #expect(try CLI.run(["tier", "list", "--keys", keys, "--data", data]).status == 0)
        #expect(try Self.mode(data) == 0o700)
        try Self.setMode(data, 0o755)
        #expect(try CLI.run(["tier", "list", "--keys", keys, "--data", data]).status == 0)
        #expect(try Self.mode(data) == 0o700)
        // ...by a ledger command that only reads it, and by one that appends.
        try Self.setMode(data, 0o755)
        #expect(try CLI.run(["ledger", "checkpoint", "--data", data]).status == 0)
        #expect(try Self.mode(data) == 0o700)
        try Self.setMode(data, 0o751)
        #expect(try CLI.run(["ledger", "append", "--keys", keys, "--data", data], stdin: #"{"type":"note","timestamp_ms":1,"actor":"a","attributes":{}}"# + "\n").status == 0)
        #expect(try Self.mode(data) == 0o700)
    }

    @Test func serveMakesTheDataDirectory0700AtStart() async throws {
        let node = try ServedNode()
        defer { node.cleanUp() }
        try Self.setMode(node.data, 0o755)
        try await node.start()
        #expect(try Self.mode(node.data) == 0o700)
        node.stop()
    }

    @Test func thePassphraseVariableIsGoneOnceRead() throws {
        let secret = "env-passphrase-\(UUID().uuidString)"
        setenv(KeyOptions.passphraseVariable, secret, 1)
        defer { unsetenv(KeyOptions.passphraseVariable) }
        let options = try KeyOptions.parse([])
        let read = try #require(try options.passphrase(prompt: "unused: "))
        #expect(read.unsafeCopy() == Array(secret.utf8))
        #expect(getenv(KeyOptions.passphraseVariable) == nil)
        #expect(ProcessInfo.processInfo.environment[KeyOptions.passphraseVariable] == nil)
        // Read once: a second read finds nothing (and, without a terminal, does not prompt either).
        if isatty(STDIN_FILENO) == 0 { #expect(try options.passphrase(prompt: "unused: ") == nil) }
    }
}
