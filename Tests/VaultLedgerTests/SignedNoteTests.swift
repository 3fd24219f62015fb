import Foundation
import Testing
import VaultTestSupport
import VaultCrypto
@testable import VaultLedger

struct NoteVectors: Decodable {
    struct Example: Decodable { let text: String; let note: String }
    struct Spec: Decodable { let verifier_key: String; let note: String }
    struct CheckpointVector: Decodable { let origin: String; let tree_size: UInt64; let root: String; let body: String; let note: String }
    let signer_seed: String
    let verifier_key: String
    let go_example: Example
    let spec_example: Spec
    let checkpoint: CheckpointVector
}

@Suite struct SignedNoteTests {
    let v: NoteVectors
    let goKey: Ed25519SigningKey
    init() throws {
        v = try loadVectors("notes", as: NoteVectors.self)
        goKey = try Ed25519SigningKey(seed: SecureBytes(copying: hex(v.signer_seed)))
    }

    @Test func reproducesTheGoReferenceNoteByteForByte() throws {
        let note = try SignedNote.sign(text: v.go_example.text, name: "PeterNeumann", key: goKey)
        #expect(note.serialized == v.go_example.note)
        let opened = try SignedNote.open(v.go_example.note, keys: [try NoteVerifierKey(parsing: v.verifier_key)])
        #expect(opened.text == v.go_example.text)
    }

    @Test func opensTheSpecExample() throws {
        let key = try NoteVerifierKey(parsing: v.spec_example.verifier_key)
        #expect(try SignedNote.open(v.spec_example.note, keys: [key]).text == "This is an example message.\n")
    }

    @Test func tamperedBodyAndWrongKeyFail() throws {
        let key = try NoteVerifierKey(parsing: v.verifier_key)
        let tampered = v.go_example.note.replacingOccurrences(of: "problem,", with: "problem;")
        #expect(throws: LedgerError.invalidNoteSignature(keyName: "PeterNeumann")) { try SignedNote.open(tampered, keys: [key]) }
        // Same name and id, other public key: the signature does not verify.
        let other = testSigningKey(9)
        let impostor = NoteVerifierKey(unchecked: "PeterNeumann", keyID: key.keyID, publicKey: other.publicKey)
        #expect(throws: LedgerError.invalidNoteSignature(keyName: "PeterNeumann")) { try SignedNote.open(v.go_example.note, keys: [impostor]) }
        // A key that is not on the note at all.
        let stranger = try NoteVerifierKey(name: "stranger", publicKey: other.publicKey)
        #expect(throws: LedgerError.notEnoughSignatures(valid: 0, required: 1)) { try SignedNote.open(v.go_example.note, keys: [stranger]) }
    }

    @Test func thresholdKOfNAndUnknownLinesIgnored() throws {
        let keys = (1...3).map { testSigningKey(UInt8($0)) }
        let names = ["log.example/a", "witness.example/b", "witness.example/c"]
        let verifiers = try zip(names, keys).map { try NoteVerifierKey(name: $0, publicKey: $1.publicKey) }
        var note = try SignedNote.sign(text: "log.example/a\n5\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n", name: names[0], key: keys[0])
        let unknown = testSigningKey(77)
        note = try note.adding(name: "unknown.example/x", key: unknown)
        note = try note.adding(name: names[1], key: keys[1])
        let text = note.serialized
        #expect(try SignedNote.open(text, keys: verifiers, threshold: 2).signatures.count == 3)
        #expect(try SignedNote(parsing: text).verify(keys: verifiers, threshold: 2) == [verifiers[0], verifiers[1]])
        #expect(throws: LedgerError.notEnoughSignatures(valid: 2, required: 3)) { try SignedNote.open(text, keys: verifiers, threshold: 3) }
        #expect(throws: LedgerError.notEnoughSignatures(valid: 1, required: 2)) { try SignedNote.open(text, keys: [verifiers[0], verifiers[2]], threshold: 2) }
        // The same signature repeated counts once.
        let repeated = text + note.signatures[0].line
        #expect(throws: LedgerError.notEnoughSignatures(valid: 1, required: 2)) { try SignedNote.open(repeated, keys: [verifiers[0]], threshold: 2) }
        // An unknown key's line with garbage signature bytes is still ignored.
        let garbage = text + "\u{2014} someone.else AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n"
        #expect(try SignedNote.open(garbage, keys: verifiers, threshold: 2).signatures.count == 4)
    }

    @Test func malformedNotesAreRejectedWithTypedErrors() throws {
        let good = v.go_example.note
        let sigLine = "\u{2014} PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
        let bad = [
            "",
            v.go_example.text,  // no signatures
            v.go_example.text + "\n",  // blank line, no signatures
            String(good.dropLast()),  // no final newline
            good.replacingOccurrences(of: "\u{2014} ", with: "- "),  // ASCII dash
            good.replacingOccurrences(of: "PeterNeumann x08", with: "PeterNeumannx08"),  // no space
            good.replacingOccurrences(of: "PeterNeumann x08", with: "Peter+Neumann x08"),  // bad name
            good.replacingOccurrences(of: "AM=\n", with: "AM\n"),  // bad base64
            good + "\n",  // blank line inside signatures
            v.go_example.text + "\n\u{2014} PeterNeumann AAAA\n",  // blob shorter than 5 bytes
            "tab\there\n\n" + sigLine,  // control character
            v.go_example.text + "\n" + String(repeating: sigLine, count: 101),
        ]
        for text in bad {
            #expect(throws: LedgerError.self, "\(text.debugDescription)") { try SignedNote(parsing: text) }
        }
    }
}
