import Foundation
import Testing

/// `serve --config`, the precedence of flags, environment and file through the real binary, `/ready`, and
/// JSON-lines logs with request ids that never carry a token or a plaintext value.
@Suite struct ConfigAndLogsTests {
    @Test func printConfigShowsPrecedence() async throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("civicvault.toml").path
        try """
            [server]
            host = "127.0.0.2"
            port = 7000
            [node]
            database = "postgres://cv:hunter2@db:5432/cv"
            [log]
            level = "debug"
            """.write(toFile: file, atomically: true, encoding: .utf8)
        let r = try await CLI.runAsync(
            ["serve", "--config", file, "--port", "7002", "--print-config"],
            environment: ["CIVICVAULT_PORT": "7001", "CIVICVAULT_LOG_LEVEL": "error", "CIVICVAULT_DATA": "/tmp/env-data"])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = Set(r.stdout.split(separator: "\n").map(String.init))
        #expect(lines.contains("server.host = \"127.0.0.2\""))    // file
        #expect(lines.contains("server.port = 7002"))             // flag over env over file
        #expect(lines.contains("log.level = \"error\""))          // env over file
        #expect(lines.contains("node.data = \"/tmp/env-data\""))  // env over default
        #expect(lines.contains("node.keys = \".civicvault/keys\""))  // default
        #expect(lines.contains("node.database = \"postgres://cv:***@db:5432/cv\""))
        #expect(!r.stdout.contains("hunter2"))
        // CIVICVAULT_CONFIG names the file when --config does not.
        let viaEnv = try await CLI.runAsync(["serve", "--print-config"], environment: ["CIVICVAULT_CONFIG": file])
        #expect(viaEnv.stdout.contains("server.port = 7000"))
    }

    @Test func unknownKeyIsAnErrorWithItsLine() async throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("bad.toml").path
        try "[server]\nhost = \"127.0.0.1\"\n# the port\nprot = 8080\n".write(toFile: file, atomically: true, encoding: .utf8)
        let r = try await CLI.runAsync(["serve", "--config", file])
        #expect(r.status == 1)
        #expect(r.stderr.contains("error: \(file) line 4: unknown key server.prot"))
        #expect(r.stderr.contains("hint: "))
        let missing = try await CLI.runAsync(["serve", "--config", dir.appendingPathComponent("nope.toml").path])
        #expect(missing.status == 1 && missing.stderr.contains("cannot read the configuration file"))
    }

    /// The service started from a config file logs JSON lines: each parses, request lines carry a request id, and
    /// neither the bearer token nor a plaintext field value appears anywhere in the log. `/ready` answers 200.
    @Test func jsonLogsCarryRequestIDsAndNoSecrets() async throws {
        let node = try ServedNode()
        defer { node.cleanUp() }
        let config = node.directory.appendingPathComponent("civicvault.toml").path
        try "[log]\nformat = \"json\"\nlevel = \"info\"\n".write(toFile: config, atomically: true, encoding: .utf8)
        try await node.start(extraArguments: ["--config", config])
        let token = node.tokens["department"]!
        let secretName = "Plaintextia Uniquename-\(UUID().uuidString.prefix(8))"
        let (made, body) = try await node.request("POST", "/v1/records", token: token, json: [
            "type": "citizen", "national_id": "38001010000",
            "values": ["national_id": "38001010000", "full_name": secretName, "birth_date": "1980-01-01", "district": "north"],
        ])
        #expect(made == 201 || made == 200, "\(body)")
        let id = body["record"] as? String ?? ""
        let (read, _) = try await node.request("GET", "/v1/records/\(id)?purpose=audit", token: node.tokens["officer"]!)
        #expect(read == 200)
        let (unauthorized, _) = try await node.request("GET", "/v1/records/\(id)?purpose=audit", token: "cv_not_a_real_token_" + token.suffix(6))
        #expect(unauthorized == 401)
        let (ready, readyBody) = try await node.request("GET", "/ready")
        #expect(ready == 200 && readyBody["status"] as? String == "ready", "\(readyBody)")
        node.stop()
        let log = try String(contentsOfFile: node.stderrPath, encoding: .utf8)
        let lines = log.split(separator: "\n")
        #expect(lines.count >= 4)
        var requestLines = 0
        for line in lines {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "not JSON: \(line)")
            #expect(object["ts"] is String && object["level"] is String && object["message"] is String)
            if object["message"] as? String == "request" {
                requestLines += 1
                #expect((object["request_id"] as? String)?.count == 16)
                #expect(!(object["path"] as? String ?? "?").contains("?"))
            }
        }
        #expect(requestLines >= 4)
        #expect(!log.contains(token) && !log.contains(String(token.suffix(20))))
        #expect(!log.contains(node.tokens["officer"]!))
        #expect(!log.contains("Plaintextia") && !log.contains("38001010000"))
    }
}
