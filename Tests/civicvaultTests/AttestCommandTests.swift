import Foundation
import Testing

/// `civicvault attest` and `civicvault verify`, as an operator and a requester would run them.
@Suite struct AttestCommandTests {
    static var repo: URL { URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent() }

    @Test func attestThenVerifyOfflineWithTheNodeKeyOnly() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let keys = dir.appendingPathComponent("keys").path, data = dir.appendingPathComponent("data").path
        let node = ["--keys", keys, "--data", data]
        #expect(try CLI.run(["init", "--keys", keys, "--dev"]).status == 0)
        #expect(try CLI.run(["schema", "add"] + node + [Self.repo.appendingPathComponent("schemas/citizen.json").path]).status == 0)
        #expect(try CLI.run(["policy", "install"] + node + [Self.repo.appendingPathComponent("Keys/policy.example.json").path]).status == 0)
        let put = try CLI.run(["record", "put"] + node + ["--national-id", "49001010000"], stdin: #"{"national_id":"49001010000","full_name":"Jaan Tamm","birth_date":"2001-02-03","income":18000}"#)
        #expect(put.status == 0)
        let record = try #require(try JSONSerialization.jsonObject(with: Data(put.stdout.utf8)) as? [String: Any])["record"] as! String
        let bundle = dir.appendingPathComponent("bundle.json").path
        let nonce = String(repeating: "ab", count: 32)
        let attest = try CLI.run(["attest"] + node + [
            "--record", record, "--predicate", #"{"field":"birth_date","age_at_least":18}"#,
            "--requester", "bank-7", "--purpose", "loan-application", "--nonce", nonce, "--out", bundle,
        ])
        #expect(attest.status == 0, "\(attest.stderr)")
        // Offline: only the bundle and the public key file; the data directory is removed first.
        try FileManager.default.removeItem(atPath: data)
        let pub = keys + "/node.pub"
        let ok = try CLI.run(["verify", bundle, "--ledger-key", pub, "--requester", "bank-7", "--nonce", nonce, "--record", record])
        #expect(ok.status == 0)
        #expect(ok.stdout.hasPrefix("ok: "))
        // What it proves, each part authenticated: the record, the claim in words, the date, the purpose, the expiry.
        for line in ["record:     \(record) version 1 (citizen)", "claim:      birth_date: at least 18 years old on ", "purpose:    loan-application",
                     "requester:  bank-7 (requester and nonce checked)", "expires:    "] {
            #expect(ok.stdout.contains(line), "\(line) not in \(ok.stdout)")
        }
        // The replay check is not optional: without requester and nonce, verify refuses to run...
        let unchecked = try CLI.run(["verify", bundle, "--ledger-key", pub])
        #expect(unchecked.status != 0 && unchecked.stderr.contains("--no-replay-check"))
        // ...unless told, and then it warns.
        let skipped = try CLI.run(["verify", bundle, "--ledger-key", pub, "--no-replay-check"])
        #expect(skipped.status == 0 && skipped.stderr.hasPrefix("warning: --no-replay-check") && skipped.stdout.contains("NOT checked"))
        let otherRecord = try CLI.run(["verify", bundle, "--ledger-key", pub, "--requester", "bank-7", "--nonce", nonce, "--record", "r-00000000000000000000000000000000"])
        #expect(otherRecord.stderr.hasPrefix("error: bundle does not verify: record"))
        let wrongNonce = try CLI.run(["verify", bundle, "--ledger-key", pub, "--requester", "bank-7", "--nonce", String(repeating: "cd", count: 32)])
        #expect(wrongNonce.status == 1)
        #expect(wrongNonce.stderr.hasPrefix("error: bundle does not verify: nonce"))
        let wrongRequester = try CLI.run(["verify", bundle, "--ledger-key", pub, "--requester", "bank-8", "--nonce", nonce])
        #expect(wrongRequester.stderr.hasPrefix("error: bundle does not verify: requester"))
        let expired = try CLI.run(["verify", bundle, "--ledger-key", pub, "--no-replay-check", "--now", "4102444800"])
        #expect(expired.stderr.contains("error: bundle does not verify: expiry"))
        // One reading only: a second "requester" member (which other JSON parsers would take) is refused.
        let text = try String(contentsOfFile: bundle, encoding: .utf8)
        try text.replacingOccurrences(of: "{\n", with: "{\n  \"requester\" : \"bank-8\",\n", options: [], range: text.range(of: "{\n"))
            .write(toFile: dir.appendingPathComponent("twice.json").path, atomically: true, encoding: .utf8)
        let twice = try CLI.run(["verify", dir.appendingPathComponent("twice.json").path, "--ledger-key", pub, "--requester", "bank-7", "--nonce", nonce])
        #expect(twice.status == 1 && twice.stderr.hasPrefix("error: bundle does not verify: format: malformed JSON: duplicate member \"requester\""))
        // A flipped bit in the proof.
        var json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: bundle))) as? [String: Any])
        var proof = Array(Data(base64Encoded: json["proof"] as! String)!)
        proof[40] ^= 0x01
        json["proof"] = Data(proof).base64EncodedString()
        try JSONSerialization.data(withJSONObject: json).write(to: URL(fileURLWithPath: bundle))
        let flipped = try CLI.run(["verify", bundle, "--ledger-key", pub, "--requester", "bank-7", "--nonce", nonce])
        #expect(flipped.status == 1)
        #expect(flipped.stderr.hasPrefix("error: bundle does not verify: proof"))
        // An issuer cannot make a bundle that outlives 30 days.
        let long = try CLI.run(["attest"] + ["--keys", keys, "--data", dir.appendingPathComponent("data2").path] + [
            "--record", record, "--predicate", #"{"field":"birth_date","age_at_least":18}"#, "--requester", "bank-7", "--purpose", "loan-application",
            "--expires-in", "2592001",
        ])
        #expect(long.status != 0 && long.stderr.contains("--expires-in must be 1...2592000"))
    }
}
