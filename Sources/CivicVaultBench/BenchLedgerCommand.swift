import ArgumentParser
import Foundation
import GRDB
import VaultCrypto
import VaultLedger
import VaultSQLite

/// `civicvault-bench ledger`: batched ledger appends and inclusion proofs, each beside raw SQLite doing the
/// same rows with the same durability settings (WAL, synchronous=FULL) in the same run, printed as ratios.
struct BenchLedgerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ledger", abstract: "Benchmark ledger appends and proofs against raw SQLite.")

    @Option(help: "Entries to append.") var entries: Int = 1_000_000
    @Option(help: "Entries per append transaction.") var batch: Int = 10_000
    @Option(help: "Inclusion proofs to time.") var proofs: Int = 10_000
    @Option(help: "Scratch directory (default: a fresh temporary directory, removed afterwards).") var scratch: String?
    @Flag(help: "Also time `ledger verify` over the whole log.") var verify = false
    @Option(help: "Also write the results as JSON to this file (for scripts/bench/run.py).") var json: String?

    func validate() throws {
        guard entries >= 1, batch >= 1, proofs >= 1 else { throw ValidationError("--entries, --batch and --proofs must be at least 1") }
    }

    /// An entry shaped like a record.created: ids, a schema, two commitments and a ciphertext hash.
    static func sampleEntry(_ i: Int) throws -> LedgerEntry {
        let b = UInt8(truncatingIfNeeded: i)
        var attributes: [String: LedgerEntry.Value] = [:]
        attributes["record_id"] = .string("rec-\(i)")
        attributes["schema"] = .string("health.v1")
        attributes["commitment.age"] = .bytes(SHA256.hash([b, 1]))
        attributes["commitment.district"] = .bytes(SHA256.hash([b, 2]))
        attributes["ciphertext_hash"] = .bytes(SHA256.hash([b, 3]))
        return try LedgerEntry(type: "record.created", timestampMs: 1_767_225_600_000 + UInt64(i), actor: "dept-health/clerk-\(i % 50)", attributes: attributes)
    }

    static func seconds(_ body: () throws -> Void) rethrows -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    func run() async throws {
        try runBench()
    }

    /// Synchronous, so GRDB's blocking `read`/`write` are used (the async ones would hop threads).
    func runBench() throws {
        let dir = scratch ?? FileManager.default.temporaryDirectory.appendingPathComponent("cv-bench-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { if scratch == nil { try? FileManager.default.removeItem(atPath: dir) } }
        let ledgerPath = (dir as NSString).appendingPathComponent("ledger.sqlite")
        let rawPath = (dir as NSString).appendingPathComponent("raw.sqlite")
        for p in [ledgerPath, rawPath] { for s in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: p + s) } }

        let signer = try LedgerSigner(name: "bench.civicvault/node", key: .generate())
        var all: [LedgerEntry] = []
        all.reserveCapacity(entries)
        for i in 0..<entries { all.append(try Self.sampleEntry(i)) }
        let encoded = all.map(EntryCodec.encode)
        let leaves = encoded.map(MerkleMath.leafHash)
        let avgBytes = encoded.reduce(0) { $0 + $1.count } / max(1, encoded.count)
        print("bench ledger: \(entries) entries (~\(avgBytes) bytes each), batches of \(batch), WAL + synchronous=FULL, \(ProcessInfo.processInfo.activeProcessorCount) cores")

        // Raw SQLite: the same rows (index, leaf hash, entry bytes), prepared statement, same batches.
        let raw = try SQLiteDatabase.open(path: rawPath)
        try raw.write { db in try db.execute(sql: "CREATE TABLE raw_entry (idx INTEGER PRIMARY KEY, leaf_hash BLOB NOT NULL, entry BLOB NOT NULL)") }
        // The ledger: encode, hash, tree, subtree rows, one signed block and checkpoint per batch. Each ledger batch is
        // timed right after the raw batch of the same rows, so a burst of load from other processes hits both.
        let store = try SQLiteLedgerStore.open(path: ledgerPath, signer: signer)
        var rawSeconds = 0.0, ledgerSeconds = 0.0, rawCPU = 0.0, ledgerCPU = 0.0
        for start in stride(from: 0, to: entries, by: batch) {
            let end = min(start + batch, entries)
            let r = try BenchClock.measure {
                try raw.write { db in
                    let insert = try db.cachedStatement(sql: "INSERT INTO raw_entry (idx, leaf_hash, entry) VALUES (?, ?, ?)")
                    for i in start..<end {
                        insert.setUncheckedArguments([Int64(i), Data(leaves[i]), Data(encoded[i])])
                        try insert.execute()
                    }
                }
            }
            let l = try BenchClock.measure { _ = try store.append(Array(all[start..<end])) }
            rawSeconds += r.wall
            rawCPU += r.cpu
            ledgerSeconds += l.wall
            ledgerCPU += l.cpu
        }
        let rawRate = Double(entries) / rawSeconds, ledgerRate = Double(entries) / ledgerSeconds
        var results = BenchResults(bench: "ledger")
        results.set("entries", entries)
        results.set("batch", batch)
        results.set("entry_bytes", avgBytes)
        results.set("ledger_entries_per_s", ledgerRate)
        results.set("ledger_cpu_us_per_entry", ledgerCPU / Double(entries) * 1e6)
        results.set("raw_cpu_us_per_entry", rawCPU / Double(entries) * 1e6)
        results.set("raw_rows_per_s", rawRate)
        print(String(format: "append:   ledger %.0f entries/s (%.2f s)   raw SQLite %.0f rows/s (%.2f s)   ledger/raw = %.2f",
                     ledgerRate, ledgerSeconds, rawRate, rawSeconds, ledgerRate / rawRate))

        // Inclusion proofs at the full size, random indices, each verified outside the timing.
        let n = UInt64(entries)
        var rng = SystemRandomNumberGenerator()
        let indices = (0..<proofs).map { _ in UInt64.random(in: 0..<n, using: &rng) }
        var generated: [InclusionProof] = []
        generated.reserveCapacity(proofs)
        let proofSeconds = try Self.seconds {
            try store.read { reader in
                for i in indices { generated.append(try reader.inclusionProof(index: i, treeSize: n)) }
            }
        }
        let root = try store.read { try $0.root(treeSize: n) }
        for (i, p) in zip(indices, generated) { try p.verify(leafHash: leaves[Int(i)], root: root) }
        let ownTxSeconds = try Self.seconds {
            for i in indices.prefix(1000) { _ = try store.inclusionProof(index: i, treeSize: n) }
        }
        // Raw SQLite point reads of the same rows (one primary-key lookup each), same snapshot style.
        let lookupSeconds = try Self.seconds {
            try raw.read { db in
                let select = try db.cachedStatement(sql: "SELECT leaf_hash FROM raw_entry WHERE idx = ?")
                for i in indices { _ = try Data.fetchOne(select, arguments: [Int64(i)]) }
            }
        }
        var verifyTime = 0.0
        let verifySeconds = Self.seconds { for (i, p) in zip(indices, generated) { _ = try? p.verify(leafHash: leaves[Int(i)], root: root) } }
        let perProof = proofSeconds / Double(proofs) * 1e6, perLookup = lookupSeconds / Double(proofs) * 1e6
        print(String(format: "proof:    inclusion at size %llu: %.1f us each (one read transaction), %.1f us each (own transaction); %d hashes",
                     n, perProof, ownTxSeconds / Double(min(1000, proofs)) * 1e6, generated.first?.hashes.count ?? 0))
        print(String(format: "          raw SQLite primary-key lookup %.1f us each; proof/lookup = %.1f; proof verification %.1f us each",
                     perLookup, perProof / perLookup, verifySeconds / Double(proofs) * 1e6))
        results.set("proof_us", perProof)
        results.set("proof_own_tx_us", ownTxSeconds / Double(min(1000, proofs)) * 1e6)
        results.set("lookup_us", perLookup)
        results.set("proof_verify_us", verifySeconds / Double(proofs) * 1e6)
        results.set("proof_hashes", generated.first?.hashes.count ?? 0)
        if verify {
            var summary: LedgerVerifier.Summary? = nil
            verifyTime = try Self.seconds { summary = try store.read { try LedgerVerifier(verifierKey: signer.verifierKey).verify($0) } }
            results.set("verify_entries_per_s", Double(entries) / verifyTime)
            print(String(format: "verify:   %llu entries, %llu blocks in %.2f s (%.0f entries/s)", summary!.treeSize, summary!.blockCount, verifyTime, Double(entries) / verifyTime))
        }
        let fileSize = { (p: String) in (try? FileManager.default.attributesOfItem(atPath: p)[.size] as? Int) ?? 0 }
        try results.write(to: json)
        print("size:     ledger \(fileSize(ledgerPath) / 1_000_000) MB, raw \(fileSize(rawPath) / 1_000_000) MB (before WAL checkpoint: -wal files not counted)")
    }
}
