import Foundation
import Testing
import VaultCrypto
import VaultLedger
@testable import VaultSQLite

/// A follower's mirror accepts only entries that rebuild the signed root; a rewritten entry, a gap, a wrong
/// leaf hash, a shrink or a foreign signature is refused and nothing is written.
@Suite struct LedgerMirrorTests {
    @Test func mirrorsHonestGrowthAndRefusesForks() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cv-mirror-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let key = Ed25519SigningKey.generate()
        let signer = try LedgerSigner(name: "log.example", key: key)
        let log = try SQLiteLedgerStore.open(path: dir.appendingPathComponent("log.sqlite").path, signer: signer)
        func entries(_ range: Range<Int>) throws -> [LedgerEntry] {
            try range.map { try LedgerEntry(type: "test.entry", timestampMs: UInt64($0), actor: "t", attributes: ["n": .u64(UInt64($0))]) }
        }
        _ = try log.append(try entries(0..<37))
        let mirror = try LedgerMirror(path: dir.appendingPathComponent("mirror.sqlite").path, logKey: signer.verifierKey)
        try mirror.apply(try log.entries(from: 0, limit: 37), checkpoint: try #require(try log.latestCheckpoint()))
        #expect(try mirror.treeSize() == 37)
        _ = try log.append(try entries(37..<70))
        let newer = try #require(try log.latestCheckpoint())
        let rest = try log.entries(from: 37, limit: 33)

        var rewritten = rest
        rewritten[5] = StoredEntry(index: rest[5].index, bytes: rest[5].bytes + [0], leafHash: MerkleMath.leafHash(rest[5].bytes + [0]))
        await #expect(throws: LedgerMirror.Refusal.rootMismatch(size: 70)) { try await mirror.apply(rewritten, checkpoint: newer) }
        var lying = rest
        lying[0] = StoredEntry(index: rest[0].index, bytes: rest[0].bytes, leafHash: rest[1].leafHash)
        await #expect(throws: LedgerMirror.Refusal.leafMismatch(index: 37)) { try await mirror.apply(lying, checkpoint: newer) }
        await #expect(throws: LedgerMirror.Refusal.self) { try await mirror.apply(Array(rest.dropFirst()), checkpoint: newer) }
        let foreign = try Checkpoint(origin: "log.example", treeSize: 70, root: SHA256.hash([1])).sign(name: "log.example", key: Ed25519SigningKey.generate())
        await #expect(throws: LedgerMirror.Refusal.self) { try await mirror.apply(rest, checkpoint: foreign.serialized) }
        #expect(try mirror.treeSize() == 37)  // nothing written by any refused batch

        try mirror.apply(rest, checkpoint: newer)
        #expect(try mirror.treeSize() == 70)
        #expect(try mirror.inclusionProof(index: 50, treeSize: 70) == (try log.inclusionProof(index: 50, treeSize: 70)))
        #expect(try mirror.consistencyProof(oldSize: 37, treeSize: 70) == (try log.consistencyProof(oldSize: 37, treeSize: 70)))
        // A checkpoint smaller than the mirror is a shrink.
        let old = try Checkpoint(origin: "log.example", treeSize: 10, root: try log.read { try $0.root(treeSize: 10) }).sign(name: "log.example", key: key)
        await #expect(throws: LedgerMirror.Refusal.shrunk(local: 70, checkpoint: 10)) { try await mirror.apply([], checkpoint: old.serialized) }
    }
}
