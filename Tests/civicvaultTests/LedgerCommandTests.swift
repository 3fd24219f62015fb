import Foundation
import GRDB
import Testing
import VaultCrypto
import VaultLedger

/// `civicvault ledger ...` run as a user would: append, checkpoint, proofs, entry, verify, and tampering
/// with the database file named by `ledger verify`.
@Suite struct LedgerCommandTests {
    final class Node {
        let dir: URL
        var keys: String { dir.appendingPathComponent("keys").path }
        var data: String { dir.appendingPathComponent("data").path }
        var database: String { data + "/civicvault.sqlite" }
        init() throws {
            dir = try CLI.temporaryDirectory()
            let created = try CLI.run(["init", "--keys", keys, "--dev", "--name", "test.node/ledger"])
            #expect(created.status == 0)
        }
        deinit { try? FileManager.default.removeItem(at: dir) }

        func ledger(_ args: [String], stdin: String? = nil) throws -> CLI.Result {
            try CLI.run(["ledger"] + args + ["--keys", keys, "--data", data], stdin: stdin)
        }

        func verifierKey() throws -> NoteVerifierKey {
            try NoteVerifierKey(parsing: try String(contentsOfFile: keys + "/node.pub", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines))
        }

        func tamper(_ sql: String...) throws {
            let queue = try DatabaseQueue(path: database)
            try queue.writeWithoutTransaction { db in for s in sql { try db.execute(sql: s) } }
            try queue.close()
        }
    }

    static func line(_ i: Int) -> String {
        #"{"type":"field.read","timestamp_ms":\#(1_767_225_600_000 + i),"actor":"clerk/\#(i % 4)","attributes":{"record_id":{"string":"rec-\#(i)"},"nonce":{"bytes":"\#(Base64.encode([UInt8(i & 0xff), 7]))"},"n":{"u64":\#(i)}}}"#
    }

    static func lines(_ range: Range<Int>) -> String { range.map { line($0) + "\n" }.joined() }

    func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test func appendCheckpointProofsEntryAndVerify() throws {
        let node = try Node()
        let first = try node.ledger(["append"], stdin: Self.lines(0..<10))
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout == "{\"first_index\":0,\"count\":10,\"tree_size\":10}\n")
        let second = try node.ledger(["append", "--batch", "7"], stdin: Self.lines(10..<30))
        #expect(second.stdout == "{\"first_index\":10,\"count\":7,\"tree_size\":17}\n{\"first_index\":17,\"count\":7,\"tree_size\":24}\n{\"first_index\":24,\"count\":6,\"tree_size\":30}\n")

        let checkpoint = try node.ledger(["checkpoint"])
        #expect(checkpoint.status == 0)
        let stored = try DatabaseQueue(path: node.database).read { try String.fetchOne($0, sql: "SELECT note FROM ledger_checkpoint") }
        #expect(checkpoint.stdout == stored)
        let (cp, _) = try Checkpoint.open(checkpoint.stdout, keys: [try node.verifierKey()], origin: "test.node/ledger")
        #expect(cp.treeSize == 30)

        let inclusion = try json(try node.ledger(["proof", "inclusion", "--index", "13"]).stdout)
        #expect(inclusion["tree_size"] as? Int == 30 && inclusion["leaf_index"] as? Int == 13)
        let proof = InclusionProof(leafIndex: 13, treeSize: 30, hashes: (inclusion["hashes"] as! [String]).map { Base64.decode($0)! })
        let leaf = Base64.decode(inclusion["leaf_hash"] as! String)!
        try proof.verify(leafHash: leaf, root: cp.root)
        #expect(leaf == MerkleMath.leafHash(EntryCodec.encode(try EntryJSON.decode(Self.line(13)))))

        // A consistency proof from an older size to the checkpoint.
        let oldInclusion = try json(try node.ledger(["proof", "inclusion", "--index", "3", "--size", "10"]).stdout)
        #expect(oldInclusion["tree_size"] as? Int == 10)
        let oldRoot = try InclusionProof(leafIndex: 3, treeSize: 10, hashes: (oldInclusion["hashes"] as! [String]).map { Base64.decode($0)! })
            .root(forLeafHash: Base64.decode(oldInclusion["leaf_hash"] as! String)!)
        let consistency = try json(try node.ledger(["proof", "consistency", "--old", "10"]).stdout)
        #expect(consistency["old_size"] as? Int == 10 && consistency["tree_size"] as? Int == 30)
        try ConsistencyProof(oldSize: 10, treeSize: 30, hashes: (consistency["hashes"] as! [String]).map { Base64.decode($0)! }).verify(oldRoot: oldRoot, newRoot: cp.root)

        let entry = try json(try node.ledger(["entry", "--index", "29"]).stdout)
        let entryJSON = try JSONSerialization.data(withJSONObject: entry["entry"]!, options: [.sortedKeys, .withoutEscapingSlashes])
        #expect(try EntryJSON.decode(String(decoding: entryJSON, as: UTF8.self)) == EntryJSON.decode(Self.line(29)))

