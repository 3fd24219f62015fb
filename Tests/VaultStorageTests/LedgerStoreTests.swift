import Foundation
import Testing
import VaultCore
import VaultCrypto
import VaultLedger
import VaultNode
import VaultTestSupport

/// The ledger of every backend: the same roots and proofs as the in-memory tree, appends atomic with the
/// caller's transaction, several nodes appending to one database, and every tampered row named.
@Suite struct LedgerStoreTests {
    static func entry(_ i: Int) -> LedgerEntry {
        try! LedgerEntry(type: "record.created", timestampMs: 1_700_000_000_000 + UInt64(i), actor: "dept/clerk",
                         attributes: ["record_id": .string("rec-\(i)"), "commitment": .bytes(SHA256.hash([UInt8(i & 0xff)]))])
    }

    static func filled(_ backend: StorageBackend, batches: [Int]) throws -> TestStore {
        let test = try TestStore(backend)
        var i = 0
        for n in batches {
            let receipt = try test.ledger.append((0..<n).map { entry(i + $0) })
            #expect(receipt.indices == UInt64(i)..<UInt64(i + n))
            i += n
        }
        return test
    }

    @Test func postgresIsPresentWhenRequired() {
        if StorageBackend.postgresRequired {
            #expect(StorageBackend.postgresURL != nil, "CIVICVAULT_REQUIRE_POSTGRES=1 but CIVICVAULT_TEST_POSTGRES_URL is not a PostgreSQL URL")
            #expect(StorageBackend.postgresCertificate != nil, "CIVICVAULT_REQUIRE_POSTGRES=1 but CIVICVAULT_TEST_POSTGRES_CA (the server's TLS certificate) is not set")
        }
    }

    @Test(arguments: StorageBackend.available) func rootsAndProofsMatchTheInMemoryTree(backend: StorageBackend) async throws {
        let test = try Self.filled(backend, batches: [1, 1, 14, 1, 300, 3, 200])
        defer { test.cleanUp() }
        let ledger = test.ledger
        let n = try ledger.treeSize()
        #expect(n == 520)
        let tree = MerkleTree(entries: (0..<Int(n)).map { EntryCodec.encode(Self.entry($0)) })
        for size in [UInt64(1), 2, 15, 16, 17, 255, 256, 257, 316, 319, 520, UInt64.random(in: 1...520)] {
            #expect(try ledger.root(treeSize: size) == (try tree.root(size: size)))
            for m in [0, size / 3, size - 1] {
                let proof = try ledger.inclusionProof(index: m, treeSize: size)
                #expect(proof == (try InclusionProof.generate(leafIndex: m, treeSize: size, from: tree)))
                try proof.verify(leafHash: try ledger.entry(at: m).leafHash, root: try tree.root(size: size))
                #expect(try ledger.consistencyProof(oldSize: m + 1, treeSize: size) == (try ConsistencyProof.generate(oldSize: m + 1, treeSize: size, from: tree)))
            }
        }
        await #expect(throws: LedgerError.self) { try await ledger.inclusionProof(index: 0, treeSize: 521) }
        await #expect(throws: LedgerError.entryMissing(index: 520)) { try await ledger.entry(at: 520) }
        #expect(try ledger.entries(from: 515, limit: 10).map(\.index) == [515, 516, 517, 518, 519])
        let summary = try ledger.verify { _ in }
        #expect(summary.treeSize == 520 && summary.blockCount == 7 && summary.root == tree.root)
        let (checkpoint, _) = try Checkpoint.open(try ledger.latestCheckpoint()!, keys: [ledger.signer.verifierKey], origin: ledger.signer.name)
        #expect(checkpoint.treeSize == 520 && checkpoint.root == tree.root)
        // Another node (or a restart) sees the same ledger.
        let other = try test.reopened().ledger
        #expect(try other.treeSize() == 520)
        #expect(try other.latestCheckpoint() == ledger.latestCheckpoint())
        await #expect(throws: LedgerError.self) { try await test.ledger.append([]) }
    }

