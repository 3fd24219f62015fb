import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
import VaultLedger
import VaultTestSupport

/// kill -9 of `civicvault serve` at random moments while clients write records, ask for attestations, read and
/// rotate a tier over HTTP. After each kill: every acknowledged write is in the database and reads back with its
/// exact values, every acknowledged attestation is an `attested` entry at its index, every record present is
/// complete (its `record.created` entry is on the ledger and all its fields decrypt), no rotation is left
/// half-done after the restart, and `ledger verify` passes.
///
/// Runs on SQLite and on PostgreSQL. 5 cycles each in `make test`; `make soak` sets CIVICVAULT_CRASH_CYCLES=50.
@Suite(.serialized) struct ServerCrashTests {
    /// What the server acknowledged (a 2xx answer reached the client).
    actor Acks {
        var records: [String: [String: String]] = [:]
        var attestations: [UInt64] = []
        var rotations: [(tier: String, version: Int)] = []
        var requests = 0
        var recordIDs: [String] { Array(records.keys) }

        func record(_ id: String, _ values: [String: String]) { records[id] = values }
        func attested(_ index: UInt64) { attestations.append(index) }
        func rotated(_ tier: String, _ version: Int) { rotations.append((tier, version)) }
        func sent() { requests += 1 }
        func anyRecord() -> String? { records.keys.randomElement() }
    }

    static var cycles: Int { ProcessInfo.processInfo.environment["CIVICVAULT_CRASH_CYCLES"].flatMap(Int.init) ?? 5 }

    /// One client: writes, attests, reads and (worker 0) rotates until the connection fails.
    static func worker(_ node: ServedNode, _ acks: Acks, worker: Int, cycle: Int) async {
        var n = 0
        while true {
            n += 1
            await acks.sent()
            let roll = Int.random(in: 0..<100)
            let some = await acks.anyRecord()
            do {
                if roll < 60 || some == nil {
                    let tag = "\(cycle)-\(worker)-\(n)-\(Int.random(in: 0..<1_000_000))"
                    let values: [String: Any] = [
                        "national_id": "CRASH-NID-\(tag)", "full_name": "Crash Citizen \(tag)",
                        "birth_date": String(format: "19%02d-%02d-%02d", Int.random(in: 30...99), Int.random(in: 1...12), Int.random(in: 1...28)),
                        "district": ["north", "south", "harbour"].randomElement()!, "income": Int.random(in: 0...200_000),
                    ]
                    let (status, body) = try await node.request(
                        "POST", "/v1/records", token: node.tokens["department"], json: ["type": "citizen", "national_id": values["national_id"]!, "values": values])
                    if status == 201, let id = body["record"] as? String { await acks.record(id, values.mapValues { "\($0)" }) }
                } else if roll < 85, let id = some {
                    let nonce = Data((0..<32).map { _ in UInt8.random(in: 0...255) }).base64EncodedString()
                    let (status, body) = try await node.request("POST", "/v1/attestations", token: node.tokens["requester"], json: [
                        "record": id, "predicates": [["field": "birth_date", "age_at_least": 18]],
                        "nonce": nonce, "purpose": "loan-application",
                    ])
                    if status == 201, let index = body["ledger_index"] as? Int { await acks.attested(UInt64(index)) }
                } else if roll < 97 || worker != 0, let id = some {
                    _ = try await node.request("GET", "/v1/records/\(id)?purpose=audit", token: node.tokens["officer"])
                } else {
                    let tier = ["confidential", "restricted", "internal"].randomElement()!
                    let (status, body) = try await node.request("POST", "/v1/tiers/\(tier)/rotate", token: node.tokens["officer"])
                    if status == 200, let version = body["version"] as? Int { await acks.rotated(tier, version) }
                }
            } catch {
                return  // the server is gone
            }
        }
    }

