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
        let ok = try CLI.run(["verify", bundle, "--ledger-key", keys + "/node.pub", "--requester", "bank-7", "--nonce", nonce])
        #expect(ok.status == 0)
        #expect(ok.stdout.hasPrefix("ok: "))
        let wrongNonce = try CLI.run(["verify", bundle, "--ledger-key", keys + "/node.pub", "--nonce", String(repeating: "cd", count: 32)])
        #expect(wrongNonce.status == 1)
        #expect(wrongNonce.stderr.hasPrefix("error: bundle does not verify: nonce"))
        let expired = try CLI.run(["verify", bundle, "--ledger-key", keys + "/node.pub", "--now", "4102444800"])
        #expect(expired.stderr.hasPrefix("error: bundle does not verify: expiry"))
        // A flipped bit in the proof.
        var json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: bundle))) as? [String: Any])
        var proof = Array(Data(base64Encoded: json["proof"] as! String)!)
        proof[40] ^= 0x01
        json["proof"] = Data(proof).base64EncodedString()
        try JSONSerialization.data(withJSONObject: json).write(to: URL(fileURLWithPath: bundle))
        let flipped = try CLI.run(["verify", bundle, "--ledger-key", keys + "/node.pub"])
        #expect(flipped.status == 1)
        #expect(flipped.stderr.hasPrefix("error: bundle does not verify: proof"))
    }
}
