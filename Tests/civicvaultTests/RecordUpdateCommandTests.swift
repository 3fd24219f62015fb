import Foundation
import Testing

/// `civicvault record update`: a patch by default (fields not given keep their values), a full replace with
/// `--replace`, as an operator runs it.
@Suite struct RecordUpdateCommandTests {
    @Test func updatePatchesByDefaultAndReplacesWithAFlag() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let node = ["--keys", dir.appendingPathComponent("keys").path, "--data", dir.appendingPathComponent("data").path]
        #expect(try CLI.run(["init", "--dev"] + node.prefix(2)).status == 0)
        #expect(try CLI.run(["schema", "add"] + node + [ServedNode.repo.appendingPathComponent("schemas/citizen.json").path]).status == 0)
        let put = try CLI.run(["record", "put"] + node + ["--national-id", "38001010000", "--json",
            #"{"national_id":"38001010000","full_name":"Mari Maasikas","birth_date":"1980-01-01","district":"north","income":21000}"#])
        let id = try #require(Self.object(put.stdout)["record"] as? String, "\(put.stderr)")
        func fields() throws -> [String: Any] {
            try #require(Self.object(try CLI.run(["record", "get"] + node + ["--id", id, "--purpose", "audit"]).stdout)["fields"] as? [String: Any])
        }
        // A patch: only district changes; the restricted income and everything else keep their values.
        let patched = try CLI.run(["record", "update"] + node + ["--id", id, "--json", #"{"district":"south"}"#])
        #expect(patched.status == 0 && Self.object(patched.stdout)["version"] as? Int == 2, "\(patched.stderr)")
        let kept = try fields()
        #expect(kept["district"] as? String == "south" && kept["income"] as? Int == 21000 && kept["full_name"] as? String == "Mari Maasikas")
        // A replace: fields not given are dropped; a required one missing is refused with a hint.
        let replaced = try CLI.run(["record", "update"] + node + ["--id", id, "--replace", "--json",
            #"{"national_id":"38001010000","full_name":"Mari Maasikas","birth_date":"1980-01-01"}"#])
        #expect(replaced.status == 0 && Self.object(replaced.stdout)["version"] as? Int == 3, "\(replaced.stderr)")
        #expect(Set(try fields().keys) == ["national_id", "full_name", "birth_date"])
        let missing = try CLI.run(["record", "update"] + node + ["--id", id, "--replace", "--json", #"{"district":"south"}"#])
        #expect(missing.status == 1 && missing.stderr.hasPrefix("error: missing required field") && missing.stderr.contains("hint: "))
        let help = try CLI.run(["record", "update", "--help"])
        #expect(help.stdout.contains("--replace") && help.stdout.contains("keeps its"))
    }

    static func object(_ text: String) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
    }
}

