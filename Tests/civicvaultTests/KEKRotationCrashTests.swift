import Foundation
import Testing
import VaultCore
import VaultCrypto
import VaultLedger
import VaultNode
import VaultPostgres
import VaultSQLite
import VaultTestSupport

/// kill -9 in the middle of `civicvault keys rotate-kek`: node.key is left holding both KEKs and the node refuses to
/// start; a rerun finishes, node.key then holds only the new KEK (the derivation root unchanged), every record
/// still reads and attests, the ledger has one start and one end entry, and `ledger verify` passes. Both backends.
@Suite(.serialized) struct KEKRotationCrashTests {
    @Test(arguments: StorageBackend.available) func killNineDuringKEKRotationThenResume(backend: StorageBackend) async throws {
        let dir = try CLI.temporaryDirectory()
        let database = backend == .postgres ? try PostgresTestDatabase.create() : nil
        defer {
            try? FileManager.default.removeItem(at: dir)
            if let database { PostgresTestDatabase.drop(database) }
        }
        let keys = dir.appendingPathComponent("keys").path
        let data = try ["--data", dir.appendingPathComponent("data").path]
            + (database.map { ["--database", try PostgresTestDatabase.url($0).description] } ?? [])
        let node = ["--keys", keys] + data
        #expect(try CLI.run(["init", "--keys", keys, "--dev"]).status == 0)
        #expect(try CLI.run(["schema", "add"] + node + [RotationCrashTests.schemaPath]).status == 0)
        let before = try KeyFile.open(try KeyDirectory(path: keys).readKeyFile(), passphrase: nil)
        #expect(before.keyEncryptionKeys.map(\.version) == [1])

        // Records, and more tier keys (each tier rotated three times: 16 tier keys), in process with the same keys.
        func open(_ keys: NodeKeys) throws -> (store: NodeStore, close: () -> Void) {
            if let database {
                let opened = try PostgresNode.open(url: try PostgresTestDatabase.url(database), keys: keys, maxConnections: 2)
                return (opened.store, { opened.pool.close() })
            }
            return (try NodeStorage.open(dataDirectory: dir.appendingPathComponent("data").path, keys: keys).store, {})
        }
        var ids: [String] = []
        do {
            let (store, close) = try open(before)
            defer { close() }
            for i in 0..<12 {
                let input: [String: JSONValue] = [
                    "national_id": .string("id\(i)"), "full_name": .string("Person \(i)"), "birth_date": .string("1990-01-01"),
                ]
                ids.append(try await store.vault.createRecord(type: "citizen", nationalID: "id\(i)", input: input, by: .operatorCLI()).recordID)
            }
            for _ in 0..<3 {
                for tier in ["public", "internal", "confidential", "restricted"] { try await store.vault.rotate(tier: tier, by: .operatorCLI()) }
            }
        }

        // Re-wrap one tier key per transaction, slowly, and kill -9 once a few batches are committed.
        let stderrURL = dir.appendingPathComponent("rotate-kek.err")
        FileManager.default.createFile(atPath: stderrURL.path, contents: nil)
        let process = Process()
        process.executableURL = CLI.binary
        process.arguments = ["keys", "rotate-kek", "--batch-size", "1", "--batch-pause-ms", "100"] + node
        process.standardError = try FileHandle(forWritingTo: stderrURL)
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            let text = (try? String(contentsOf: stderrURL, encoding: .utf8)) ?? ""
            if text.components(separatedBy: "rewrapped").count > 3 { break }
            usleep(2_000)
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal)

        let midway = try KeyFile.open(try KeyDirectory(path: keys).readKeyFile(), passphrase: nil)
        #expect(midway.keyEncryptionKeys.map(\.version) == [1, 2])
        let refused = try CLI.run(["tier", "list"] + node)
        #expect(refused.status != 0 && refused.stderr.contains("KEK rotation is unfinished") && refused.stderr.contains("hint:"), "\(refused.stderr)")

        let resumed = try CLI.run(["keys", "rotate-kek"] + node)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stdout.contains("resuming the KEK rotation from v1 to v2"))
        #expect(resumed.stdout.contains("KEK rotated to v2"))
        let after = try KeyFile.open(try KeyDirectory(path: keys).readKeyFile(), passphrase: nil)
        #expect(after.keyEncryptionKeys.map(\.version) == [2])
        #expect(after.currentKeyEncryptionKey.key == midway.keyEncryptionKeys[1].key)
        #expect(after.derivationRoot == before.derivationRoot && after.currentKeyEncryptionKey.key != before.currentKeyEncryptionKey.key)
        // Commands open the node again.
        #expect(try CLI.run(["tier", "list"] + node).status == 0)

        let (store, close) = try open(after)
        defer { close() }
        for (i, id) in ids.enumerated() {
            await #expect(try store.vault.readRecord(id: id, purpose: "audit", by: .operatorCLI()).fields["full_name"] == .string("Person \(i)"))
        }
        let request = AttestationRequest(
            recordID: ids[3], predicates: [PredicateSpec(field: "birth_date", age_at_least: 18)], requester: "bank-1",
            nonce: RandomBytes.generate(32), expiry: UInt64(Date().timeIntervalSince1970) + 600, purpose: "loan")
        _ = try await store.vault.attest(request, by: .operatorCLI()) { _, _, _ in "test" }
        var kinds: [String] = []
        let ledger = store.ledger as! any LedgerStore
        for index in 0..<(try ledger.treeSize()) {
            let entry = try EntryCodec.decode(try ledger.entry(at: index).bytes)
            if entry.type.hasPrefix("kek.") { kinds.append(entry.type) }
        }
        #expect(kinds == ["kek.rotation_started", "kek.rotated"])
        let verified = try CLI.run(["ledger", "verify"] + node)
        #expect(verified.status == 0, "\(verified.stderr)")
    }
}