    @Test(arguments: StorageBackend.available) func appendsCommitOrRollBackWithTheCallersTransaction(backend: StorageBackend) async throws {
        let test = try TestStore(backend)
        defer { test.cleanUp() }
        let officer = Caller.operatorCLI(id: "officer-1")
        try await test.vault.createStandardTiersIfNeeded(by: officer)
        let before = try test.ledger.treeSize()
        struct Abort: Error {}
        await #expect(throws: Abort.self) {
            try await test.vaultStore.write { tx in
                try tx.saveMember(Member(id: "m-1", role: .department, clearance: "internal", revoked: false))
                _ = try tx.appendLedger([Self.entry(1)], citizens: [nil])
                throw Abort()
            }
        }
        #expect(try test.ledger.treeSize() == before)
        await #expect(try test.vault.member(id: "m-1") == nil)
        // The member row commits with the entry that anchors it (a row without one would be refused as tampered).
        let grant = try LedgerEntry(type: LedgerEntry.Kind.grantAdded, timestampMs: 1, actor: "officer-1", attributes: [
            "member": .string("m-1"), "role": .string("department"), "clearance": .string("internal"),
        ])
        let receipt = try await test.vaultStore.write { tx in
            try tx.saveMember(Member(id: "m-1", role: .department, clearance: "internal", revoked: false))
            return try tx.appendLedger([grant, Self.entry(2)], citizens: [nil, nil])
        }
        #expect(receipt.indices == before..<(before + 2))
        await #expect(try test.vault.member(id: "m-1") != nil)
        #expect(try test.ledger.verify { _ in }.treeSize == before + 2)
    }

    @Test(arguments: StorageBackend.available) func twoNodesAppendingAtOnceExtendOneLedger(backend: StorageBackend) throws {
        let test = try TestStore(backend)
        defer { test.cleanUp() }
        let nodes = [test.ledger, try test.reopened().ledger as! any LedgerStore & NodeLedger]
        let results = Results()
        DispatchQueue.concurrentPerform(iterations: 4) { worker in
            for i in 0..<15 {
                do {
                    let receipt = try nodes[worker % 2].append([Self.entry(worker * 100 + i), Self.entry(worker * 100 + i + 50)])
                    results.add(Array(receipt.indices))
                } catch {
                    results.fail("\(error)")
                }
            }
        }
        #expect(results.failures.isEmpty)
        #expect(results.indices.sorted() == Array(0..<120))
        let summary = try nodes[1].verify { _ in }
        #expect(summary.treeSize == 120 && summary.blockCount == 60)
    }

    @Test(arguments: StorageBackend.available) func tamperedRowsAreNamed(backend: StorageBackend) throws {
        func expectFailure(_ batches: [Int], _ error: LedgerError, _ sql: (TestStore) throws -> [String]) throws {
            let test = try Self.filled(backend, batches: batches)
            defer { test.cleanUp() }
            _ = try test.ledger.verify { _ in }
            for statement in try sql(test) { #expect(try test.execute(statement) == 1, "\(statement)") }
            #expect(throws: error, "\(backend)") { try test.ledger.verify { _ in } }
        }
        // An entry's bytes replaced by another's.
        try expectFailure([10, 30], .leafHashMismatch(index: 17)) { _ in
            ["UPDATE ledger_entry SET entry = (SELECT entry FROM ledger_entry WHERE idx = 16) WHERE idx = 17"]
        }
        // A row deleted, in the middle and at the end.
        try expectFailure([10, 30], .entryMissing(index: 5)) { _ in ["DELETE FROM ledger_entry WHERE idx = 5"] }
        try expectFailure([4], .entryMissing(index: 3)) { _ in ["DELETE FROM ledger_entry WHERE idx = 3"] }
        // Two rows swapped, bytes and leaf hashes together.
        try expectFailure([40], .subtreeHashMismatch(level: 4, index: 0)) { _ in
            ["UPDATE ledger_entry SET idx = 1000000 WHERE idx = 3", "UPDATE ledger_entry SET idx = 3 WHERE idx = 9", "UPDATE ledger_entry SET idx = 9 WHERE idx = 1000000"]
        }
        // A block signature replaced by another block's; a block deleted.
        try expectFailure([1, 1, 1, 1, 1], .blockInvalid(height: 3, check: "signature invalid")) { _ in
            ["UPDATE ledger_block SET signature = (SELECT signature FROM ledger_block WHERE height = 2) WHERE height = 3"]
        }
        try expectFailure([1, 1, 1], .blockMissing(height: 1)) { _ in ["DELETE FROM ledger_block WHERE height = 1"] }
        // A stored subtree hash changed.
        try expectFailure([40], .subtreeHashMismatch(level: 4, index: 1)) { _ in
            ["UPDATE ledger_node SET hash = (SELECT hash FROM ledger_node WHERE level = 4 AND idx = 0) WHERE level = 4 AND idx = 1"]
        }
        // The checkpoint's size rewritten (its signature no longer holds).
        try expectFailure([2, 2], .checkpointInvalid("signature invalid")) { test in
            let note = try test.ledger.latestCheckpoint()!.replacingOccurrences(of: "\n4\n", with: "\n3\n")
            return ["UPDATE ledger_checkpoint SET note = '\(note)' WHERE id = 1"]
        }
    }
}

/// What concurrent appenders report, behind a lock.
final class Results: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var indices: [UInt64] = []
    private(set) var failures: [String] = []
    func add(_ more: [UInt64]) { lock.withLock { indices += more } }
    func fail(_ why: String) { lock.withLock { failures.append(why) } }
}
