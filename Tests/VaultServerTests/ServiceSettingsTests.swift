import Foundation
import Testing
import VaultServer

/// `civicvault serve` settings: the TOML subset, every key, unknown keys with their line, and the precedence
/// flag > environment > file > default.
@Suite struct ServiceSettingsTests {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static let everyKey = """
        # every key once
        [server]
        host = "0.0.0.0"
        port = 9443
        max_body_bytes = 1_048_576
        secure_cookies = true

        [node]
        keys = '/srv/keys'
        passphrase_file = "/etc/cv/pass"
        data = "/srv/data"
        database = "postgres://cv:s3cret@db:5432/cv"
        actor = "ops-1"

        [startup]
        schemas = [
          "a.json",  # first
          "b.json",
        ]
        policy = "p.json"

        [witnesses]
        keys = ["w1", "w2"]
        threshold = 2

        [log]
        format = "json"
        level = "warning"
        """

    @Test func everyKeyIsRead() throws {
        let s = try ServiceSettings.resolve(fileText: Self.everyKey, environment: [:], flags: [:])
        #expect(s.host == "0.0.0.0" && s.port == 9443 && s.maxBodyBytes == 1_048_576 && s.secureCookies)
        #expect(s.keys == "/srv/keys" && s.passphraseFile == "/etc/cv/pass" && s.data == "/srv/data")
        #expect(s.database == "postgres://cv:s3cret@db:5432/cv" && s.actor == "ops-1")
        #expect(s.schemas == ["a.json", "b.json"] && s.policy == "p.json")
        #expect(s.witnessKeys == ["w1", "w2"] && s.witnessThreshold == 2)
        #expect(s.logFormat == .json && s.logLevel == "warning")
        // Every key of the settings appears in the test file, so a new key cannot go untested.
        let named = Set(try TOMLSubset.parse(Self.everyKey).map(\.key))
        #expect(named == Set(ServiceSettings.Key.allCases.map(\.rawValue)))
        // The rendering hides the database password and reads back to the same settings.
        #expect(!s.rendered.contains("s3cret"))
    }

    @Test func defaultsWithoutAnySource() throws {
        let s = try ServiceSettings.resolve(fileText: nil, environment: [:], flags: [:])
        #expect(s == ServiceSettings())
        #expect(s.host == "127.0.0.1" && s.port == 8080 && s.logFormat == .text && s.keys == ".civicvault/keys")
    }

    @Test func precedenceFlagOverEnvironmentOverFileOverDefault() throws {
        let file = """
            [server]
            host = "10.0.0.1"
            port = 7000
            [log]
            level = "debug"
            [startup]
            schemas = ["file.json"]
            """
        let env = ["CIVICVAULT_PORT": "7001", "CIVICVAULT_LOG_LEVEL": "error", "CIVICVAULT_SCHEMAS": "env1.json, env2.json", "CIVICVAULT_DATA": "/env/data"]
        let s = try ServiceSettings.resolve(fileText: file, environment: env, flags: [.port: .integer(7002), .data: .string("/flag/data")])
        #expect(s.host == "10.0.0.1")          // file over default
        #expect(s.logLevel == "error")         // environment over file
        #expect(s.schemas == ["env1.json", "env2.json"])  // lists replaced whole
        #expect(s.port == 7002)                // flag over environment and file
        #expect(s.data == "/flag/data")        // flag over environment
        #expect(s.keys == ".civicvault/keys")  // default
        let envOnly = try ServiceSettings.resolve(fileText: file, environment: env, flags: [:])
        #expect(envOnly.port == 7001)
    }

