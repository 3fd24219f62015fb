import Foundation
import Testing
import VaultCrypto
@testable import VaultLedger

/// Log-key rotation (docs/format/key-chain.md): blocks and checkpoints after the announcement are signed by the new
/// key, old checkpoints keep verifying, and a chain or checkpoint that does not follow the rules is refused by name.
@Suite struct LedgerKeyChainTests {
    static let name = "test.node/a"

    static func entries(_ range: Range<Int>) -> [LedgerEntry] {
        range.map { try! LedgerEntry(type: "field.read", timestampMs: UInt64($0), actor: "clerk", attributes: ["record_id": .string("rec-\($0)")]) }
    }

    /// The same rows, appended from now on by `signer`.
    static func continuing(_ store: MemoryLedgerStore, signer: LedgerSigner) -> MemoryLedgerStore {
        let next = MemoryLedgerStore(signer: signer)
        next.entryRows = store.entryRows
        next.subtreeRows = store.subtreeRows
        next.blockRows = store.blockRows
        next.checkpointText = store.checkpointText
        return next
    }

    /// Rotates `store`'s key to `newKey` as `keys rotate-log-key` does: the announcement in its own block under the old key.
    static func rotate(_ store: MemoryLedgerStore, to newKey: Ed25519SigningKey) throws -> MemoryLedgerStore {
        let old = store.signer
        let next = try NoteVerifierKey(name: name, publicKey: newKey.publicKey)
        let receipt = try store.append([try LedgerKeyChain.announcementEntry(previous: old.verifierKey, next: next, actor: "operator", timestampMs: 1)])
        let proof = try store.inclusionProof(index: receipt.treeSize - 1, treeSize: receipt.treeSize)
        let chain = try old.keyChain.appending(next, announcement: .init(
            entry: try store.entry(at: receipt.treeSize - 1).bytes, inclusion: proof.hashes, checkpoint: receipt.checkpoint.serialized))
        return continuing(store, signer: try LedgerSigner(name: name, key: newKey, keyChain: chain))
    }

    /// 20 entries under key 1, rotation at size 21, 30 more under key 2; the checkpoint of size 20 kept.
    static func rotated() throws -> (store: MemoryLedgerStore, oldCheckpoint: String, first: Ed25519SigningKey, second: Ed25519SigningKey) {
        let first = Ed25519SigningKey.generate(), second = Ed25519SigningKey.generate()
        let store = MemoryLedgerStore(signer: try LedgerSigner(name: name, key: first))
        _ = try store.append(entries(0..<3))
        _ = try store.append(entries(3..<20))
        let oldCheckpoint = try #require(try store.latestCheckpoint())
        let after = try rotate(store, to: second)
        _ = try after.append(entries(21..<40))
        _ = try after.append(entries(40..<51))
        return (after, oldCheckpoint, first, second)
    }

