import Foundation
import Testing
import VaultCrypto
@testable import VaultLedger

/// The pure verifier over the in-memory store: a clean ledger passes; each kind of tampering is named.
@Suite struct LedgerVerifierTests {
    static func entry(_ i: Int) -> LedgerEntry {
        try! LedgerEntry(type: "field.read", timestampMs: UInt64(i), actor: "clerk/\(i % 3)", attributes: ["record_id": .string("rec-\(i)")])
    }

    func ledger(batches: [Int]) throws -> MemoryLedgerStore {
        let store = MemoryLedgerStore(signer: try LedgerSigner(name: "test.node/a", key: testSigningKey()))
        var i = 0
        for n in batches {
            let receipt = try store.append((0..<n).map { Self.entry(i + $0) })
            #expect(receipt.firstIndex == UInt64(i) && receipt.count == UInt64(n))
            i += n
        }
        return store
    }

    func verify(_ store: MemoryLedgerStore) throws -> LedgerVerifier.Summary {
        var verifier = LedgerVerifier(verifierKey: store.signer.verifierKey)
        verifier.pageSize = 7
        return try verifier.verify(store)
    }

    @Test func cleanLedgersVerifyAndProofsMatchTheFullTree() throws {
        let store = try ledger(batches: [1, 2, 30, 1, 100, 17])
        let summary = try verify(store)
        #expect(summary.treeSize == 151 && summary.blockCount == 6 && summary.checkpointSize == 151)
        let tree = MerkleTree(entries: (0..<151).map { EntryCodec.encode(Self.entry($0)) })
        #expect(summary.root == tree.root)
        for n in [UInt64(1), 16, 17, 64, 150, 151] {
            for m in [0, n / 2, n - 1] {
                #expect(try store.inclusionProof(index: m, treeSize: n) == InclusionProof.generate(leafIndex: m, treeSize: n, from: tree))
                #expect(try store.consistencyProof(oldSize: m, treeSize: n) == ConsistencyProof.generate(oldSize: m, treeSize: n, from: tree))
            }
        }
        #expect(try verify(MemoryLedgerStore(signer: store.signer)).treeSize == 0)
    }

    @Test func eachTamperingIsNamed() throws {
        // Changed entry byte.
        var store = try ledger(batches: [20, 20])
        var row = store.entryRows[17]!
        var bytes = row.bytes
        bytes[bytes.count - 1] ^= 1
        store.entryRows[17] = StoredEntry(index: 17, bytes: bytes, leafHash: row.leafHash)
        #expect(throws: LedgerError.leafHashMismatch(index: 17)) { try verify(store) }
        // Changed entry byte with a matching leaf hash: the block root (or a stored subtree) catches it.
        store.entryRows[17] = StoredEntry(index: 17, bytes: bytes, leafHash: MerkleMath.leafHash(bytes))
        #expect(throws: LedgerError.blockInvalid(height: 0, check: "root mismatch")) { try verify(store) }
        store = try ledger(batches: [40])
        row = store.entryRows[17]!
        bytes = row.bytes
        bytes[bytes.count - 1] ^= 1
        store.entryRows[17] = StoredEntry(index: 17, bytes: bytes, leafHash: MerkleMath.leafHash(bytes))
        #expect(throws: LedgerError.subtreeHashMismatch(level: 4, index: 1)) { try verify(store) }
        // Deleted row.
        store = try ledger(batches: [20, 20])
        store.entryRows[5] = nil
        #expect(throws: LedgerError.entryMissing(index: 5)) { try verify(store) }
        // Swapped rows (bytes and leaf hashes).
        store = try ledger(batches: [3, 2])
        row = store.entryRows[1]!
        let other = store.entryRows[3]!
        store.entryRows[1] = StoredEntry(index: 1, bytes: other.bytes, leafHash: other.leafHash)
        store.entryRows[3] = StoredEntry(index: 3, bytes: row.bytes, leafHash: row.leafHash)
        #expect(throws: LedgerError.blockInvalid(height: 0, check: "root mismatch")) { try verify(store) }
        // Replaced block signature.
        store = try ledger(batches: [1, 1, 1, 1])
        let b = store.blockRows[3]!
        store.blockRows[3] = StoredBlock(height: 3, header: b.header, signature: SignedBlock.sign(try BlockHeader(decoding: b.header), with: testSigningKey(9)).signature)
        #expect(throws: LedgerError.blockInvalid(height: 3, check: "signature invalid")) { try verify(store) }
        // Deleted block.
        store = try ledger(batches: [1, 1, 1, 1])
        store.blockRows[1] = nil
        #expect(throws: LedgerError.blockMissing(height: 1)) { try verify(store) }
        // Re-signed block with a changed root: the link of the next block breaks.
        store = try ledger(batches: [1, 1, 1])
        let h = try BlockHeader(decoding: store.blockRows[1]!.header)
        let forged = BlockHeader(height: 1, previousHash: h.previousHash, timestampMs: h.timestampMs + 1, firstIndex: 1, entryCount: 1, treeSize: 2, root: h.root)
        store.blockRows[1] = StoredBlock(height: 1, header: forged.encoded, signature: SignedBlock.sign(forged, with: testSigningKey()).signature)
        #expect(throws: LedgerError.blockInvalid(height: 2, check: "link to the previous block broken")) { try verify(store) }
        // Extra entry beyond the last block.
        store = try ledger(batches: [2])
        store.entryRows[2] = StoredEntry(index: 2, bytes: [1], leafHash: MerkleMath.leafHash([1]))
        #expect(throws: LedgerError.unexpectedEntry(index: 2)) { try verify(store) }
        // Checkpoint: tampered, missing, stale.
        store = try ledger(batches: [2, 2])
        let note = store.checkpointText!
        store.checkpointText = note.replacingOccurrences(of: "\n4\n", with: "\n3\n")
        #expect(throws: LedgerError.checkpointInvalid("signature invalid")) { try verify(store) }
        store.checkpointText = nil
        #expect(throws: LedgerError.checkpointInvalid("missing")) { try verify(store) }
        store.checkpointText = try store.signer.checkpoint(treeSize: 2, root: try store.inclusionRoot(2)).serialized
        #expect(throws: LedgerError.checkpointInvalid("tree size 2 does not match the last block's 4")) { try verify(store) }
        // Stored subtree hash changed.
        store = try ledger(batches: [40])
        store.subtreeRows[4]![1]![0] ^= 1
        #expect(throws: LedgerError.subtreeHashMismatch(level: 4, index: 1)) { try verify(store) }
    }
}

extension MemoryLedgerStore {
    func inclusionRoot(_ size: UInt64) throws -> [UInt8] { try TiledSubtreeSource(reader: self).root(size: size) }
}
