import Foundation
import GRDB
import Testing
import VaultCrypto
import VaultLedger
@testable import VaultSQLite

/// The SQLite ledger: same roots and proofs as the in-memory tree, atomic with the caller's transaction,
/// and every tampering of the database file named by the verifier.
@Suite struct SQLiteLedgerStoreTests {
    static let key = try! Ed25519SigningKey(seed: SecureBytes(copying: [UInt8](repeating: 5, count: 32)))
    static let signer = try! LedgerSigner(name: "test.node/sqlite", key: key)

    static func entry(_ i: Int) -> LedgerEntry {
        try! LedgerEntry(type: "record.created", timestampMs: 1_700_000_000_000 + UInt64(i), actor: "dept/clerk",
                         attributes: ["record_id": .string("rec-\(i)"), "commitment": .bytes(SHA256.hash([UInt8(i & 0xff)]))])
    }

    final class Scratch {
        let dir: URL
        var path: String { dir.appendingPathComponent("civicvault.sqlite").path }
        init() throws {
            dir = FileManager.default.temporaryDirectory.appendingPathComponent("cv-ledger-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        }
        deinit { try? FileManager.default.removeItem(at: dir) }
    }

    func filled(_ scratch: Scratch, batches: [Int]) throws -> SQLiteLedgerStore {
        let store = try SQLiteLedgerStore.open(path: scratch.path, signer: Self.signer)
        var i = 0
        for n in batches {
            let receipt = try store.append((0..<n).map { Self.entry(i + $0) })
            #expect(receipt.indices == UInt64(i)..<UInt64(i + n))
            i += n
        }
        return store
    }

    func verify(_ store: SQLiteLedgerStore) throws -> LedgerVerifier.Summary {
        var verifier = LedgerVerifier(verifierKey: Self.signer.verifierKey)
        verifier.pageSize = 50
        return try store.readUncached { try verifier.verify($0) }
    }

    /// Roots and proofs against the in-memory tree on both backends are in VaultStorageTests.LedgerStoreTests;
    /// here, what only this store has: its subtree cache, warm or prefilled, gives what the database gives.
    @Test func proofsFromTheCacheEqualProofsFromTheDatabase() throws {
        let scratch = try Scratch()
        let store = try filled(scratch, batches: [1, 1, 14, 1, 300, 3, 200])
        let tree = MerkleTree(entries: (0..<520).map { EntryCodec.encode(Self.entry($0)) })
        for size in [UInt64(17), 257, 520] { _ = try store.inclusionProof(index: size / 2, treeSize: size) }
        #expect(store.cache.count > 0)
        for m in [UInt64(0), 100, 519] {
            #expect(try store.inclusionProof(index: m, treeSize: 520) == (try store.readUncached { try $0.inclusionProof(index: m, treeSize: 520) }))
        }
        let fresh = try SQLiteLedgerStore.open(path: scratch.path, signer: Self.signer)
        #expect(try fresh.prefillCache() == 32 + 16 + 8 + 4 + 2 + 1)  // levels 4 to 9 of 520 entries
        for m in [UInt64(0), 255, 256, 300, 519] {
            for size in [m + 1, 257, 520] where size > m {
                #expect(try fresh.inclusionProof(index: m, treeSize: size) == (try InclusionProof.generate(leafIndex: m, treeSize: size, from: tree)))
                #expect(try fresh.consistencyProof(oldSize: m + 1, treeSize: size) == (try ConsistencyProof.generate(oldSize: m + 1, treeSize: size, from: tree)))
            }
        }
        #expect(try verify(store).root == tree.root)
    }

    @Test func appendsCommitOrRollBackWithTheCallersTransaction() async throws {
        let scratch = try Scratch()
        let store = try filled(scratch, batches: [3])
        try await store.writer.write { db in try db.execute(sql: "CREATE TABLE record (id TEXT PRIMARY KEY)") }
        struct Abort: Error {}
        #expect(throws: Abort.self) {
            try store.writer.write { db in
                try db.execute(sql: "INSERT INTO record (id) VALUES ('r1')")
                _ = try store.append([Self.entry(3)], in: db)
                throw Abort()
            }
        }
        #expect(try store.treeSize() == 3)
        await #expect(try store.writer.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM record") } == 0)
        let receipt = try await store.writer.write { db in
            try db.execute(sql: "INSERT INTO record (id) VALUES ('r1')")
            return try store.append([Self.entry(3), Self.entry(4)], in: db)
        }
        #expect(receipt.indices == 3..<5)
        await #expect(try store.writer.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM record") } == 1)
        #expect(try verify(store).treeSize == 5)
        await #expect(throws: LedgerError.self) { try await store.append([]) }
    }

    /// Opens the file with a plain connection, as an attacker with file access would, and changes it.
    func tamper(_ scratch: Scratch, _ sql: String...) throws {
        let queue = try DatabaseQueue(path: scratch.path)
        try queue.writeWithoutTransaction { db in for s in sql { try db.execute(sql: s) } }
    }

    @Test func tamperingWithTheFileIsNamed() throws {
        func expectFailure(_ batches: [Int], _ error: LedgerError, _ sql: String...) throws {
            let scratch = try Scratch()
            let store = try filled(scratch, batches: batches)
            _ = try verify(store)
            let queue = try DatabaseQueue(path: scratch.path)
            try queue.writeWithoutTransaction { db in for s in sql { try db.execute(sql: s) } }
            try queue.close()
            #expect(throws: error, "\(sql)") { try verify(store) }
        }
        // One byte of a stored entry changed (the last byte: part of an attribute value).
        try expectFailure([10, 30], .leafHashMismatch(index: 17),
            "UPDATE ledger_entry SET entry = substr(entry, 1, length(entry) - 1) || X'00' WHERE idx = 17")
        // Any one byte changed: first (version), label, type, middle, last.
        for position in [1, 5, 30, 45, 100, 150] {
            try expectFailure([10, 30], .leafHashMismatch(index: 23),
                "UPDATE ledger_entry SET entry = substr(entry, 1, \(position - 1)) || X'7E' || substr(entry, \(position + 1)) WHERE idx = 23")
        }
        // A row deleted.
        try expectFailure([10, 30], .entryMissing(index: 5), "DELETE FROM ledger_entry WHERE idx = 5")
        // Two rows swapped, bytes and leaf hashes together.
        try expectFailure([40], .subtreeHashMismatch(level: 4, index: 0),
            "UPDATE ledger_entry SET idx = 1000000 WHERE idx = 3",
            "UPDATE ledger_entry SET idx = 3 WHERE idx = 9",
            "UPDATE ledger_entry SET idx = 9 WHERE idx = 1000000")
        // A block signature replaced.
        try expectFailure([1, 1, 1, 1, 1], .blockInvalid(height: 3, check: "signature invalid"),
            "UPDATE ledger_block SET signature = zeroblob(64) WHERE height = 3")
        // A block deleted.
        try expectFailure([1, 1, 1], .blockMissing(height: 1), "DELETE FROM ledger_block WHERE height = 1")
        // A stored subtree hash changed.
        try expectFailure([40], .subtreeHashMismatch(level: 4, index: 1), "UPDATE ledger_node SET hash = zeroblob(32) WHERE level = 4 AND idx = 1")
        // The checkpoint replaced by an older one.
        try expectFailure([2, 2], .checkpointInvalid("signature invalid"), "UPDATE ledger_checkpoint SET note = replace(note, char(10) || '4' || char(10), char(10) || '3' || char(10))")
        // The last entry deleted.
        try expectFailure([4], .entryMissing(index: 3), "DELETE FROM ledger_entry WHERE idx = 3")
    }
}