    @Test func rotatedLedgerVerifiesUnderItsChainAndOldCheckpointsStillDo() throws {
        let (store, oldCheckpoint, first, second) = try Self.rotated()
        let chain = store.signer.keyChain
        #expect(chain.links.count == 2 && chain.links[1].signsAfter == 21)
        #expect(chain.key(forTreeSize: 21).publicKey == first.publicKey && chain.key(forTreeSize: 22).publicKey == second.publicKey)
        let summary = try LedgerVerifier(keyChain: chain).verify(store)
        #expect(summary.treeSize == 51 && summary.blockCount == 5 && summary.checkpointSize == 51)
        // The newest checkpoint is the new key's; the old one still opens, under the old key.
        #expect(try chain.openCheckpoint(try #require(try store.latestCheckpoint())).0.treeSize == 51)
        #expect(try chain.openCheckpoint(oldCheckpoint).0.treeSize == 20)
        // Someone who trusts only the first key and has no chain: the first new block is refused.
        #expect(throws: LedgerError.blockInvalid(height: 3, check: "signature invalid")) {
            try LedgerVerifier(verifierKey: chain.root).verify(store)
        }
        // The text form round-trips, checked from the trusted first key.
        #expect(try LedgerKeyChain(parsing: chain.description, trusting: chain.root) == chain)
        // A chain that starts elsewhere is not trusted.
        let stranger = try NoteVerifierKey(name: Self.name, publicKey: Ed25519SigningKey.generate().publicKey)
        #expect(throws: LedgerError.keyChainUntrustedRoot) { try LedgerKeyChain(parsing: chain.description, trusting: stranger) }
    }

    @Test func checkpointsUnderAKeyNotInForceAreRefused() throws {
        let (store, _, first, _) = try Self.rotated()
        let chain = store.signer.keyChain
        let root = try MerkleTree(entries: (0..<51).map { try store.entry(at: UInt64($0)).bytes }).root
        // The old key signing after the rotation: named.
        let byOld = try Checkpoint(origin: Self.name, treeSize: 51, root: root).sign(name: Self.name, key: first).serialized
        #expect(throws: LedgerError.keyNotInForce(treeSize: 51, expected: chain.current.description)) { try chain.openCheckpoint(byOld) }
        // A key the chain never announced (same name, other key): no known signature.
        let unannounced = try Checkpoint(origin: Self.name, treeSize: 51, root: root).sign(name: Self.name, key: .generate()).serialized
        #expect(throws: LedgerError.notEnoughSignatures(valid: 0, required: 1)) { try chain.openCheckpoint(unannounced) }
        // The new key cannot sign a size before its announcement either.
        let early = try Checkpoint(origin: Self.name, treeSize: 20, root: root).sign(name: Self.name, key: store.signer.key).serialized
        #expect(throws: LedgerError.keyNotInForce(treeSize: 20, expected: chain.root.description)) { try chain.openCheckpoint(early) }
        // A stored ledger whose newest checkpoint is the old key's, past the rotation, fails `ledger verify`.
        store.checkpointText = byOld
        #expect(throws: LedgerError.checkpointInvalid(LedgerError.keyNotInForce(treeSize: 51, expected: chain.current.description).description)) {
            try LedgerVerifier(keyChain: chain).verify(store)
        }
    }

    @Test func forgedChainsAreRefusedByName() throws {
        let first = Ed25519SigningKey.generate(), second = Ed25519SigningKey.generate()
        let store = MemoryLedgerStore(signer: try LedgerSigner(name: Self.name, key: first))
        _ = try store.append(Self.entries(0..<5))
        let old = store.signer.keyChain
        let next = try NoteVerifierKey(name: Self.name, publicKey: second.publicKey)
        let stranger = try NoteVerifierKey(name: Self.name, publicKey: Ed25519SigningKey.generate().publicKey)

        // The new key not announced by the old one: an ordinary entry, or an announcement of another key.
        for entry in [Self.entries(5..<6)[0],
                      try LedgerKeyChain.announcementEntry(previous: old.current, next: stranger, actor: "operator", timestampMs: 1),
                      try LedgerKeyChain.announcementEntry(previous: stranger, next: next, actor: "operator", timestampMs: 1)] {
            let copy = Self.continuing(store, signer: store.signer)
            let receipt = try copy.append([entry])
            let proof = try copy.inclusionProof(index: receipt.treeSize - 1, treeSize: receipt.treeSize)
            #expect(throws: LedgerError.keyNotAnnounced(link: 1)) {
                try old.appending(next, announcement: .init(entry: EntryCodec.encode(entry), inclusion: proof.hashes, checkpoint: receipt.checkpoint.serialized))
            }
        }

        // A real announcement, but the checkpoint offered does not include it (an older checkpoint, or a forged proof).
        let announcement = try LedgerKeyChain.announcementEntry(previous: old.current, next: next, actor: "operator", timestampMs: 1)
        let before = try #require(try store.latestCheckpoint())
        let receipt = try store.append([announcement])
        let proof = try store.inclusionProof(index: 5, treeSize: 6)
        #expect(throws: LedgerError.keyAnnouncementNotIncluded(link: 1)) {
            try old.appending(next, announcement: .init(entry: EntryCodec.encode(announcement), inclusion: proof.hashes.reversed(), checkpoint: receipt.checkpoint.serialized))
        }
        #expect(throws: LedgerError.keyAnnouncementNotIncluded(link: 1)) {
            _ = try old.appending(next, announcement: .init(entry: EntryCodec.encode(announcement), inclusion: [], checkpoint: before))
        }
        // The announcing checkpoint signed by the new key itself (or anyone but the old key): unsigned.
        let selfSigned = try Checkpoint(parsing: receipt.checkpoint.text).sign(name: Self.name, key: second).serialized
        #expect(throws: LedgerError.keyAnnouncementUnsigned(link: 1)) {
            try old.appending(next, announcement: .init(entry: EntryCodec.encode(announcement), inclusion: proof.hashes, checkpoint: selfSigned))
        }
        // The genuine link is accepted, and a text chain with an altered entry line is refused when parsed.
        let chain = try old.appending(next, announcement: .init(entry: EntryCodec.encode(announcement), inclusion: proof.hashes, checkpoint: receipt.checkpoint.serialized))
        let otherEntry = Base64.encode(EntryCodec.encode(try LedgerKeyChain.announcementEntry(previous: old.current, next: next, actor: "intruder", timestampMs: 1)))
        let lines = chain.description.split(separator: "\n").map { $0.hasPrefix("entry ") ? "entry \(otherEntry)" : String($0) }
        #expect(throws: LedgerError.keyAnnouncementNotIncluded(link: 1)) { try LedgerKeyChain(parsing: lines.joined(separator: "\n") + "\n", trusting: old.root) }
        // Malformed text: named with its line.
        #expect(throws: LedgerError.keyChainMalformed(line: 1, reason: "first line is not civicvault/key-chain/v1")) { try LedgerKeyChain(parsing: "civicvault/key-chain/v2\n", trusting: old.root) }
        #expect(throws: LedgerError.keyChainMalformed(line: 4, reason: "missing entry line")) {
            try LedgerKeyChain(parsing: "civicvault/key-chain/v1\nkey 0 \(old.root)\nkey 6 \(next)\n", trusting: old.root)
        }
        #expect(throws: LedgerError.keyChainMalformed(line: 2, reason: "a key line is `key <tree size> <verifier key>`")) {
            try LedgerKeyChain(parsing: "civicvault/key-chain/v1\nkey 00 \(old.root)\n", trusting: old.root)
        }
        // A chain that runs past the stored ledger (e.g. a backup from before the rotation) is refused by `ledger verify`.
        let truncated = MemoryLedgerStore(signer: try LedgerSigner(name: Self.name, key: first))
        _ = try truncated.append(Self.entries(0..<5))
        #expect(throws: LedgerError.keyChainBroken(link: 1, reason: "announced at tree size 6, beyond the ledger's 5 entries")) {
            try LedgerVerifier(keyChain: chain).verify(truncated)
        }
    }

    @Test func witnessesCosignANewKeyOnlyAsTheChainShowsIt() throws {
        let (store, oldCheckpoint, _, _) = try Self.rotated()
        let chain = store.signer.keyChain
        let old = try Checkpoint(parsing: try SignedNote(parsing: oldCheckpoint).text)
        let previous = WitnessState(origin: Self.name, treeSize: 20, root: Base64.encode(old.root), note: oldCheckpoint)
        let latest = try #require(try store.latestCheckpoint())
        let proof = try store.consistencyProof(oldSize: 20, treeSize: 51)
        let rotationProof = try store.consistencyProof(oldSize: 21, treeSize: 51)
        let (_, checkpoint) = try Witness.check(note: latest, keyChain: chain, previous: previous, proof: proof, rotationProofs: [21: rotationProof])
        #expect(checkpoint.treeSize == 51)
        // Knowing only the first key, the witness refuses the new key's checkpoint.
        #expect(throws: Witness.Refusal.self) { try Witness.check(note: latest, logKey: chain.root, previous: previous, proof: proof) }
        // The rotation's checkpoint must be linked to the new one.
        #expect(throws: Witness.Refusal.inconsistent(from: 21, to: 51, why: "no consistency proof from the key rotation's checkpoint")) {
            try Witness.check(note: latest, keyChain: chain, previous: previous, proof: proof)
        }
        let wrong = try store.consistencyProof(oldSize: 21, treeSize: 40)
        #expect(throws: Witness.Refusal.self) {
            try Witness.check(note: latest, keyChain: chain, previous: previous, proof: proof, rotationProofs: [21: ConsistencyProof(oldSize: 21, treeSize: 51, hashes: wrong.hashes)])
        }
    }
}

