import Testing
import VaultCrypto
@testable import VaultLedger

/// C2SP cosignature/v1: key ids, the signed message, thresholds, and the witness's refusals.
@Suite struct CosignatureTests {
    let log = Ed25519SigningKey.generate()
    let witnesses = (0..<3).map { _ in Ed25519SigningKey.generate() }

    func checkpoint(size: UInt64, root: [UInt8]) throws -> SignedNote {
        try Checkpoint(origin: "log.example", treeSize: size, root: root).sign(name: "log.example", key: log)
    }

    func cosignerKeys() throws -> [CosignerKey] {
        try witnesses.enumerated().map { try CosignerKey(name: "w\($0.offset).example", publicKey: $0.element.publicKey) }
    }

    @Test func cosignerKeysUseAlgorithm4AndRoundTrip() throws {
        let key = try CosignerKey(name: "witness.example/w1", publicKey: witnesses[0].publicKey)
        #expect(try CosignerKey(parsing: key.description) == key)
        let noteKey = try NoteVerifierKey(name: "witness.example/w1", publicKey: witnesses[0].publicKey)
        #expect(noteKey.keyID != key.keyID)
        #expect(throws: LedgerError.self) { try CosignerKey(parsing: noteKey.description) }  // algorithm 0x01 is not a cosigner key
        var text = key.description
        text.removeLast(2)
        #expect(throws: LedgerError.self) { try CosignerKey(parsing: text) }
    }

    @Test func signedMessageIsTheC2SPOne() {
        #expect(Cosignature.message(body: "o\n1\nAA==\n", timestamp: 1_679_315_147) == Array("cosignature/v1\ntime 1679315147\no\n1\nAA==\n".utf8))
    }

    @Test func thresholdsCountDistinctValidWitnesses() throws {
        let note = try checkpoint(size: 5, root: SHA256.hash([1]))
        let keys = try cosignerKeys()
        var lines = note.signatures
        for i in 0..<2 { lines.append(try Cosignature.sign(note, name: "w\(i).example", key: witnesses[i], timestamp: 1_800_000_000)) }
        let cosigned = try SignedNote(parsing: SignedNote(text: note.text, signatures: lines).serialized)
        #expect(try Cosignature.verify(cosigned, keys: keys, threshold: 2).count == 2)
        #expect(throws: Cosignature.Failure.notEnough(valid: 2, required: 3)) { try Cosignature.verify(cosigned, keys: keys, threshold: 3) }
        // The log's own key still verifies the note; the witness lines do not disturb it.
        #expect(try cosigned.verify(keys: [try NoteVerifierKey(name: "log.example", publicKey: log.publicKey)]).count == 1)
        // A cosignature moved to another checkpoint does not verify.
        let other = try checkpoint(size: 6, root: SHA256.hash([2]))
        let moved = SignedNote(text: other.text, signatures: other.signatures + [lines[1]])
        #expect(throws: Cosignature.Failure.invalid(witness: "w0.example")) { try Cosignature.verify(moved, keys: keys, threshold: 1) }
        // A tampered timestamp breaks the signature.
        var bad = lines[1]
        bad = SignedNote.Signature(name: bad.name, keyID: bad.keyID, signature: [0xff] + bad.signature.dropFirst())
        #expect(throws: Cosignature.Failure.self) { try Cosignature.verify(SignedNote(text: note.text, signatures: [bad]), keys: keys, threshold: 1) }
    }

    @Test func witnessRefusesShrinkForkAndInconsistency() throws {
        let logKey = try NoteVerifierKey(name: "log.example", publicKey: log.publicKey)
        let tree = MemoryMerkle(entries: (0..<12).map { [UInt8($0)] })
        let at8 = try checkpoint(size: 8, root: try tree.root(8))
        let (_, c8) = try Witness.check(note: at8.serialized, logKey: logKey, previous: nil, proof: nil)
        let state = WitnessState(origin: c8.origin, treeSize: 8, root: Base64.encode(c8.root), note: at8.serialized)
        // Honest growth with a valid proof is accepted.
        let at12 = try checkpoint(size: 12, root: try tree.root(12))
        _ = try Witness.check(note: at12.serialized, logKey: logKey, previous: state, proof: tree.consistency(8, 12))
        // Shrink, fork, missing or wrong proofs, other signers are refused.
        let at5 = try checkpoint(size: 5, root: try tree.root(5))
        #expect(throws: Witness.Refusal.shrunk(from: 8, to: 5)) { try Witness.check(note: at5.serialized, logKey: logKey, previous: state, proof: nil) }
        let fork8 = try checkpoint(size: 8, root: SHA256.hash([9]))
        #expect(throws: Witness.Refusal.fork(size: 8)) { try Witness.check(note: fork8.serialized, logKey: logKey, previous: state, proof: nil) }
        let forged12 = try checkpoint(size: 12, root: SHA256.hash([7]))
        #expect { try Witness.check(note: forged12.serialized, logKey: logKey, previous: state, proof: tree.consistency(8, 12)) } throws: {
            ($0 as? Witness.Refusal)?.isMisbehaviour == true
        }
        #expect { try Witness.check(note: at12.serialized, logKey: logKey, previous: state, proof: nil) } throws: { ($0 as? Witness.Refusal)?.isMisbehaviour == true }
        let impostor = try Checkpoint(origin: "log.example", treeSize: 12, root: try tree.root(12)).sign(name: "log.example", key: Ed25519SigningKey.generate())
        #expect { try Witness.check(note: impostor.serialized, logKey: logKey, previous: state, proof: nil) } throws: {
            if case .badLogSignature = $0 as? Witness.Refusal { return true }
            return false
        }
    }
}

/// Honest roots and consistency proofs over a list of entries, from the library's MerkleTree.
struct MemoryMerkle {
    let tree: MerkleTree

    init(entries: [[UInt8]]) { tree = MerkleTree(entries: entries) }

    func root(_ size: UInt64) throws -> [UInt8] { try tree.root(size: size) }

    func consistency(_ old: UInt64, _ new: UInt64) throws -> ConsistencyProof {
        try ConsistencyProof.generate(oldSize: old, treeSize: new, from: tree)
    }
}
