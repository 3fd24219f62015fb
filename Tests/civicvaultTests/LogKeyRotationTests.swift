import Foundation
import Testing

/// `civicvault keys rotate-log-key` end to end: bundles made before the rotation still verify with the first key
/// alone, bundles after it verify for whoever has the key chain, and `ledger verify` follows the chain.
@Suite struct LogKeyRotationTests {
    @Test func oldBundlesStillVerifyAndNewOnesVerifyUnderTheChain() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let keys = dir.appendingPathComponent("keys").path, data = dir.appendingPathComponent("data").path
        let node = ["--keys", keys, "--data", data]
        #expect(try CLI.run(["init", "--keys", keys, "--dev"]).status == 0)
        #expect(try CLI.run(["schema", "add"] + node + [AttestCommandTests.repo.appendingPathComponent("schemas/citizen.json").path]).status == 0)
        #expect(try CLI.run(["policy", "install"] + node + [AttestCommandTests.repo.appendingPathComponent("Keys/policy.example.json").path]).status == 0)
        let put = try CLI.run(["record", "put"] + node + ["--national-id", "49001010000"], stdin: #"{"national_id":"49001010000","full_name":"Jaan Tamm","birth_date":"2001-02-03","income":18000}"#)
        #expect(put.status == 0)
        let record = try #require(try JSONSerialization.jsonObject(with: Data(put.stdout.utf8)) as? [String: Any])["record"] as! String
        let nonce = String(repeating: "ab", count: 32)
        func attest(_ out: String) throws {
            let run = try CLI.run(["attest"] + node + [
                "--record", record, "--predicate", #"{"field":"birth_date","age_at_least":18}"#,
                "--requester", "bank-7", "--purpose", "loan-application", "--nonce", nonce, "--out", out,
            ])
            #expect(run.status == 0, "\(run.stderr)")
        }
        let before = dir.appendingPathComponent("before.json").path, after = dir.appendingPathComponent("after.json").path
        try attest(before)
        let firstKey = try CLI.run(["keys", "show", "--keys", keys]).stdout

        let rotate = try CLI.run(["keys", "rotate-log-key"] + node)
        #expect(rotate.status == 0, "\(rotate.stderr)")
        let secondKey = try CLI.run(["keys", "show", "--keys", keys]).stdout
        #expect(secondKey != firstKey)
        // node.pub keeps the first key; ledger.keys is the chain, and node.key.next is gone.
        #expect(try String(contentsOfFile: keys + "/node.pub", encoding: .utf8) == firstKey)
        let chain = keys + "/ledger.keys"
        #expect(try String(contentsOfFile: chain, encoding: .utf8).hasPrefix("civicvault/key-chain/v1\nkey 0 "))
        #expect(!FileManager.default.fileExists(atPath: keys + "/node.key.next"))

        // The first attestation after the rotation is proven against the announcing checkpoint (old key); its own
        // entries go into the first block under the new key, which the next attestation is proven against.
        try attest(dir.appendingPathComponent("at-rotation.json").path)
        try attest(after)
        let pub = keys + "/node.pub"
        let check = ["--requester", "bank-7", "--nonce", nonce, "--record", record]
        // The old bundle: with the first key alone, and with the chain.
        #expect(try CLI.run(["verify", before, "--ledger-key", pub] + check).status == 0)
        #expect(try CLI.run(["verify", before, "--ledger-key", pub, "--key-chain", chain] + check).status == 0)
        // The new bundle: refused with the first key alone (its checkpoint is the new key's), accepted with the chain.
        let alone = try CLI.run(["verify", after, "--ledger-key", pub] + check)
        #expect(alone.status == 1 && alone.stderr.hasPrefix("error: bundle does not verify: checkpoint-signature"), "\(alone.stderr)")
        let withChain = try CLI.run(["verify", after, "--ledger-key", pub, "--key-chain", chain] + check)
        #expect(withChain.status == 0, "\(withChain.stderr)")
        // A chain that does not start with the trusted key is refused by name.
        let other = dir.appendingPathComponent("other").path
        #expect(try CLI.run(["init", "--keys", other, "--dev"]).status == 0)
        let stranger = try CLI.run(["verify", after, "--ledger-key", other + "/node.pub", "--key-chain", chain] + check)
        #expect(stranger.status == 1 && stranger.stderr.contains("the key chain does not start with the trusted ledger key"), "\(stranger.stderr)")

        // ledger verify follows the chain (ledger.keys beside node.pub by default), and refuses without it.
        let verified = try CLI.run(["ledger", "verify"] + node)
        #expect(verified.status == 0 && verified.stdout.contains("2 ledger keys"), "\(verified.stderr)")
        let noChain = try CLI.run(["ledger", "verify"] + node + ["--verifier-key", firstKey.trimmingCharacters(in: .whitespacesAndNewlines)])
        #expect(noChain.status == 1 && noChain.stderr.contains("signature invalid"), "\(noChain.stderr)")

        // A second rotation extends the chain; both earlier bundles still verify.
        #expect(try CLI.run(["keys", "rotate-log-key"] + node).status == 0)
        #expect(try String(contentsOfFile: chain, encoding: .utf8).components(separatedBy: "\nkey ").count == 4)
        #expect(try CLI.run(["verify", before, "--ledger-key", pub, "--key-chain", chain] + check).status == 0)
        #expect(try CLI.run(["verify", after, "--ledger-key", pub, "--key-chain", chain] + check).status == 0)
        #expect(try CLI.run(["ledger", "verify"] + node).status == 0)
    }

