import Foundation
import Testing

/// deploy/civicvault.service: the hardening it promises (docs/OPERATIONS.md), and `systemd-analyze verify` with no
/// warning when systemd's tools are installed (`apt-get install systemd`).
@Suite struct ServiceUnitTests {
    static let unitPath = ServedNode.repo.appendingPathComponent("deploy/civicvault.service").path

    /// `[Section]` -> (key, value) lines in order; comments and blank lines skipped.
    static func directives() throws -> [String: [(String, String)]] {
        var out: [String: [(String, String)]] = [:]
        var section = ""
        for raw in try String(contentsOfFile: unitPath, encoding: .utf8).split(separator: "\n") {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("[") { section = String(line.dropFirst().dropLast()); continue }
            let parts = line.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            try #require(parts.count == 2, "not a directive: \(line)")
            out[section, default: []].append((String(parts[0]), String(parts[1])))
        }
        return out
    }

    @Test func hardeningDirectives() throws {
        let d = try Self.directives()
        #expect(Set(d.keys) == ["Unit", "Service", "Install"])
        let service = d["Service"] ?? []
        func values(_ key: String) -> [String] { service.filter { $0.0 == key }.map(\.1) }
        let expected: [String: String] = [
            "User": "civicvault", "Group": "civicvault", "ProtectSystem": "strict", "NoNewPrivileges": "yes", "Restart": "on-failure",
            "PrivateTmp": "yes", "ProtectHome": "yes", "PrivateDevices": "yes", "CapabilityBoundingSet": "", "AmbientCapabilities": "",
            "UMask": "0077", "LimitCORE": "0", "RestrictSUIDSGID": "yes", "ProtectKernelTunables": "yes", "ProtectKernelModules": "yes",
            "ProtectControlGroups": "yes", "LockPersonality": "yes", "RestrictNamespaces": "yes",
        ]
        for (key, value) in expected { #expect(values(key) == [value], "\(key)") }
        // The data and key directories, and nothing else, are writable.
        #expect(values("ReadWritePaths") == ["/var/lib/civicvault/data /var/lib/civicvault/keys"])
        #expect(values("ReadWriteDirectories").isEmpty && values("StateDirectory").isEmpty)
        let exec = try #require(values("ExecStart").first)
        #expect(exec.hasPrefix("/usr/local/bin/civicvault serve --config /etc/civicvault/civicvault.toml"))
        #expect(d["Install"]?.contains { $0 == ("WantedBy", "multi-user.target") } == true)
        // No secret is put in the unit's environment.
        #expect(!values("Environment").contains { $0.contains("PASSPHRASE") })
    }

    @Test func systemdAnalyzeVerifies() throws {
        let analyze = ["/usr/bin/systemd-analyze", "/bin/systemd-analyze"].first { FileManager.default.isExecutableFile(atPath: $0) }
        guard let analyze else {
            print("ServiceUnitTests: SKIPPED systemd-analyze verify: systemd-analyze is not installed (apt-get install systemd)")
            return
        }
        // Verify a copy whose ExecStart names the binary built here (verify checks the program exists).
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let unit = dir.appendingPathComponent("civicvault.service")
        let text = try String(contentsOfFile: Self.unitPath, encoding: .utf8)
            .replacingOccurrences(of: "/usr/local/bin/civicvault", with: CLI.binary.path)
        try text.write(to: unit, atomically: true, encoding: .utf8)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: analyze)
        p.arguments = ["verify", unit.path]
        let err = dir.appendingPathComponent("err")
        FileManager.default.createFile(atPath: err.path, contents: nil)
        p.standardError = try FileHandle(forWritingTo: err)
        p.standardOutput = try FileHandle(forWritingTo: err)
        try p.run()
        p.waitUntilExit()
        let output = try String(contentsOf: err, encoding: .utf8)
        if output.contains("System has not been booted with systemd") || output.contains("Failed to connect to bus") {
            print("ServiceUnitTests: SKIPPED systemd-analyze verify: it cannot run in this container: \(output)")
            return
        }
        #expect(p.terminationStatus == 0, "\(output)")
        // Unknown or misspelt directives are only warnings to systemd; here they fail.
        #expect(output.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "\(output)")
    }
}
