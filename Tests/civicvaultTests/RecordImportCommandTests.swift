import Foundation
import Testing
import VaultTestSupport

/// `civicvault record import`: JSON lines and CSV end to end, a bad line named by number and field with earlier
/// batches kept, a rerun that skips what is there, and kill -9 mid-import followed by a rerun: every line once.
@Suite struct RecordImportCommandTests {
    /// A node (not served) on `backend`, with the citizen schema.
    struct Node {
        let served: ServedNode
        var dir: URL { served.directory }
        var args: [String] { ["--keys", served.keys] + served.storeArguments }

        init(_ backend: StorageBackend = .sqlite) throws {
            served = try ServedNode(backend)
            let schema = try CLI.run(["schema", "add"] + args + [ServedNode.repo.appendingPathComponent("schemas/citizen.json").path])
            #expect(schema.status == 0, "\(schema.stderr)")
        }

        func file(_ name: String, _ text: String) throws -> String {
            let url = dir.appendingPathComponent(name)
            try Data(text.utf8).write(to: url)
            return url.path
        }

        func count(_ sql: String) throws -> Int {
            let inspector = try served.inspector()
            defer { inspector.close() }
            return Int(try inspector.integers(sql)[0])
        }

        func records() throws -> Int { try count("SELECT COUNT(*) FROM vault_record") }

        /// The record of `nationalID` as the CLI reads it (nil when it has none).
        func fields(of nationalID: String) throws -> [String: Any]? {
            let list = try CLI.run(["record", "list"] + args + ["--national-id", nationalID])
            guard let id = RecordUpdateCommandTests.object(list.stdout)["record"] as? String else { return nil }
            return RecordUpdateCommandTests.object(try CLI.run(["record", "get"] + args + ["--id", id, "--purpose", "audit"]).stdout)["fields"] as? [String: Any]
        }

        func cleanUp() { served.cleanUp() }
    }

    static func line(_ i: Int, income: String? = nil) -> String {
        #"{"national_id":"J\#(i)","full_name":"Person \#(i)","birth_date":"1980-02-03","district":"north","income":\#(income ?? String(i))}"#
    }

