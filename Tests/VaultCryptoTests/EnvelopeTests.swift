import Testing
@testable import VaultCrypto

@Suite struct EnvelopeTests {
    let key = SecureBytes.random(count: Envelope.keyByteCount)
    let aad = Array("record-7|name|confidential|v1".utf8)
    let plaintext = Array("Maria Tamm, 1987-04-12".utf8)

    @Test func roundTripAndLayout() throws {
        let sealed = try Envelope.seal(plaintext, key: key, associatedData: aad)
        #expect(sealed.count == plaintext.count + Envelope.overhead)
        #expect(sealed[0] == CryptoLabels.envelopeVersion)
        #expect(try Envelope.open(sealed, key: key, associatedData: aad).unsafeCopy() == plaintext)
        // Fresh nonce every time: the same plaintext never gives the same bytes.
        #expect(try Envelope.seal(plaintext, key: key, associatedData: aad) != sealed)
        // The plaintext does not appear in the envelope.
        #expect(!sealed.contains(subsequence: plaintext))
    }

    @Test func everyFlippedBitFails() throws {
        let sealed = try Envelope.seal(plaintext, key: key, associatedData: aad)
        for index in sealed.indices {
            for bit in 0..<8 {
                var altered = sealed
                altered[index] ^= UInt8(1 << bit)
                #expect(throws: CryptoError.self, "byte \(index) bit \(bit)") {
                    try Envelope.open(altered, key: key, associatedData: aad)
                }
            }
        }
    }

    @Test func headerNonceTagAADKeyAndLengthAlterationsFail() throws {
        let sealed = try Envelope.seal(plaintext, key: key, associatedData: aad)
        var version = sealed
        version[0] = 0x02
        #expect(throws: CryptoError.unknownVersion(what: "envelope", version: 2)) {
            try Envelope.open(version, key: key, associatedData: aad)
        }
        #expect(throws: CryptoError.authenticationFailed) {
            try Envelope.open(sealed, key: key, associatedData: aad + [0])
        }
        #expect(throws: CryptoError.authenticationFailed) {
            try Envelope.open(sealed, key: key, associatedData: Array("record-8|name|confidential|v1".utf8))
        }
        #expect(throws: CryptoError.authenticationFailed) {
            try Envelope.open(sealed, key: .random(count: 32), associatedData: aad)
        }
        #expect(throws: CryptoError.authenticationFailed) { try Envelope.open(Array(sealed.dropLast()), key: key, associatedData: aad) }
        #expect(throws: CryptoError.authenticationFailed) { try Envelope.open(sealed + [0], key: key, associatedData: aad) }
        #expect(throws: CryptoError.self) { try Envelope.open(Array(sealed.prefix(Envelope.overhead - 1)), key: key, associatedData: aad) }
        #expect(throws: CryptoError.self) { try Envelope.open([], key: key, associatedData: aad) }
        #expect(throws: CryptoError.invalidLength(what: "AEAD key", expected: 32, actual: 16)) {
            try Envelope.seal(plaintext, key: .random(count: 16), associatedData: aad)
        }
    }

    @Test func emptyPlaintextIsAuthenticatedToo() throws {
        let sealed = try Envelope.seal([], key: key, associatedData: aad)
        #expect(sealed.count == Envelope.overhead)
        #expect(try Envelope.open(sealed, key: key, associatedData: aad).count == 0)
        #expect(throws: CryptoError.authenticationFailed) { try Envelope.open(sealed, key: key, associatedData: []) }
    }

    /// Regression: a failed decryption used to free its buffer twice (the throwing initializer of SecureBytes).
    @Test func manyFailedDecryptionsDoNotCorruptMemory() throws {
        let sealed = try Envelope.seal(plaintext, key: key, associatedData: aad)
        for _ in 0..<2000 {
            #expect(throws: CryptoError.authenticationFailed) { try Envelope.open(sealed, key: key, associatedData: []) }
        }
        #expect(try Envelope.open(sealed, key: key, associatedData: aad).unsafeCopy() == plaintext)
    }

    @Test func sealingFromSecureMemoryMatchesOpen() throws {
        let secret = SecureBytes(copying: plaintext)
        let sealed = try Envelope.seal(secret, key: key, associatedData: aad)
        #expect(try Envelope.open(sealed, key: key, associatedData: aad) == secret)
    }
}

extension Array where Element == UInt8 {
    func contains(subsequence needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, needle.count <= count else { return false }
        return (0...(count - needle.count)).contains { Array(self[$0..<($0 + needle.count)]) == needle }
    }
}