    @Test func unknownKeyNamesKeyAndLine() async {
        let file = "[server]\nhost = \"x\"\n\n# comment\nprot = 8080\n"
        await #expect(throws: ServiceSettings.Failure.unknownKey(path: "cv.toml", line: 5, key: "server.prot")) {
            try await ServiceSettings.resolve(fileText: file, filePath: "cv.toml", environment: [:], flags: [:])
        }
        await #expect(throws: ServiceSettings.Failure.unknownKey(path: "cv.toml", line: 1, key: "port")) {
            try await ServiceSettings.resolve(fileText: "port = 1\n", filePath: "cv.toml", environment: [:], flags: [:])
        }
        await #expect(throws: ServiceSettings.Failure.unknownKey(path: "cv.toml", line: 2, key: "serverr.port")) {
            try await ServiceSettings.resolve(fileText: "[serverr]\nport = 1\n", filePath: "cv.toml", environment: [:], flags: [:])
        }
    }

    @Test func wrongTypesAndValuesAreNamed() async throws {
        await #expect(throws: ServiceSettings.Failure.wrongType(source: "f line 2", key: "server.port", expected: "an integer")) {
            try await ServiceSettings.resolve(fileText: "[server]\nport = \"8080\"", filePath: "f", environment: [:], flags: [:])
        }
        await #expect(throws: ServiceSettings.Failure.wrongType(source: "CIVICVAULT_PORT", key: "server.port", expected: "an integer")) {
            try await ServiceSettings.resolve(fileText: nil, environment: ["CIVICVAULT_PORT": "eighty"], flags: [:])
        }
        await #expect(throws: ServiceSettings.Failure.self) {
            try await ServiceSettings.resolve(fileText: nil, environment: [:], flags: [.logFormat: .string("xml")])
        }
        await #expect(throws: ServiceSettings.Failure.self) {
            try await ServiceSettings.resolve(fileText: "[server]\nport = 70000", environment: [:], flags: [:])
        }
        await #expect(throws: ServiceSettings.Failure.wrongType(source: "CIVICVAULT_SECURE_COOKIES", key: "server.secure_cookies", expected: "true or false")) {
            try await ServiceSettings.resolve(fileText: nil, environment: ["CIVICVAULT_SECURE_COOKIES": "maybe"], flags: [:])
        }
        #expect(try ServiceSettings.resolve(fileText: nil, environment: ["CIVICVAULT_SECURE_COOKIES": "true"], flags: [:]).secureCookies)
        // A threshold above the number of witness keys.
        await #expect(throws: ServiceSettings.Failure.self) {
            try await ServiceSettings.resolve(fileText: "[witnesses]\nthreshold = 1", environment: [:], flags: [:])
        }
    }

    @Test func syntaxOutsideTheSubsetIsRefusedWithItsLine() {
        let bad: [(String, Int)] = [
            ("[server]\nport = 1.5", 2), ("[server]\nhost = \"open", 2), ("a.b = 1", 1), ("[server]\n[server]", 2),
            ("[log]\nlevel = \"a\"\nlevel = \"b\"", 3), ("x = 2024-01-01", 1), ("x = {a = 1}", 1), ("x = [1, 2]", 1),
            ("x = 012", 1), ("x = 1__0", 1), ("x = \"a\" junk", 1), ("[[t]]", 1), ("x = \"\\q\"", 1), ("x = [\"a\"", 1),
            ("= 1", 1), ("\"k\" = 1", 1),
        ]
        for (text, line) in bad {
            do {
                _ = try TOMLSubset.parse(text)
                Issue.record("accepted: \(text)")
            } catch let e as TOMLSubset.SyntaxError {
                #expect(e.line == line, "\(text): \(e)")
            } catch {
                Issue.record("\(error)")
            }
        }
    }

    @Test func stringsAndIntegers() throws {
        let entries = try TOMLSubset.parse(#"a = "x\"y\\z\u00e9\n"  # c"# + "\nb = 'C:\\raw'\nc = -12\nd = +3\ne = 0\nf = true\ng = []\n")
        #expect(entries.map(\.value) == [
            .string("x\"y\\z\u{e9}\n"), .string("C:\\raw"), .integer(-12), .integer(3), .integer(0), .boolean(true), .strings([]),
        ])
    }

    /// The example file shipped in deploy/ parses with every key known.
    @Test func exampleFileParses() throws {
        let path = Self.repo.appendingPathComponent("deploy/civicvault.example.toml").path
        let s = try ServiceSettings.resolve(configPath: path, environment: [:], flags: [:])
        #expect(s.keys == "/var/lib/civicvault/keys" && s.data == "/var/lib/civicvault/data" && s.logFormat == .json)
        #expect(s.schemas == ["/etc/civicvault/schemas/citizen.json"])
    }
}
