import Foundation
import Testing

/// A node whose key file is opened by 3 of 5 officers' shares: it starts sealed (503 `sealed`), `civicvault
/// unseal` takes shares sealed to each officer until 3, refuses a duplicate, another node's share and a wrong
/// one by name, and `civicvault seal` drops the keys again.
@Suite struct UnsealTests {
    @Test func threeOfFiveOfficersUnsealAndSeal() async throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let env = ["CIVICVAULT_OFFICER_PASSPHRASE": "officer pass"]
        let officers = ["o1", "o2", "o3", "o4", "o5"]
        for name in officers {
            let made = try await CLI.runAsync(["officer", "keygen", "--name", name, "--out", dir.path, "--fast-kdf"], environment: env)
            #expect(made.status == 0, "\(made.stderr)")
        }
        let keys = dir.appendingPathComponent("keys").path, shares = dir.appendingPathComponent("shares").path
        let made = try await CLI.runAsync(["init", "--keys", keys, "--name", "sealed.test/node", "--shares", "5", "--threshold", "3", "--share-dir", shares]
                               + officers.flatMap { ["--officer-key", dir.appendingPathComponent("\($0).officer.pub").path] })
        #expect(made.status == 0, "\(made.stderr)")
        #expect(!made.stdout.contains("cvshare1-"))  // sealed to the officers, never printed
        let shareFile = { (i: Int) in dir.appendingPathComponent("shares/share-\(i)-o\(i).sealed").path }
        let officerKey = { (i: Int) in dir.appendingPathComponent("o\(i).officer").path }

        // Another node's shares, printed once (no officer keys).
        let other = try await CLI.runAsync(["init", "--keys", dir.appendingPathComponent("other").path, "--name", "other.test/node", "--shares", "3", "--threshold", "2"])
        let foreign = try #require(other.stdout.split(separator: "\n").first { $0.hasPrefix("cvshare1-") })
        let foreignFile = dir.appendingPathComponent("foreign.share").path
        FileManager.default.createFile(atPath: foreignFile, contents: Data(foreign.utf8), attributes: [.posixPermissions: 0o600])

        let log = dir.appendingPathComponent("serve.log")
        let dataPath = dir.appendingPathComponent("data").path
        let service = try await CLI.blocking { try ServiceProcess(arguments: ["--keys", keys, "--data", dataPath], log: log) }
        @Sendable func get(_ url: String) async throws -> (Int, String) { try await CLI.blocking { try ServiceProcess.get(url) } }
        defer { service.stop() }
        #expect(try await get(service.url + "/ready").0 == 503)
        let sealedRead = try await get(service.url + "/v1/ledger/checkpoint")
        #expect(sealedRead.0 == 503 && sealedRead.1.contains("\"sealed\""))

        func unseal(_ i: Int, file: String? = nil) async throws -> CLI.Result {
            try await CLI.runAsync(["unseal", "--url", service.url, "--share-file", file ?? shareFile(i), "--officer-key", officerKey(i)], environment: env)
        }
        let first = try await unseal(2)
        #expect(first.status == 0 && first.stdout.contains("1 of 3"), "\(first.stderr)")
        let twice = try await unseal(2)
        #expect(twice.status == 1 && twice.stderr.contains("share 2 was given already"), "\(twice.stderr)")
        let foreignTry = try await CLI.runAsync(["unseal", "--url", service.url, "--share-file", foreignFile])
        #expect(foreignTry.status == 1 && foreignTry.stderr.contains("the share is for another node"), "\(foreignTry.stderr)")
        // An officer's sealed share opened with another officer's key is refused before it is sent.
        let mismatched = try await unseal(3, file: shareFile(4))
        #expect(mismatched.status == 1 && mismatched.stderr.contains("sealed to officer o4"))
        #expect(try await unseal(4).stdout.contains("2 of 3"))
        #expect(try await get(service.url + "/ready").0 == 503)
        let last = try await unseal(5)
        #expect(last.status == 0 && last.stdout.contains("unsealed"), "\(last.stderr)")
        let ready = try await get(service.url + "/ready")
        #expect(ready.0 == 200, "\(ready.1)")

        // CLI commands open the share-protected keys with k plain share files.
        var plain: [String] = []
        for i in [1, 3, 5] {
            let opened = try await CLI.runAsync(["officer", "open-share", shareFile(i), "--officer-key", officerKey(i)], environment: env)
            let path = dir.appendingPathComponent("plain-\(i)").path
            FileManager.default.createFile(atPath: path, contents: Data(opened.stdout.utf8), attributes: [.posixPermissions: 0o600])
            plain += ["--share-file", path]
        }
        let token = try await CLI.runAsync(["token", "create", "--keys", keys, "--data", dir.appendingPathComponent("data").path, "--role", "officer",
                                 "--for", "officer-1", "--clearance", "restricted"] + plain)
        #expect(token.status == 0, "\(token.stderr)")
        let tooFew = try await CLI.runAsync(["keys", "show", "--keys", keys] + Array(plain.prefix(4)))
        #expect(tooFew.status == 1 && tooFew.stderr.contains("2 of the 3 shares needed"), "\(tooFew.stderr)")

        // Sealing drops the keys; the node answers 503 until three shares (any three) come again.
        let sealed = try await CLI.runAsync(["seal", "--url", service.url, "--token", token.stdout.trimmingCharacters(in: .whitespacesAndNewlines)])
        #expect(sealed.status == 0, "\(sealed.stderr)")
        #expect(try await get(service.url + "/ready").0 == 503)
        for i in [1, 3] { #expect(try await unseal(i).status == 0) }
        #expect(try await unseal(4).stdout.contains("unsealed"))
        #expect(try await get(service.url + "/ready").0 == 200)
        let logText = try String(contentsOf: log, encoding: .utf8)
        #expect(!logText.contains("cvshare1-"))
    }
}