        let verify = try node.ledger(["verify", "--progress-every", "10"])
        #expect(verify.status == 0, "\(verify.stderr)")
        #expect(verify.stderr.contains("verified 10 entries...\n"))
        #expect(verify.stdout.hasPrefix("ok: 30 entries, 4 blocks, checkpoint 30, root \(Base64.encode(cp.root))"))
    }

    @Test func verifyChecksEarlierCheckpointsAgainstTheLog() throws {
        let node = try Node()
        #expect(try node.ledger(["append"], stdin: Self.lines(0..<7)).status == 0)
        let old = node.dir.appendingPathComponent("cp7")
        try Data(try node.ledger(["checkpoint"]).stdout.utf8).write(to: old)
        #expect(try node.ledger(["append"], stdin: Self.lines(7..<20)).status == 0)
        let ok = try node.ledger(["verify", "--checkpoint", old.path])
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(ok.stdout.hasPrefix("ok: consistent with 1 earlier checkpoint(s)\nok: 20 entries"))
        // A checkpoint of another history (same key, other entries) is caught.
        let other = try Node()
        try FileManager.default.removeItem(atPath: other.keys)
        try FileManager.default.copyItem(atPath: node.keys, toPath: other.keys)
        #expect(try other.ledger(["append"], stdin: Self.lines(100..<107)).status == 0)
        let forked = node.dir.appendingPathComponent("fork7")
        try Data(try other.ledger(["checkpoint"]).stdout.utf8).write(to: forked)
        let bad = try node.ledger(["verify", "--checkpoint", forked.path])
        #expect(bad.status == 1)
        #expect(bad.stderr.hasPrefix("error: checkpoint \(forked.path): the log's root at size 7 differs\nhint: "))
        // A tampered checkpoint file is refused.
        try Data(try String(contentsOf: old, encoding: .utf8).replacingOccurrences(of: "\n7\n", with: "\n6\n").utf8).write(to: old)
        let tampered = try node.ledger(["verify", "--checkpoint", old.path])
        #expect(tampered.status == 1 && tampered.stderr.contains("signature of test.node/ledger does not verify"))
    }

    @Test func badInputAndBadRequestsGiveOneLineErrorsWithHints() throws {
        let node = try Node()
        let none = try node.ledger(["checkpoint"])
        #expect(none.status == 1 && none.stderr.hasPrefix("error: no database at"))
        let bad = try node.ledger(["append"], stdin: Self.line(0) + "\n" + #"{"type":"field.read","actor":"a"}"# + "\n" + Self.line(2) + "\n")
        #expect(bad.status == 1)
        #expect(bad.stdout == "{\"first_index\":0,\"count\":1,\"tree_size\":1}\n")
        #expect(bad.stderr.hasPrefix("error: line 2: malformed entry JSON: missing \"timestamp_ms\"\nhint: "))
        let outside = try node.ledger(["proof", "inclusion", "--index", "1"])
        #expect(outside.stderr.hasPrefix("error: index 1 is outside a tree of size 1\nhint: "))
        let tooBig = try node.ledger(["proof", "consistency", "--old", "1", "--size", "5"])
        #expect(tooBig.status == 1 && tooBig.stderr.hasPrefix("error: tree size 5 is beyond the log's 1 entries\nhint: "))
        // One reading only: an entry with a member twice (whose value another JSON reader would take) is refused.
        let twice = try node.ledger(["append"], stdin: Self.line(5).replacingOccurrences(of: #""actor":"#, with: #""actor":"mallory","actor":"#) + "\n")
        #expect(twice.status == 1 && twice.stderr.hasPrefix("error: line 1: malformed JSON: duplicate member \"actor\""))
        let real = try node.ledger(["append"], stdin: Self.line(6).replacingOccurrences(of: #""u64":6"#, with: #""u64":6.0"#) + "\n")
        #expect(real.status == 1 && real.stderr.hasPrefix("error: line 1: "))
        let empty = try node.ledger(["append"], stdin: "\n")
        #expect(empty.status == 1 && empty.stderr.hasPrefix("error: no entries on standard input"))
    }

    @Test func verifyNamesEachTamperingOfTheDatabaseFile() throws {
        func check(_ expected: String, _ sql: String...) throws {
            let node = try Node()
            for batch in [0..<20, 20..<21, 21..<22, 22..<23, 23..<40] {
                #expect(try node.ledger(["append"], stdin: Self.lines(batch)).status == 0)
            }
            #expect(try node.ledger(["verify"]).status == 0)
            let queue = try DatabaseQueue(path: node.database)
            try queue.writeWithoutTransaction { db in for s in sql { try db.execute(sql: s) } }
            try queue.close()
            let result = try node.ledger(["verify"])
            #expect(result.status == 1)
            #expect(result.stderr.hasPrefix("error: \(expected)\nhint: "), "\(result.stderr)")
        }
        try check("entry 17: leaf hash mismatch", "UPDATE ledger_entry SET entry = substr(entry, 1, length(entry) - 1) || X'FF' WHERE idx = 17")
        try check("entry 5 missing", "DELETE FROM ledger_entry WHERE idx = 5")
        try check("entries 0-15: subtree hash mismatch (level 4, index 0)",
                  "UPDATE ledger_entry SET idx = 1000 WHERE idx = 2", "UPDATE ledger_entry SET idx = 2 WHERE idx = 11",
                  "UPDATE ledger_entry SET idx = 11 WHERE idx = 1000")
        try check("block 3: signature invalid", "UPDATE ledger_block SET signature = (SELECT signature FROM ledger_block WHERE height = 2) WHERE height = 3")
        try check("block 2 missing", "DELETE FROM ledger_block WHERE height = 2")
    }
}
