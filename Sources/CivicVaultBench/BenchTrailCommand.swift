import ArgumentParser
import Foundation
import GRDB
import VaultCore
import VaultCrypto
import VaultLedger
import VaultNode
import VaultSQLite
#if canImport(Glibc)
import Glibc
#endif

/// `civicvault-bench trail`: what `citizen audit` costs on a ledger of N entries in which one citizen has K tagged
/// entries, in process (no HTTP): the lookup walk (per event a `TagIndex` lookup, the entry and an inclusion proof
/// verified against the signed checkpoint), the scan (every entry read, leaf-hashed, the root rebuilt, tags
/// collected) and the node's start-up replay (`Vault.loadAnchor`), beside SHA-256 of N messages of the entries'
/// size and a raw SQLite read of every entry, measured in the same run. The entries are the ledger bench's, each with
/// a tag (the citizen's from `CitizenTrail.tag(key:_:)` under a random K_citizen, others random) and no `citizen_box`:
/// the replay indexes every tag but opens no box and builds no record state, so it is a floor for a real node's.
struct BenchTrailCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "trail", abstract: "Benchmark the citizen trail audit (lookup and scan) and the node's replay.")

    @Option(help: "Ledger entries.") var entries: Int = 1_000_000
    @Option(help: "Tagged entries of the audited citizen, spread across the log.") var events: Int = 20
    @Option(help: "Entries per append transaction while building the ledger.") var batch: Int = 10_000
    @OptionGroup var output: BenchOutputOptions

    func validate() throws {
        guard entries >= 1, batch >= 1 else { throw ValidationError("--entries and --batch must be at least 1") }
        guard events >= 1, events <= entries else { throw ValidationError("--events must be between 1 and --entries") }
    }

    func run() async throws {
        try await runBench()
    }

    /// The i-th entry: the ledger bench's record-shaped entry, carrying `tag`.
    static func entry(_ i: Int, tag: [UInt8]) throws -> LedgerEntry {
        let sample = try BenchLedgerCommand.sampleEntry(i)
        var attributes = sample.attributes
        attributes["tag"] = .bytes(tag)
        return try LedgerEntry(type: sample.type, timestampMs: sample.timestampMs, actor: sample.actor, attributes: attributes)
    }

    /// Resident memory of this process in bytes (/proc/self/statm), or nil where there is none.
    static func residentBytes() -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return nil }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return nil }
        return pages * sysconf(Int32(_SC_PAGESIZE))
    }

    /// Hands freed heap back to the system (glibc's malloc_trim, looked up at run time), so a resident-memory
    /// delta counts what is live rather than what an earlier phase freed.
    static func trimHeap() {
        #if canImport(Glibc)
        guard let symbol = dlsym(nil, "malloc_trim") else { return }
        _ = unsafeBitCast(symbol, to: (@convention(c) (Int) -> Int32).self)(0)
        #endif
    }

    /// Tags probed past the first unknown one, as `civicvault citizen audit` does (`CitizenAuditCommand.lookahead`;
    /// CivicVaultBenchTests checks the two agree).
    static let auditLookahead: UInt64 = 8

    /// Synchronous, so GRDB's blocking `read`/`write` are used.
    func runBench() async throws {
        let dir = BenchOutputOptions.scratchDirectory(under: output.scratch, name: "trail")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let keys = NodeKeys.generate(name: "bench.civicvault/node")
        let citizenKey = SecureBytes(copying: RandomBytes.generate(32))
        // Event k of the citizen sits at a random index of the k-th of K equal stretches of the log.
        let spacing = entries / events
        var eventAt: [Int: UInt64] = [:]
        for k in 0..<events { eventAt[k * spacing + Int.random(in: 0..<spacing)] = UInt64(k) }

        // 1. The ledger, signed with the node's keys, appended in batches through the node's own store.
        var entryBytes = 0
        let build = try BenchClock.wall {
            let storage = try NodeStorage.open(dataDirectory: dir, keys: keys)
            try SQLiteLedgerStore.useLargePageCache(storage.database)
            for start in stride(from: 0, to: entries, by: batch) {
                let chunk = try (start..<min(start + batch, entries)).map { i in
                    try Self.entry(i, tag: eventAt[i].map { CitizenTrail.tag(key: citizenKey, $0) } ?? RandomBytes.generate(32))
                }
                entryBytes += chunk.reduce(0) { $0 + EntryCodec.encode($1).count }
                _ = try storage.ledger.append(chunk)
            }
        }
        let avgBytes = entryBytes / entries
        let log2N = log2(Double(entries))
        print(String(format: "bench trail: %d entries (~%d bytes each, built in %.1f s), citizen with %d events, %d cores",
                     entries, avgBytes, build, events, ProcessInfo.processInfo.activeProcessorCount))
        var results = BenchResults(bench: "trail")
        results.set("entries", entries)
        results.set("events", events)
        results.set("entry_bytes", avgBytes)
        results.set("build_s", build)
        results.set("log2_entries", log2N)

        // 2. The node's start-up replay: a fresh NodeStorage over the same database, then loadAnchor.
        Self.trimHeap()
        let rssBefore = Self.residentBytes()
        var anchored: (size: UInt64, tags: Int) = (0, 0)
        var openSeconds = 0.0
        let replay = try await BenchClock.measure {
            var storage: NodeStorage?
            openSeconds = try BenchClock.wall { storage = try NodeStorage.open(dataDirectory: dir, keys: keys) }
            try await storage!.vault.loadAnchor()
            anchored = (storage!.vault.anchor.size, storage!.vault.anchor.withState { $0.tags.count })
            let rssAfter = Self.residentBytes()
            if let rssBefore, let rssAfter {
                results.set("replay_rss_before_mb", Double(rssBefore) / 1e6)
                results.set("replay_rss_after_mb", Double(rssAfter) / 1e6)
            }
        }
        guard anchored.size == UInt64(entries), anchored.tags == entries else {
            throw BenchFailure("the replay applied \(anchored.size) entries and \(anchored.tags) tags, not \(entries)")
        }
        results.set("replay_s", replay.wall - openSeconds)
        results.set("replay_open_s", openSeconds)
        results.set("replay_entries_per_s", Double(entries) / (replay.wall - openSeconds))
        results.set("replay_cpu_us_per_entry", replay.cpu / Double(entries) * 1e6)
        let memory = results["replay_rss_before_mb"].map { before in
            String(format: "; resident %.0f -> %.0f MB", before, results["replay_rss_after_mb"] ?? -1)
        } ?? ""
        print(String(format: "replay:   loadAnchor %.2f s (%.0f entries/s; open %.3f s)", replay.wall - openSeconds,
                     Double(entries) / (replay.wall - openSeconds), openSeconds) + memory)

        // The auditor's view of the same database: the ledger store and the signed checkpoint.
        let store = try SQLiteLedgerStore.open(path: NodeDatabase.path(inDataDirectory: dir), signer: LedgerSigner(name: keys.name, key: keys.signingKey))
        guard let note = try store.latestCheckpoint() else { throw BenchFailure("the ledger has no checkpoint") }
        let verifierKey = store.signer.verifierKey

        // 3. Baselines: a raw SQLite read of every entry, and SHA-256 of N messages of the entries' average size.
        var rawBytes = 0
        let raw = try BenchClock.wall {
            try store.writer.read { db in
                let rows = try Row.fetchCursor(db, sql: "SELECT entry FROM ledger_entry")
                while let row = try rows.next() { rawBytes += try row.withUnsafeData(atIndex: 0) { $0?.count ?? 0 } }
            }
        }
        guard rawBytes == entryBytes else { throw BenchFailure("raw read \(rawBytes) bytes, appended \(entryBytes)") }
        var message = [UInt8](repeating: 0x5a, count: avgBytes)
        var sink: UInt8 = 0
        let sha = BenchClock.wall {
            for i in 0..<entries {
                message[0] = UInt8(truncatingIfNeeded: i)
                sink ^= SHA256.hash(message)[0]
            }
        }
        results.set("raw_read_entries_per_s", Double(entries) / raw)
        results.set("sha256_messages_per_s", Double(entries) / sha)
        results.set("sha256_sink", Int(sink))
        print(String(format: "floor:    raw SQLite read %.0f entries/s (%.2f s); SHA-256 of %d-byte messages %.0f/s (%.2f s)",
                     Double(entries) / raw, raw, avgBytes, Double(entries) / sha, sha))

        // 4. Scan: every entry up to the checkpoint, leaf-hashed into the root, tags collected; then the walk.
        var scanFound = 0
        let scan = try BenchClock.measure {
            let checkpoint = try Checkpoint.open(note, keys: [verifierKey], origin: keys.name).0
            var edge = CompactRange()
            var tags: [[UInt8]: UInt64] = [:]
            try store.read { reader in
                while edge.size < checkpoint.treeSize {
                    let page = try reader.entries(from: edge.size, limit: Int(min(4096, checkpoint.treeSize - edge.size)))
                    guard !page.isEmpty else { throw BenchFailure("the ledger ended at \(edge.size)") }
                    for stored in page {
                        if case let .bytes(tag)? = try EntryCodec.decode(stored.bytes).attributes["tag"] { tags[tag] = stored.index }
                        try edge.append(leafHash: MerkleMath.leafHash(stored.bytes))
                    }
                }
            }
            guard ConstantTime.equals(edge.root, checkpoint.root) else { throw BenchFailure("the scan does not rebuild the root") }
            var n: UInt64 = 0, missing: UInt64 = 0
            while missing <= Self.auditLookahead {
                if tags[CitizenTrail.tag(key: citizenKey, n)] != nil { scanFound += 1; missing = 0 } else { missing += 1 }
                n += 1
            }
        }
        guard scanFound == events else { throw BenchFailure("the scan found \(scanFound) of \(events) events") }
        results.set("scan_s", scan.wall)
        results.set("scan_entries_per_s", Double(entries) / scan.wall)
        results.set("scan_cpu_us_per_entry", scan.cpu / Double(entries) * 1e6)
        print(String(format: "scan:     %.2f s (%.0f entries/s); scan/raw read = %.1f, scan/SHA-256 = %.1f",
                     scan.wall, Double(entries) / scan.wall, scan.wall / raw, scan.wall / sha))

        // 5. Lookup: the audit's walk against a TagIndex over the ledger (what a follower serves), built first;
        //    per tag what `GET /v1/ledger/tags/{tag}` does (index, proof, entry) and what the audit checks.
        let index = TagIndex(ledger: store)
        let indexBuild = try BenchClock.wall { _ = try index.index(of: []) }
        var lookups = 0, found = 0, proofHashes = 0
        let walk = try BenchClock.measure {
            let checkpoint = try Checkpoint.open(note, keys: [verifierKey], origin: keys.name).0
            var n: UInt64 = 0
            var ended: UInt64?
            while true {
                let tag = CitizenTrail.tag(key: citizenKey, n)
                lookups += 1
                guard checkpoint.treeSize <= (try store.treeSize()), let at = try index.index(of: tag), at < checkpoint.treeSize else {
                    if ended == nil { ended = n }
                    if n - ended! >= Self.auditLookahead { break }
                    n += 1
                    continue
                }
                let proof = try store.inclusionProof(index: at, treeSize: checkpoint.treeSize)
                let bytes = try store.entry(at: at).bytes
                guard try EntryCodec.decode(bytes).attributes["tag"] == .bytes(tag) else { throw BenchFailure("entry \(at) lacks tag \(n)") }
                try proof.verify(leafHash: MerkleMath.leafHash(bytes), root: checkpoint.root)
                proofHashes += proof.hashes.count
                guard ended == nil else { throw BenchFailure("event \(ended!) is missing") }
                found += 1
                n += 1
            }
        }
        guard found == events else { throw BenchFailure("the walk found \(found) of \(events) events") }
        // Hashes per event: the leaf hash and one per audit-path node (the tag's HMAC not counted).
        let hashesPerEvent = Double(proofHashes + found) / Double(found)
        results.set("tag_index_build_s", indexBuild)
        results.set("lookup_lookups", lookups)
        results.set("lookup_total_ms", walk.wall * 1e3)
        results.set("lookup_us_per_event", walk.wall / Double(events) * 1e6)
        results.set("lookup_cpu_us_per_event", walk.cpu / Double(events) * 1e6)
        results.set("lookup_hashes_per_event", hashesPerEvent)
        results.set("lookup_vs_scan", scan.wall / walk.wall)
        print(String(format: "lookup:   %d lookups (%d events + %d past the end) in %.2f ms: %.1f us per event, %.1f hashes per event (log2 N = %.1f)",
                     lookups, events, lookups - events, walk.wall * 1e3, walk.wall / Double(events) * 1e6, hashesPerEvent, log2N))
        print(String(format: "          tag index built beforehand (TagIndex over the ledger) in %.2f s; scan/lookup = %.0f",
                     indexBuild, scan.wall / walk.wall))
        try results.write(to: output.json)
    }
}