/// The committed vector (docs/format/key-chain.md): a chain of three keys from fixed seeds, byte for byte.
@Suite struct LedgerKeyChainVectorTests {
    static let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Vectors/key-chain.txt").path

    static func deterministicChain() throws -> LedgerKeyChain {
        var store = MemoryLedgerStore(signer: try LedgerSigner(name: LedgerKeyChainTests.name, key: testSigningKey(1)))
        _ = try store.append(LedgerKeyChainTests.entries(0..<5))
        store = try LedgerKeyChainTests.rotate(store, to: testSigningKey(2))
        _ = try store.append(LedgerKeyChainTests.entries(6..<17))
        store = try LedgerKeyChainTests.rotate(store, to: testSigningKey(3))
        return store.signer.keyChain
    }

    @Test func committedVectorMatchesAndParses() throws {
        let chain = try Self.deterministicChain()
        if ProcessInfo.processInfo.environment["CIVICVAULT_WRITE_VECTORS"] == "1" { try chain.description.write(toFile: Self.path, atomically: true, encoding: .utf8) }
        let text = try String(contentsOfFile: Self.path, encoding: .utf8)
        #expect(text == chain.description)
        let parsed = try LedgerKeyChain(parsing: text, trusting: chain.root)
        #expect(parsed.links.map(\.signsAfter) == [0, 6, 18])
        #expect(parsed.current.publicKey == testSigningKey(3).publicKey)
    }
}
