import Testing
import VaultTestSupport
import VaultCrypto
@testable import VaultLedger

@Suite struct CheckpointTests {
    @Test func committedVectorRoundTrips() throws {
        let v = try loadVectors("notes", as: NoteVectors.self)
        let key = try Ed25519SigningKey(seed: SecureBytes(copying: hex(v.signer_seed)))
        let checkpoint = Checkpoint(origin: v.checkpoint.origin, treeSize: v.checkpoint.tree_size, root: hex(v.checkpoint.root))
        #expect(checkpoint.body == v.checkpoint.body)
        #expect(try checkpoint.sign(name: "PeterNeumann", key: key).serialized == v.checkpoint.note)
        let (opened, _) = try Checkpoint.open(v.checkpoint.note, keys: [try NoteVerifierKey(parsing: v.verifier_key)], origin: "PeterNeumann")
        #expect(opened == checkpoint)
        #expect(throws: LedgerError.wrongOrigin(expected: "other", actual: "PeterNeumann")) {
            try Checkpoint.open(v.checkpoint.note, keys: [try NoteVerifierKey(parsing: v.verifier_key)], origin: "other")
        }
    }

    @Test func signerProducesCheckpointsItsVerifierKeyOpens() throws {
        let signer = try LedgerSigner(name: "civicvault.test/node", key: testSigningKey())
        let root = MerkleTree(entries: [[1], [2]]).root
        let note = try signer.checkpoint(treeSize: 2, root: root)
        let (cp, _) = try Checkpoint.open(note.serialized, keys: [signer.verifierKey], origin: signer.name)
        #expect(cp.treeSize == 2 && cp.root == root)
        #expect(note.serialized.hasPrefix("civicvault.test/node\n2\n\(Base64.encode(root))\n\n\u{2014} civicvault.test/node "))
    }

    @Test func malformedBodiesAreRejected() throws {
        let root = Base64.encode([UInt8](repeating: 1, count: 32))
        for body in [
            "o\n1\n\(root)", "\n1\n\(root)\n", "o\n01\n\(root)\n", "o\n-1\n\(root)\n", "o\n+1\n\(root)\n", "o\n1 \n\(root)\n",
            "o\n18446744073709551616\n\(root)\n", "o\n1\nAAAA\n", "o\n1\n", "o\n1\n\(root)\n\n",
        ] {
            #expect(throws: LedgerError.self, "\(body.debugDescription)") { try Checkpoint(parsing: body) }
        }
        #expect(try Checkpoint(parsing: "o\n0\n\(root)\next\n").extensions == ["ext"])
    }
}
