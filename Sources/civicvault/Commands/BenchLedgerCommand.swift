import ArgumentParser
import Foundation
import GRDB
import VaultCrypto
import VaultLedger
import VaultSQLite

/// `civicvault bench ledger`: batched ledger appends and inclusion proofs, each beside raw SQLite doing the
/// same rows with the same durability settings (WAL, synchronous=FULL) in the same run, printed as ratios.
struct BenchLedgerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ledger", abstract: "Benchmark ledger appends and proofs against raw SQLite.")

    @Option(help: "Entries to append.") var entries: Int = 1_000_000
    @Option(help: "Entries per append transaction.") var batch: Int = 10_000
    @Option(help: "Inclusion proofs to time.") var proofs: Int = 10_000
    @Option(help: "Scratch directory (default: a fresh temporary directory, removed afterwards).") var scratch: String?
    @Flag(help: "Also time `ledger verify` over the whole log.") var verify = false

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

    /// CPU time of this thread, in seconds (unlike wall time, not inflated by other processes' load).
    static func threadCPU() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
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

        // Raw SQLite: the same rows (index, leaf hash, entry bytes), prepared statement, same batches, and the
        // same database settings (SQLiteDatabase.open: WAL, synchronous=FULL; the ledger's page cache size).
        let raw = try SQLiteDatabase.open(path: rawPath)
        try SQLiteLedgerStore.useLargePageCache(raw)  // the same page cache as the ledger's connection
        try raw.write { db in try db.execute(sql: "CREATE TABLE raw_entry (idx INTEGER PRIMARY KEY, leaf_hash BLOB NOT NULL, entry BLOB NOT NULL)") }
        let store = try SQLiteLedgerStore.open(path: ledgerPath, signer: signer)
        // Batches alternate between raw SQLite and the ledger, so both see the same background load.
        var rawSeconds = 0.0, ledgerSeconds = 0.0
        for start in stride(from: 0, to: entries, by: batch) {
            let end = min(start + batch, entries)
            rawSeconds += try Self.seconds {
                try raw.write { db in
                    let insert = try db.cachedStatement(sql: "INSERT INTO raw_entry (idx, leaf_hash, entry) VALUES (?, ?, ?)")
                    for i in start..<end {
                        insert.setUncheckedArguments([Int64(i), Data(leaves[i]), Data(encoded[i])])
                        try insert.execute()
                    }
                }
            }
            // The ledger: encode, hash, tree, subtree rows, one signed block and checkpoint per batch.
            let slice = Array(all[start..<end])
            ledgerSeconds += try Self.seconds { _ = try store.append(slice) }
        }
        // Where the ledger's time goes, without the database: encoding, leaf hashing, and all of sealing.
        let sample = Array(all.prefix(min(entries, 100_000)))
        var sink = 0
        let encodeSeconds = Self.seconds { for e in sample { sink &+= EntryCodec.encode(e).count } }
        let hashSeconds = Self.seconds { for b in encoded.prefix(sample.count) { sink &+= Int(MerkleMath.leafHash(b)[0]) } }
        let sealSeconds = try Self.seconds {
            for start in stride(from: 0, to: sample.count, by: batch) {
                sink &+= try LedgerAppender.seal(Array(sample[start..<min(start + batch, sample.count)]), after: .empty, frontier: CompactRange(),
                                                signer: signer, timestampMs: 0).entries.count
            }
        }
        let us = { (t: Double) in t / Double(sample.count) * 1e6 }
        print(String(format: "cpu:      per entry: encode %.2f us, leaf hash %.2f us, whole seal (encode, hash, tree, sign) %.2f us; raw insert %.2f us, ledger append %.2f us (%d)",
                     us(encodeSeconds), us(hashSeconds), us(sealSeconds), rawSeconds / Double(entries) * 1e6, ledgerSeconds / Double(entries) * 1e6, sink & 1))
        let rawRate = Double(entries) / rawSeconds, ledgerRate = Double(entries) / ledgerSeconds
        print(String(format: "append:   ledger %.0f entries/s (%.2f s)   raw SQLite %.0f rows/s (%.2f s)   ledger/raw = %.2f",
                     ledgerRate, ledgerSeconds, rawRate, rawSeconds, ledgerRate / rawRate))

        // Inclusion proofs at the full size, random indices, each verified outside the timing.
        let n = UInt64(entries)
        var rng = SystemRandomNumberGenerator()
        let indices = (0..<proofs).map { _ in UInt64.random(in: 0..<n, using: &rng) }
        var generated: [InclusionProof] = []
        generated.reserveCapacity(proofs)
        // Cold: every hash read from the database (tiles remembered only within one proof).
        var coldCPU = Self.threadCPU()
        let coldSeconds = try Self.seconds {
            try store.readUncached { reader in
                for i in indices { generated.append(try reader.inclusionProof(index: i, treeSize: n)) }
            }
        }
        coldCPU = Self.threadCPU() - coldCPU
        let root = try store.readUncached { try $0.root(treeSize: n) }
        for (i, p) in zip(indices, generated) { try p.verify(leafHash: leaves[Int(i)], root: root) }
        // Warm: the store's cache of complete subtrees, prefilled with the stored subtrees (as a server does
        // at start) and warmed by as many other random proofs.
        var prefilled = 0
        let prefillSeconds = try Self.seconds { prefilled = try store.prefillCache() }
        try store.read { reader in
            for _ in 0..<proofs { _ = try reader.inclusionProof(index: UInt64.random(in: 0..<n, using: &rng), treeSize: n) }
        }
        var warm: [InclusionProof] = []
        warm.reserveCapacity(proofs)
        var warmCPU = Self.threadCPU()
        let warmSeconds = try Self.seconds {
            try store.read { reader in
                for i in indices { warm.append(try reader.inclusionProof(index: i, treeSize: n)) }
            }
        }
        warmCPU = Self.threadCPU() - warmCPU
        guard warm == generated else { throw CLIFailure("cached proofs differ from uncached ones") }
        let ownTxSeconds = try Self.seconds {
            for i in indices.prefix(1000) { _ = try store.inclusionProof(index: i, treeSize: n) }
        }
        // Raw SQLite point reads of the same rows (one primary-key lookup each), in one read transaction.
        let lookupSeconds = try Self.seconds {
            try raw.read { db in
                let select = try db.cachedStatement(sql: "SELECT leaf_hash FROM raw_entry WHERE idx = ?")
                for i in indices { _ = try Data.fetchOne(select, arguments: [Int64(i)]) }
            }
        }
        let verifySeconds = Self.seconds { for (i, p) in zip(indices, generated) { _ = try? p.verify(leafHash: leaves[Int(i)], root: root) } }
        let cold = coldSeconds / Double(proofs) * 1e6, hot = warmSeconds / Double(proofs) * 1e6
        let perLookup = lookupSeconds / Double(proofs) * 1e6
        print(String(format: "proof:    inclusion at size %llu (%d hashes): cold %.1f us, warm cache %.1f us, own transaction (warm) %.1f us",
                     n, generated.first?.hashes.count ?? 0, cold, hot, ownTxSeconds / Double(min(1000, proofs)) * 1e6))
        print(String(format: "          CPU time of the calling thread per proof: cold %.1f us, warm %.1f us (wall time above includes waiting for a core)",
                     coldCPU / Double(proofs) * 1e6, warmCPU / Double(proofs) * 1e6))
        print(String(format: "          cache prefilled with %d stored subtrees in %.2f s; %d cached after the warm-up", prefilled, prefillSeconds, store.cache.count))
        print(String(format: "          raw SQLite primary-key lookup %.1f us; cold/lookup = %.1f, warm/lookup = %.1f; verifying a proof %.1f us",
                     perLookup, cold / perLookup, hot / perLookup, verifySeconds / Double(proofs) * 1e6))
        var verifyTime = 0.0
        if verify {
            var summary: LedgerVerifier.Summary? = nil
            verifyTime = try Self.seconds { summary = try store.readUncached { try LedgerVerifier(verifierKey: signer.verifierKey).verify($0) } }
            print(String(format: "verify:   %llu entries, %llu blocks in %.2f s (%.0f entries/s)", summary!.treeSize, summary!.blockCount, verifyTime, Double(entries) / verifyTime))
        }
        let fileSize = { (p: String) in ((try? FileManager.default.attributesOfItem(atPath: p)[.size] as? Int) ?? 0) ?? 0 }
        print("size:     ledger \(fileSize(ledgerPath) / 1_000_000) MB, raw \(fileSize(rawPath) / 1_000_000) MB (before WAL checkpoint: -wal files not counted)")
    }
}
