import Foundation
import Testing
import VaultCore
import VaultCrypto
import VaultSQLite

/// kill -9 in the middle of `civicvault tier rotate`: `tier rotate --resume` finishes it, every record still
/// reads, nothing is lost, and the ledger verifies.
@Suite struct RotationCrashTests {
    @Test func killNineDuringRotationThenResume() async throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let keys = dir.appendingPathComponent("keys").path, data = dir.appendingPathComponent("data").path
        #expect(try CLI.run(["init", "--keys", keys, "--dev"]).status == 0)
        #expect(try CLI.run(["schema", "add", "--keys", keys, "--data", data, "schemas/citizen.json"].map { $0 == "schemas/citizen.json" ? Self.schemaPath : $0 }).status == 0)
        // Seed records in process (fast), with the same node keys.
        let nodeKeys = try KeyFile.open(try KeyDirectory(path: keys).readKeyFile(), passphrase: nil)
        var ids: [String] = []
        do {
            let storage = try NodeStorage.open(dataDirectory: data, keys: nodeKeys)
            for i in 0..<400 {
                let input: [String: JSONValue] = [
                    "national_id": .string("id\(i)"), "full_name": .string("Person \(i)"), "birth_date": .string("1990-01-01"),
                ]
                await ids.append(try storage.vault.createRecord(type: "citizen", nationalID: "id\(i)", input: input, by: .operatorCLI()).recordID)
            }
        }
        // Rotate in small batches and kill -9 once some batches are committed.
        let stderrURL = dir.appendingPathComponent("rotate.err")
        FileManager.default.createFile(atPath: stderrURL.path, contents: nil)
        let process = Process()
        process.executableURL = CLI.binary
        process.arguments = ["tier", "rotate", "confidential", "--batch-size", "5", "--keys", keys, "--data", data]
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

        let listed = try CLI.run(["tier", "list", "--keys", keys, "--data", data])
        #expect(listed.stdout.contains("confidential\trank 2\tkey v2\tmin v1\trotating"))
        let resumed = try CLI.run(["tier", "rotate", "--resume", "--keys", keys, "--data", data])
        #expect(resumed.status == 0)
        #expect(resumed.stdout.contains("tier confidential now at key v2"))
        #expect(try CLI.run(["tier", "retire", "confidential", "--below", "2", "--keys", keys, "--data", data]).status == 0)
        let storage = try NodeStorage.open(dataDirectory: data, keys: nodeKeys)
        for (i, id) in ids.enumerated() {
            await #expect(try storage.vault.readRecord(id: id, purpose: "audit", by: .operatorCLI()).fields["full_name"] == .string("Person \(i)"))
        }
        #expect(try CLI.run(["ledger", "verify", "--keys", keys, "--data", data]).status == 0)
    }

    static var schemaPath: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("schemas/citizen.json").path
    }
}
