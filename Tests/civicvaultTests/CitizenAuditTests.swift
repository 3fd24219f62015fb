import Foundation
import Testing
import VaultTestSupport

/// `civicvault citizen audit` against real `serve` processes on both backends: complete on an honest node (by tag
/// lookup and by scan); failing, naming the event, when a citizen-event row is deleted, when another citizen's
/// event is added to the log, and when the node's tag lookup hides an entry that a follower's mirror still serves.
@Suite(.serialized) struct CitizenAuditTests {
    static let citizen = "38001010000"

    @Test(arguments: StorageBackend.available) func auditIsCompleteOnAnHonestNodeAndNamesEachTampering(backend: StorageBackend) async throws {
        let (node, token) = try await Self.servedWithCitizenToken(backend)
        defer { node.cleanUp() }
        defer { node.stop() }
        let body: [String: Any] = ["type": "citizen", "national_id": Self.citizen, "values": [
            "national_id": Self.citizen, "full_name": "Mari Maasikas", "birth_date": "1980-01-01", "district": "north", "income": 21000,
        ]]
        let (created, record) = try await node.request("POST", "/v1/records", token: node.tokens["department"], json: body)
        #expect(created == 201)
        let id = try #require(record["record"] as? String)
        #expect(try await node.request("GET", "/v1/records/\(id)?purpose=audit", token: node.tokens["officer"]).0 == 200)
        var other = body
        other["national_id"] = "49002020000"
        other["values"] = ["national_id": "49002020000", "full_name": "Jaan Tamm", "birth_date": "1990-02-02"]
        #expect(try await node.request("POST", "/v1/records", token: node.tokens["department"], json: other).0 == 201)

        func audit(_ extra: [String] = [], url: String? = nil) throws -> CLI.Result {
            try CLI.run(["citizen", "audit", "--url", url ?? node.base, "--token", token, "--ledger-key", node.keys + "/node.pub"] + extra)
        }
        let honest = try audit()
        #expect(honest.status == 0 && honest.stdout.contains("complete: 2 events"), "\(honest.stdout)\(honest.stderr)")
        let scanned = try audit(["--scan"])
        #expect(scanned.status == 0 && scanned.stdout.contains("complete: 2 events"), "\(scanned.stdout)\(scanned.stderr)")

        // The citizen's own events and another citizen's, from the tables.
        let db = try node.inspector()
        defer { db.close() }
        let (_, log) = try await node.request("GET", "/v1/citizens/me/access-log", token: token)
        let mine = (log["events"] as? [[String: Any]] ?? []).compactMap { ($0["ledger_index"] as? NSNumber)?.int64Value }
        #expect(mine.count == 2)
        let theirs = try #require(try db.integers("SELECT ledger_idx FROM vault_citizen_event ORDER BY ledger_idx").first { !mine.contains($0) })

        // Another citizen's event added to the log.
        try db.execute("INSERT INTO vault_citizen_event (citizen, ledger_idx) SELECT citizen, \(theirs) FROM vault_citizen_event WHERE ledger_idx = \(mine[0])")
        let added = try audit()
        #expect(added.status == 1 && added.stdout.contains("ledger_idx \(theirs)"), "\(added.stdout)")
        try db.execute("DELETE FROM vault_citizen_event WHERE ledger_idx = \(theirs) AND citizen = (SELECT citizen FROM vault_citizen_event WHERE ledger_idx = \(mine[0]))")
        #expect(try audit().status == 0)

        // One of the citizen's event rows deleted.
        let row = try db.bytes("SELECT citizen FROM vault_citizen_event WHERE ledger_idx = \(mine[1])")
        #expect(row.count == 1)
        try db.execute("DELETE FROM vault_citizen_event WHERE ledger_idx = \(mine[1])")
        let deleted = try audit()
        #expect(deleted.status == 1 && deleted.stdout.contains("ledger_idx \(mine[1])"), "\(deleted.stdout)")
    }