    @Test(arguments: StorageBackend.available) func killNineWhileServingLosesNothingAcknowledged(backend: StorageBackend) async throws {
        signal(SIGPIPE, SIG_IGN)
        let node = try ServedNode(backend)
        defer { node.cleanUp() }
        let acks = Acks()
        var checked: Set<String> = []
        var survived = 0
        for cycle in 0..<Self.cycles {
            try await node.start()
            async let w0: Void = Self.worker(node, acks, worker: 0, cycle: cycle)
            async let w1: Void = Self.worker(node, acks, worker: 1, cycle: cycle)
            async let w2: Void = Self.worker(node, acks, worker: 2, cycle: cycle)
            try await Task.sleep(nanoseconds: UInt64.random(in: 150_000_000...900_000_000))
            node.kill9()
            _ = await (w0, w1, w2)

            // On the files as the kill left them (no server running): completeness and the whole ledger.
            let acked = await acks.records
            let attested = await acks.attestations
            let inspector = try node.inspector()
            try Self.checkDatabase(inspector, acked: Set(acked.keys), attested: attested)
            inspector.close()
            let verify = try CLI.run(["ledger", "verify", "--keys", node.keys] + node.storeArguments)
            #expect(verify.status == 0, "cycle \(cycle): \(verify.stderr)")

            // After a restart: acknowledged records read back exactly; no rotation is left half-done.
            try await node.start()
            let (status, tiers) = try await Self.tiers(node)
            #expect(status == 200 && tiers.allSatisfy { ($0["rotating"] as? Bool) == false }, "cycle \(cycle): \(tiers)")
            for (tier, version) in await acks.rotations {
                #expect(tiers.contains { $0["name"] as? String == tier && ($0["current_version"] as? Int ?? 0) >= version })
            }
            // Every new acknowledged record, and a sample of older ones (all of them when the run is short).
            let fresh = acked.keys.filter { !checked.contains($0) }
            let sample = Self.cycles <= 10 ? Array(checked) : Array(checked.shuffled().prefix(20))
            for id in fresh + sample {
                let (status, body) = try await node.request("GET", "/v1/records/\(id)?purpose=audit", token: node.tokens["officer"])
                #expect(status == 200, "cycle \(cycle): record \(id) answered \(status) \(body)")
                let fields = body["fields"] as? [String: Any] ?? [:]
                for (name, value) in acked[id] ?? [:] {
                    #expect("\(fields[name] ?? "<missing>")" == value, "cycle \(cycle): record \(id) field \(name)")
                }
                checked.insert(id)
            }
            node.kill9()
            survived += 1
        }
        let requests = await acks.requests, records = await acks.records.count, attestations = await acks.attestations.count
        let rotations = await acks.rotations.count
        print("crash (\(backend)): \(survived) kill -9 cycles survived; \(requests) requests sent; acknowledged \(records) records, \(attestations) attestations, \(rotations) rotations; all present, readable and verified")
        #expect(survived == Self.cycles)
        #expect(records > 0)
    }

    static func tiers(_ node: ServedNode) async throws -> (Int, [[String: Any]]) {
        var request = URLRequest(url: URL(string: node.base + "/v1/tiers")!)
        request.setValue("Bearer \(node.tokens["officer"]!)", forHTTPHeaderField: "Authorization")
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, (try? JSONSerialization.jsonObject(with: data)) as? [[String: Any]] ?? [])
    }

    /// Every acknowledged record and attestation is in the database; every record there has its creation on the
    /// ledger and all of its data keys and fields (nothing half-written), and nothing points past the ledger.
    static func checkDatabase(_ db: DatabaseInspector, acked: Set<String>, attested: [UInt64]) throws {
        let present = Set(try db.strings(column: "id", of: "vault_record"))
        #expect(acked.isSubset(of: present), "acknowledged records missing: \(acked.subtracting(present).sorted().prefix(5))")
        let stored = try db.ledgerEntries()
        var created: Set<String> = []
        var kinds: [UInt64: String] = [:]
        for entry in stored {
            let decoded = try EntryCodec.decode(entry.bytes)
            kinds[entry.index] = decoded.type
            if decoded.type == LedgerEntry.Kind.recordCreated, case let .string(id)? = decoded.attributes["record"] { created.insert(id) }
        }
        #expect(present.isSubset(of: created), "records without their ledger entry: \(present.subtracting(created).sorted().prefix(5))")
        for index in attested { #expect(kinds[index] == LedgerEntry.Kind.question, "acknowledged attestation \(index) is \(kinds[index] ?? "missing")") }
        // citizen.json: 5 fields written here over 3 tiers, 3 of them attestable.
        let halfWritten = try db.integers("""
            SELECT COUNT(*) AS v FROM vault_record r WHERE r.shredded = FALSE AND (
                (SELECT COUNT(*) FROM vault_field f WHERE f.record_id = r.id) <> 5
                OR (SELECT COUNT(*) FROM vault_data_key k WHERE k.record_id = r.id) <> 3
                OR (SELECT COUNT(*) FROM vault_opening o WHERE o.record_id = r.id) <> 3)
            """)
        #expect(halfWritten == [0], "records half-written (not 5 fields, 3 keys, 3 openings)")
        let dangling = try db.integers("SELECT COUNT(*) AS v FROM vault_citizen_event WHERE ledger_idx >= \(stored.count)")
        #expect(dangling == [0])
    }
}