    @Test func jsonLinesImportReportsABadLineKeepsEarlierBatchesAndResumes() throws {
        let node = try Node()
        defer { node.cleanUp() }
        var lines = (1...30).map { Self.line($0) }
        lines[16] = Self.line(17, income: #""lots""#)
        let path = try node.file("people.jsonl", lines.joined(separator: "\n") + "\n")
        let failed = try CLI.run(["record", "import"] + node.args + [path, "--batch", "5"])
        #expect(failed.status == 1)
        #expect(failed.stderr.contains("error: line 17, field income: ") && failed.stderr.contains("\nhint: "), "\(failed.stderr)")
        #expect(!failed.stderr.contains("lots"))
        // Batches before the bad line's are kept; the bad line's batch (16-20) is not half-written.
        #expect(try node.records() == 15)
        #expect(try node.fields(of: "J15") != nil && node.fields(of: "J16") == nil)
        // Fixed in place: the rerun skips the 15 and imports the rest.
        lines[16] = Self.line(17)
        _ = try node.file("people.jsonl", lines.joined(separator: "\n") + "\n")
        let resumed = try CLI.run(["record", "import"] + node.args + [path, "--batch", "5"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stdout.hasPrefix("imported: 15, existing: 15, seconds: "), "\(resumed.stdout)")
        #expect(resumed.stderr.contains("progress: 30 records (15 new, 15 existing)"), "\(resumed.stderr)")
        #expect(try node.records() == 30)
        #expect(try node.fields(of: "J17")?["income"] as? Int == 17)
        // A moved file keeps its keys with --source; a malformed line is named by number, without a field.
        let moved = try node.file("elsewhere.jsonl", lines.joined(separator: "\n") + "\n")
        #expect(try CLI.run(["record", "import"] + node.args + [moved, "--source", "people.jsonl"]).stdout.hasPrefix("imported: 0, existing: 30"))
        let broken = try node.file("broken.jsonl", Self.line(100) + "\n\n" + #"{"national_id":"J101","national_id":"J102"}"# + "\n")
        let dup = try CLI.run(["record", "import"] + node.args + [broken])
        #expect(dup.status == 1 && dup.stderr.hasPrefix("error: line 3: malformed JSON: "), "\(dup.stderr)")
        #expect(try node.records() == 30)
        #expect(try CLI.run(["ledger", "verify"] + node.args).status == 0)
    }

    @Test func csvImportParsesRFC4180AndNamesBadLines() throws {
        let node = try Node()
        defer { node.cleanUp() }
        // Quotes, a doubled quote, a comma and a line break inside quotes, CRLF line ends, empty = absent.
        var csv = "national_id,full_name,birth_date,income,district\r\n"
        csv += "C1,\"Tamm, \"\"Mari\"\"\nJr\",1990-02-03,100,north\r\n"
        csv += "C2,Jaan,1990-02-03,,\r\n"
        csv += "C3,Kask,1990-02-03,12x,south\r\n"
        let path = try node.file("people.csv", csv)
        let bad = try CLI.run(["record", "import"] + node.args + [path])
        #expect(bad.status == 1 && bad.stderr.hasPrefix("error: line 5, field income: not an integer"), "\(bad.stderr)")
        #expect(try node.records() == 0)
        _ = try node.file("people.csv", csv.replacingOccurrences(of: "12x", with: "12"))
        let made = try CLI.run(["record", "import"] + node.args + [path, "--type", "citizen"])
        #expect(made.status == 0 && made.stdout.hasPrefix("imported: 3, existing: 0"), "\(made.stderr)")
        let c1 = try #require(try node.fields(of: "C1"))
        #expect(c1["full_name"] as? String == "Tamm, \"Mari\"\nJr" && c1["income"] as? Int == 100 && c1["district"] as? String == "north")
        let c2 = try #require(try node.fields(of: "C2"))
        #expect(c2["income"] == nil && c2["district"] == nil && c2["full_name"] as? String == "Jaan")
        // Strict structure: each failure named with its line.
        let cases: [(String, String)] = [
            ("national_id,full_name\nA,\"open\n", "error: line 2: a quoted field is not closed"),
            ("national_id,full_name\nA,B\"C\n", "error: line 2: a double quote inside an unquoted field"),
            ("national_id,full_name\nA,\"B\"C\n", "error: line 2: text after a closing quote"),
            ("national_id,full_name\nA,B\nC\n", "error: line 3: 1 fields where the header has 2"),
            ("national_id,nickname\nA,B\n", "error: line 1, field nickname: not a field of schema citizen"),
            ("national_id,full_name,birth_date,income\nA,B,1990-01-01,007\n", "error: line 2, field income: not an integer"),
        ]
        for (n, (text, expected)) in cases.enumerated() {
            let result = try CLI.run(["record", "import"] + node.args + [try node.file("case\(n).csv", text)])
            #expect(result.status == 1 && result.stderr.hasPrefix(expected) && result.stderr.contains("hint: "), "\(text): \(result.stderr)")
        }
        #expect(try node.records() == 3)
    }

    @Test func ctrlCStopsBetweenBatchesAndTheRerunResumes() throws {
        let node = try Node()
        defer { node.cleanUp() }
        let total = 3000
        let path = try node.file("big.jsonl", (1...total).map { Self.line($0) }.joined(separator: "\n") + "\n")
        let (process, errURL) = try Self.start(node, path)
        try Self.waitForProgress(errURL, batches: 3)
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        let stderr = String(decoding: try Data(contentsOf: errURL), as: UTF8.self)
        #expect(process.terminationReason == .exit && process.terminationStatus == 130, "\(stderr)")
        #expect(stderr.contains("error: interrupted; at least ") && stderr.contains("hint: run the same command again to resume"), "\(stderr)")
        let before = try node.records()
        #expect(before >= 75 && before < total && before % 25 == 0, "\(before)")
        let rerun = try CLI.run(["record", "import"] + node.args + [path, "--batch", "25"])
        #expect(rerun.stdout.hasPrefix("imported: \(total - before), existing: \(before), "), "\(rerun.stdout) \(rerun.stderr)")
        #expect(try node.records() == total)
    }

    /// `record import` of `path` in batches of 25, running, with its standard error in a file.
    static func start(_ node: Node, _ path: String) throws -> (Process, URL) {
        let process = Process()
        process.executableURL = CLI.binary
        process.arguments = ["record", "import"] + node.args + [path, "--batch", "25"]
        let errURL = node.dir.appendingPathComponent("import-\(UUID().uuidString).err")
        FileManager.default.createFile(atPath: errURL.path, contents: nil)
        process.standardError = try FileHandle(forWritingTo: errURL)
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        return (process, errURL)
    }

    /// Waits until the import's standard error shows `batches` progress lines (batches committed).
    static func waitForProgress(_ errURL: URL, batches: Int) throws {
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline {
            let progress = String(decoding: (try? Data(contentsOf: errURL)) ?? Data(), as: UTF8.self)
            if progress.components(separatedBy: "progress: ").count > batches { return }
            usleep(5_000)
        }
        throw ServedNode.Failure("no progress from record import")
    }

    @Test(arguments: StorageBackend.available) func killNineMidImportThenRerunImportsEveryLineOnce(backend: StorageBackend) throws {
        let node = try Node(backend)
        defer { node.cleanUp() }
        let total = backend == .sqlite ? 4000 : 1000  // PostgreSQL writes fewer a second; the kill still lands mid-import
        let path = try node.file("big.jsonl", (1...total).map { Self.line($0) }.joined(separator: "\n") + "\n")
        // Kill it once a few batches are acknowledged, while it is still going.
        let (process, errURL) = try Self.start(node, path)
        try Self.waitForProgress(errURL, batches: 4)
        usleep(UInt32.random(in: 0...100_000))
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal)
        let before = try node.records()
        #expect(before >= 100 && before < total && before % 25 == 0, "\(before)")
        // The rerun finds what was committed and imports the rest: every line exactly once.
        let rerun = try CLI.run(["record", "import"] + node.args + [path, "--batch", "25"])
        #expect(rerun.status == 0, "\(rerun.stderr)")
        #expect(rerun.stdout.hasPrefix("imported: \(total - before), existing: \(before), "), "\(rerun.stdout)")
        #expect(try node.records() == total)
        let verify = try CLI.run(["ledger", "verify"] + node.args)
        #expect(verify.status == 0, "\(verify.stderr)")
        #expect(try node.count("SELECT COUNT(DISTINCT citizen) FROM vault_record") == total)
    }
}
