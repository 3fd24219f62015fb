import Testing
import VaultCrypto
@testable import VaultLedger

@Suite struct NoteKeyTests {
    /// The Ed25519 verifier key from golang.org/x/mod/sumdb/note's documentation and tests.
    static let goVerifierKey = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"

    @Test func parsesAndReprintsTheGoReferenceKey() throws {
        let key = try NoteVerifierKey(parsing: Self.goVerifierKey)
        #expect(key.name == "PeterNeumann")
        #expect(key.keyID == 0xc74f_20a3)
        #expect(key.description == Self.goVerifierKey)
    }

    @Test func rejectsAWrongKeyIDOrMalformedKeys() {
        let bad = [
            "PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",  // key id off by one
            "PeterNeumann+c74f20a3+AhpjZ2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",  // algorithm byte 2
            "PeterNeumann+c74f20a3",
            "Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
            "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10T",
        ]
        for text in bad {
            #expect(throws: LedgerError.self) { try NoteVerifierKey(parsing: text) }
        }
    }

    @Test func namesWithSpacesOrPlusAreRefused() {
        #expect(!NoteVerifierKey.isValidName("a b"))
        #expect(!NoteVerifierKey.isValidName("a+b"))
        #expect(!NoteVerifierKey.isValidName(""))
        #expect(NoteVerifierKey.isValidName("civicvault.example/health"))
    }
}

@Suite struct NoteKeyPlusInBase64Tests {
    /// A key whose base64 contains '+' must round-trip (only the first two '+' separate the fields).
    @Test func keysWithPlusInTheirBase64Parse() throws {
        var found = 0
        for seed in UInt8(0)...UInt8(60) {
            let key = try Ed25519SigningKey(seed: SecureBytes(copying: [UInt8](repeating: seed, count: 32)))
            let verifier = try NoteVerifierKey(name: "n", publicKey: key.publicKey)
            let text = verifier.description
            if text.split(separator: "+").count > 3 { found += 1 }
            #expect(try NoteVerifierKey(parsing: text) == verifier)
        }
        #expect(found > 0)
    }
}
