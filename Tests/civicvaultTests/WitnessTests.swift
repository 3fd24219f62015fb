import Foundation
import Testing

/// One log node and three witnesses on loopback: checkpoints reach 2-of-3 cosignatures, attestations are proven
/// against the final checkpoint and verify only with the witnesses' quorum, and a forged fork served to the
/// witnesses is refused by every one of them and reported.
@Suite(.serialized) struct WitnessTests {
    @Test func twoOfThreeWitnessesAndAForkRefusedByAll() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        func path(_ name: String) -> String { dir.appendingPathComponent(name).path }
        #expect(try CLI.run(["init", "--keys", path("log"), "--dev", "--name", "log.dept-a.example"]).status == 0)
        var cosigners: [String] = []
        for w in 1...3 {
            #expect(try CLI.run(["init", "--keys", path("w\(w)"), "--dev", "--name", "witness.dept-\(w).example"]).status == 0)
            let key = try CLI.run(["keys", "show", "--keys", path("w\(w)"), "--cosigner"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(key.hasPrefix("witness.dept-\(w).example+"))
            cosigners.append(key)
        }
        let honest = ["--keys", path("log"), "--data", path("honest")]
        let schema = AttestCommandTests.repo.appendingPathComponent("schemas/citizen.json").path
        let policy = AttestCommandTests.repo.appendingPathComponent("Keys/policy.example.json").path
        let bank = try CLI.run(["token", "create"] + honest + ["--role", "requester", "--for", "bank-1"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let clerk = try CLI.run(["token", "create"] + honest + ["--role", "department", "--for", "clerk-1", "--clearance", "restricted"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let node = try ServiceProcess(
            arguments: honest + ["--schema", schema, "--policy", policy, "--witness-threshold", "2"] + cosigners.flatMap { ["--witness-key", $0] },
            log: dir.appendingPathComponent("log.out"))
        defer { node.stop() }

        let (created, body) = try ServiceProcess.request("POST", node.url + "/v1/records", token: clerk, body: #"{"type":"citizen","national_id":"1","values":{"national_id":"1","full_name":"A","birth_date":"1990-01-01","income":100}}"#)
        #expect(created == 201)
        let record = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])["record"] as! String
        let nonce = Data((0..<32).map { UInt8($0) }).base64EncodedString()
        let ask = #"{"record":"\#(record)","predicates":[{"field":"income","below":30000}],"nonce":"\#(nonce)","purpose":"loan-application"}"#
        // Before any witness cosigned, nothing is final and attestations wait.
        #expect(try ServiceProcess.get(node.url + "/v1/ledger/checkpoint/cosigned").0 == 404)
        #expect(try ServiceProcess.request("POST", node.url + "/v1/attestations", token: bank, body: ask).0 == 503)

        func witness(_ w: Int, _ url: String) throws -> CLI.Result {
            try CLI.run(["witness", "--keys", path("w\(w)"), "--log", url, "--log-key", path("log/node.pub"), "--once"])
        }
        #expect(try witness(1, node.url).stdout.contains("final: false"))
        #expect(try witness(2, node.url).stdout.contains("final: true"))
        let (status, final) = try ServiceProcess.get(node.url + "/v1/ledger/checkpoint/cosigned")
        #expect(status == 200)
        #expect(final.contains("— witness.dept-1.example ") && final.contains("— witness.dept-2.example "))

        let (issued, answer) = try ServiceProcess.request("POST", node.url + "/v1/attestations", token: bank, body: ask)
        #expect(issued == 201)
        let bundle = try #require(try JSONSerialization.jsonObject(with: Data(answer.utf8)) as? [String: Any])["bundle"]
        try JSONSerialization.data(withJSONObject: bundle as Any).write(to: URL(fileURLWithPath: path("bundle.json")))
        let quorum = cosigners.flatMap { ["--witness-key", $0] }
        #expect(try CLI.run(["verify", path("bundle.json"), "--ledger-key", path("log/node.pub"), "--threshold", "2", "--no-replay-check"] + quorum).status == 0)
        let short = try CLI.run(["verify", path("bundle.json"), "--ledger-key", path("log/node.pub"), "--threshold", "3", "--no-replay-check"] + quorum)
        #expect(short.stderr.contains("error: bundle does not verify: witness-cosignatures"))

        // The third witness catches up; then the operator forks: a rewritten history, same key, served to all.
        #expect(try witness(3, node.url).status == 0)
        let forked = ["--keys", path("log"), "--data", path("forked")]
        #expect(try CLI.run(["schema", "add"] + forked + [schema]).status == 0)
        for i in 0..<6 {
            #expect(try CLI.run(["record", "put"] + forked + ["--national-id", "F\(i)"], stdin: #"{"national_id":"F\#(i)","full_name":"Forged","birth_date":"1990-01-01"}"#).status == 0)
        }
        let fork = try ServiceProcess(arguments: forked, log: dir.appendingPathComponent("fork.out"))
        defer { fork.stop() }
        for w in 1...3 {
            let refused = try witness(w, fork.url)
            #expect(refused.status == 2, "witness \(w): \(refused.stdout) \(refused.stderr)")
            #expect(refused.stderr.contains("ALERT: LOG MISBEHAVIOUR"))
            #expect(FileManager.default.fileExists(atPath: path("w\(w)/witness-state.json.refused")))
        }
        // The honest log still gets cosigned afterwards.
        #expect(try witness(1, node.url).status == 0)
    }
}