    @Test func anUnfinishedRotationIsResumedAndTheNodeWaitsForIt() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let keys = dir.appendingPathComponent("keys").path, data = dir.appendingPathComponent("data").path
        let node = ["--keys", keys, "--data", data]
        #expect(try CLI.run(["init", "--keys", keys, "--dev"]).status == 0)
        #expect(try CLI.run(["schema", "add"] + node + [AttestCommandTests.repo.appendingPathComponent("schemas/citizen.json").path]).status == 0)
        let oldKeyFile = try Data(contentsOf: URL(fileURLWithPath: keys + "/node.key"))
        #expect(try CLI.run(["keys", "rotate-log-key"] + node).status == 0)
        let size = try CLI.run(["ledger", "checkpoint", "--data", data]).stdout
        // As if the process died after the announcement was appended, before the chain and node.key were written:
        // node.key is the old key again, node.key.next holds the new one, and there is no ledger.keys.
        try FileManager.default.moveItem(atPath: keys + "/node.key", toPath: keys + "/node.key.next")
        try oldKeyFile.write(to: URL(fileURLWithPath: keys + "/node.key"))
        chmod(keys + "/node.key", 0o600)
        try FileManager.default.removeItem(atPath: keys + "/ledger.keys")
        // The node will not start (nor sign) with the old key after the announcement.
        let blocked = try CLI.run(["schema", "list"] + node)
        #expect(blocked.status != 0 && blocked.stderr.contains("rotation is unfinished"), "\(blocked.stderr)")
        // The rerun appends nothing and finishes.
        let resumed = try CLI.run(["keys", "rotate-log-key"] + node)
        #expect(resumed.status == 0 && resumed.stdout.hasPrefix("resuming the rotation to "), "\(resumed.stderr)")
        #expect(try CLI.run(["ledger", "checkpoint", "--data", data]).stdout == size)
        #expect(!FileManager.default.fileExists(atPath: keys + "/node.key.next"))
        #expect(try CLI.run(["ledger", "verify"] + node).status == 0)
        #expect(try CLI.run(["schema", "add"] + node + [AttestCommandTests.repo.appendingPathComponent("schemas/citizen.json").path]).status != 2)
        #expect(try CLI.run(["ledger", "verify"] + node).status == 0)
    }
}