    @Test func aNodeHidingATagIsCaughtByAFollowersMirror() async throws {
        let (node, token) = try await Self.servedWithCitizenToken(.sqlite)
        defer { node.cleanUp() }
        defer { node.stop() }
        let body: [String: Any] = ["type": "citizen", "national_id": Self.citizen, "values": [
            "national_id": Self.citizen, "full_name": "Mari Maasikas", "birth_date": "1980-01-01",
        ]]
        let (_, record) = try await node.request("POST", "/v1/records", token: node.tokens["department"], json: body)
        let id = try #require(record["record"] as? String)
        #expect(try await node.request("GET", "/v1/records/\(id)?purpose=audit", token: node.tokens["officer"]).0 == 200)
        // ServiceProcess and waitFor block on URLSession: off the cooperative pool.
        let (base, keys, directory) = (node.base, node.keys, node.directory)
        let follower = try await Self.blocking {
            try ServiceProcess(
                arguments: ["--log", base, "--log-key", keys + "/node.pub", "--data", directory.appendingPathComponent("follower").path, "--interval", "1"],
                log: directory.appendingPathComponent("follower.out"), command: "follow")
        }
        defer { follower.stop() }
        let (_, health) = try await node.request("GET", "/health")
        let size = try #require((health["tree_size"] as? NSNumber)?.intValue)
        #expect(try await Self.blocking { FollowerTests.waitFor(size: size, at: follower.url) })
        // A node whose operator hides the citizen's second event: a proxy in front of the real node that answers
        // 404 for that one tag and passes everything else through.
        let (_, keyAnswer) = try await node.request("GET", "/v1/citizens/me/trail-key", token: token)
        let hiddenTag = try Self.tag(key: try #require(keyAnswer["trail_key"] as? String), n: 1)
        let proxy = try HidingProxy(target: node.base, hiding: hiddenTag)
        defer { proxy.stop() }
        func audit(_ extra: [String]) throws -> CLI.Result {
            try CLI.run(["citizen", "audit", "--url", proxy.url, "--token", token, "--ledger-key", node.keys + "/node.pub"] + extra)
        }
        let alone = try audit([])
        #expect(alone.status == 1 && alone.stdout.contains("not one of your tagged entries"), "\(alone.stdout)")
        let withMirror = try audit(["--mirror", follower.url])
        #expect(withMirror.status == 1 && withMirror.stdout.contains("event 1 ") && withMirror.stdout.contains("hidden by \(proxy.url)"), "\(withMirror.stdout)")
    }

    /// A served node and a citizen token of `citizen` on it.
    static func servedWithCitizenToken(_ backend: StorageBackend) async throws -> (ServedNode, String) {
        let node = try ServedNode(backend)
        let made = try CLI.run(["token", "create", "--keys", node.keys] + node.storeArguments + ["--role", "citizen", "--for", "citizen-1", "--national-id", citizen])
        try await node.start()
        return (node, made.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// Runs blocking work (URLSession behind a semaphore) on a global queue rather than on the test's executor.
    static func blocking<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(with: Result { try body() }) }
        }
    }

    /// tag_n = HMAC-SHA-256(trail key, u64be(n)), as the citizen computes it (here with Python's hmac, an
    /// independent implementation of the format).
    static func tag(key: String, n: Int) throws -> String {
        let script = "import hmac,hashlib,base64,sys; print(hmac.new(base64.b64decode(sys.argv[1]), int(sys.argv[2]).to_bytes(8,'big'), hashlib.sha256).hexdigest())"
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", script, key, String(n)]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        p.waitUntilExit()
        return String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// A real HTTP server in front of a node that passes every request through except tag lookups of one tag, which
/// it answers 404: what an operator hiding a citizen's event from the tag lookup would run.
final class HidingProxy: @unchecked Sendable {
    let process: Process
    let url: String

    init(target: String, hiding tag: String) throws {
        let script = """
            import http.server, urllib.request, urllib.error, sys
            target, hidden = sys.argv[1], sys.argv[2]
            class H(http.server.BaseHTTPRequestHandler):
                def do_GET(self):
                    if hidden in self.path:
                        body = b'{"error":"not_found","message":"no entry carries this tag"}'
                        self.send_response(404); self.send_header('Content-Length', str(len(body))); self.end_headers(); self.wfile.write(body); return
                    headers = {k: v for k, v in self.headers.items() if k.lower() == 'authorization'}
                    try:
                        r = urllib.request.urlopen(urllib.request.Request(target + self.path, headers=headers)); code, body = r.status, r.read()
                    except urllib.error.HTTPError as e:
                        code, body = e.code, e.read()
                    self.send_response(code); self.send_header('Content-Length', str(len(body))); self.end_headers(); self.wfile.write(body)
                def log_message(self, *a): pass
            s = http.server.ThreadingHTTPServer(('127.0.0.1', 0), H)
            print(s.server_address[1], flush=True)
            s.serve_forever()
            """
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, target, tag]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        var line = Data()
        while !line.contains(0x0a) {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        url = "http://127.0.0.1:" + String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// SIGKILL: a child of Foundation's Process may have SIGTERM blocked.
    func stop() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}
