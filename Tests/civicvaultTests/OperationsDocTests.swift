import Foundation
import Testing

/// docs/OPERATIONS.md's `sh` blocks, run in order as one bash script (`set -euo pipefail`) with `cv` the built
/// binary, `D` a new directory and `PORT` a free port: configuration, unsealing by 3 of 5 officers, backups, a
/// refused rollback, a restore, a key export and a re-split into new shares.
@Suite struct OperationsDocTests {
    @Test func operationsWalkthroughRuns() async throws {
        let doc = try String(contentsOf: ServedNode.repo.appendingPathComponent("docs/OPERATIONS.md"), encoding: .utf8)
        var blocks: [String] = [], current: [String]? = nil
        for line in doc.split(separator: "\n", omittingEmptySubsequences: false) {
            if current == nil, line == "```sh" { current = []; continue }
            if current != nil, line == "```" { blocks.append(current!.joined(separator: "\n")); current = nil; continue }
            current?.append(String(line))
        }
        #expect(blocks.count >= 4)
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let script = dir.appendingPathComponent("operations.sh")
        try ("set -euo pipefail\ntrap 'if [ -n \"${SERVE:-}\" ]; then kill $SERVE 2>/dev/null || true; fi' EXIT\n" + blocks.joined(separator: "\n") + "\necho OPERATIONS-DONE\n")
            .write(to: script, atomically: true, encoding: .utf8)
        let p = Process()
        // Bounded: a hang fails the test within five minutes instead of holding the run.
        p.executableURL = URL(fileURLWithPath: "/usr/bin/timeout")
        p.arguments = ["--kill-after=10", "300", "/bin/bash", script.path]
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "CIVICVAULT_PASSPHRASE")
        env["cv"] = CLI.binary.path
        env["D"] = dir.path
        env["PORT"] = String(ServedNode.freePort())
        p.environment = env
        let out = dir.appendingPathComponent("out")
        FileManager.default.createFile(atPath: out.path, contents: nil)
        p.standardOutput = try FileHandle(forWritingTo: out)
        p.standardError = p.standardOutput
        let process = p
        try await CLI.blocking {
            try process.run()
            process.waitUntilExit()
        }
        let output = try String(contentsOf: out, encoding: .utf8)
        let log = (try? String(contentsOf: dir.appendingPathComponent("serve.log"), encoding: .utf8)) ?? ""
        #expect(p.terminationStatus == 0 && output.contains("OPERATIONS-DONE"), "\(output)\n--- serve.log ---\n\(log.suffix(3000))")
        #expect(output.contains("\"reason\":\"sealed\""))
        #expect(output.contains("restore refused") && output.contains("older than a checkpoint already seen"))
        #expect(output.contains("restored ") && output.contains("unsealed"))
        #expect(output.contains("the share is from another share set of this node"))
    }
}
