import Foundation
import Testing
import VaultCrypto
import VaultLedger

/// Kill the log node while a follower runs: ledger reads, proofs and verification keep working from the
/// follower; after a restart the log continues, the follower catches up, and a witness accepts the new checkpoint.
@Suite(.serialized) struct FollowerTests {
    @Test func followerServesWhileTheLogIsDownAndCatchesUp() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        func path(_ name: String) -> String { dir.appendingPathComponent(name).path }
        #expect(try CLI.run(["init", "--keys", path("log"), "--dev", "--name", "log.dept-a.example"]).status == 0)
        #expect(try CLI.run(["init", "--keys", path("w1"), "--dev", "--name", "witness.dept-b.example"]).status == 0)
        let node = ["--keys", path("log"), "--data", path("data")]
        let cosigner = try CLI.run(["keys", "show", "--keys", path("w1"), "--cosigner"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let witnessing = ["--witness-key", cosigner, "--witness-threshold", "1"]
        #expect(try CLI.run(["schema", "add"] + node + [AttestCommandTests.repo.appendingPathComponent("schemas/citizen.json").path]).status == 0)
        for i in 0..<5 {
            #expect(try CLI.run(["record", "put"] + node + ["--national-id", "N\(i)"], stdin: #"{"national_id":"N\#(i)","full_name":"P","birth_date":"1990-01-01"}"#).status == 0)
        }
        var log = try ServiceProcess(arguments: node + witnessing, log: dir.appendingPathComponent("log.out"))
        #expect(try CLI.run(["witness", "--keys", path("w1"), "--log", log.url, "--log-key", path("log/node.pub"), "--once"]).status == 0)
        let follower = try ServiceProcess(
            arguments: ["--log", log.url, "--log-key", path("log/node.pub"), "--data", path("follower"), "--interval", "1"],
            log: dir.appendingPathComponent("follower.out"), command: "follow")
        defer { follower.stop() }
        #expect(Self.waitFor(size: 10, at: follower.url))  // 4 tiers + schema + 5 records

        log.stop()
        let (status, note) = try ServiceProcess.get(follower.url + "/v1/ledger/checkpoint")
        #expect(status == 200)
        let key = try NoteVerifierKey(parsing: try String(contentsOfFile: path("log/node.pub"), encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines))
        let (checkpoint, _) = try Checkpoint.open(note, keys: [key], origin: key.name)
        // An inclusion proof from the follower verifies against the log's signed root.
        let (_, proofText) = try ServiceProcess.get(follower.url + "/v1/ledger/proofs/inclusion?index=7&size=\(checkpoint.treeSize)")
        let proof = try #require(try JSONSerialization.jsonObject(with: Data(proofText.utf8)) as? [String: Any])
        let hashes = (proof["hashes"] as! [String]).compactMap(Base64.decode)
        try InclusionProof(leafIndex: 7, treeSize: checkpoint.treeSize, hashes: hashes)
            .verify(leafHash: Base64.decode(proof["leaf_hash"] as! String)!, root: checkpoint.root)
        #expect(try ServiceProcess.get(follower.url + "/v1/ledger/entries?from=0&to=10").0 == 200)

        // The log restarts and continues; the follower catches up; the witness accepts the new checkpoint.
        #expect(try CLI.run(["record", "put"] + node + ["--national-id", "N9"], stdin: #"{"national_id":"N9","full_name":"P","birth_date":"1990-01-01"}"#).status == 0)
        log = try ServiceProcess(arguments: node + witnessing, log: dir.appendingPathComponent("log2.out"))
        defer { log.stop() }
        // The follower was told the old port; point a second follower run (same mirror) at the new one.
        follower.stop()
        #expect(try CLI.run(["follow", "--once", "--log", log.url, "--log-key", path("log/node.pub"), "--data", path("follower")]).stdout.contains("mirrored up to size 11"))
        let witnessed = try CLI.run(["witness", "--keys", path("w1"), "--log", log.url, "--log-key", path("log/node.pub"), "--once"])
        #expect(witnessed.status == 0 && witnessed.stdout.contains("cosigned log.dept-a.example at size 11"))
    }

    static func waitFor(size: Int, at url: String) -> Bool {
        for _ in 0..<100 {
            if let (_, text) = try? ServiceProcess.get(url + "/health"), text.contains("\"tree_size\":\(size)") { return true }
            usleep(100_000)
        }
        return false
    }
}
