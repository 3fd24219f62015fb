import Testing
import VaultCrypto
@testable import VaultProofs

@Suite struct ProofContextTests {
    @Test func encodingIsTheDocumentedLayoutAndRoundTrips() throws {
        let ctx = try ProofContext(requester: "bank", nonce: [UInt8](repeating: 0xaa, count: 16), expiry: 0x0102030405060708,
                                   predicate: "age>=18", purpose: "kyc", fields: "{}", ledgerIndex: 9, checkpointHash: [UInt8](repeating: 0x11, count: 32))
        let expected: [UInt8] = [0x02, 0x00, 0x04] + Array("bank".utf8) + [16] + [UInt8](repeating: 0xaa, count: 16)
            + [1, 2, 3, 4, 5, 6, 7, 8] + [0x00, 0x07] + Array("age>=18".utf8) + [0x00, 0x03] + Array("kyc".utf8) + [0x00, 0x02] + Array("{}".utf8)
            + [0, 0, 0, 0, 0, 0, 0, 9] + [UInt8](repeating: 0x11, count: 32)
        #expect(ctx.version == 2)
        #expect(ctx.encoded == expected)
        #expect(try ProofContext(decoding: expected) == ctx)
    }

    /// Version 1 (proofs made before the purpose was bound) stays decodable, without a purpose.
    @Test func versionOneHasNoPurposeAndStillDecodes() throws {
        let ctx = try ProofContext(requester: "bank", nonce: [UInt8](repeating: 0xaa, count: 16), expiry: 0x0102030405060708,
                                   predicate: "age>=18", purpose: nil, fields: nil, ledgerIndex: 9, checkpointHash: [UInt8](repeating: 0x11, count: 32))
        let expected: [UInt8] = [0x01, 0x00, 0x04] + Array("bank".utf8) + [16] + [UInt8](repeating: 0xaa, count: 16)
            + [1, 2, 3, 4, 5, 6, 7, 8] + [0x00, 0x07] + Array("age>=18".utf8) + [0, 0, 0, 0, 0, 0, 0, 9] + [UInt8](repeating: 0x11, count: 32)
        #expect(ctx.version == 1)
        #expect(ctx.encoded == expected)
        #expect(try ProofContext(decoding: expected) == ctx)
        // The same bytes with the version byte changed to 2 do not parse as a version 2 context.
        #expect(throws: ProofError.self) { try ProofContext(decoding: [0x02] + expected.dropFirst()) }
    }

    /// A version 2 context needs both purpose and fields.
    @Test func purposeAndFieldsGoTogether() {
        let hash = [UInt8](repeating: 0, count: 32), nonce = [UInt8](repeating: 1, count: 16)
        #expect(throws: ProofError.self) { try ProofContext(requester: "r", nonce: nonce, expiry: 1, predicate: "p", purpose: "kyc", fields: nil, ledgerIndex: 0, checkpointHash: hash) }
        #expect(throws: ProofError.self) { try ProofContext(requester: "r", nonce: nonce, expiry: 1, predicate: "p", purpose: nil, fields: "{}", ledgerIndex: 0, checkpointHash: hash) }
        #expect(throws: ProofError.self) { try ProofContext(requester: "r", nonce: nonce, expiry: 1, predicate: "p", purpose: "kyc", fields: String(repeating: "x", count: 4097), ledgerIndex: 0, checkpointHash: hash) }
    }

    /// Two contexts differing only in purpose encode differently, so a proof for one never verifies for the other.
    @Test func purposeIsBound() throws {
        let a = try Fixture.context(predicate: "p", purpose: "loan-application")
        let b = try Fixture.context(predicate: "p", purpose: "tenancy")
        #expect(a.encoded != b.encoded)
    }

    @Test func fieldsAreValidated() {
        let hash = [UInt8](repeating: 0, count: 32)
        let nonce = [UInt8](repeating: 1, count: 16)
        #expect(throws: ProofError.self) { try ProofContext(requester: "", nonce: nonce, expiry: 1, predicate: "p", purpose: "kyc", fields: "{}", ledgerIndex: 0, checkpointHash: hash) }
        #expect(throws: ProofError.self) { try ProofContext(requester: "r", nonce: Array(nonce.prefix(15)), expiry: 1, predicate: "p", purpose: "kyc", fields: "{}", ledgerIndex: 0, checkpointHash: hash) }
        #expect(throws: ProofError.self) { try ProofContext(requester: "r", nonce: [UInt8](repeating: 1, count: 65), expiry: 1, predicate: "p", purpose: "kyc", fields: "{}", ledgerIndex: 0, checkpointHash: hash) }
        #expect(throws: ProofError.self) { try ProofContext(requester: "r", nonce: nonce, expiry: 1, predicate: "", purpose: "kyc", fields: "{}", ledgerIndex: 0, checkpointHash: hash) }
        #expect(throws: ProofError.self) { try ProofContext(requester: "r", nonce: nonce, expiry: 1, predicate: "p", purpose: "kyc", fields: "{}", ledgerIndex: 0, checkpointHash: Array(hash.prefix(31))) }
        #expect(throws: ProofError.self) { try ProofContext(requester: "r", nonce: nonce, expiry: 1, predicate: "p", purpose: "", fields: "{}", ledgerIndex: 0, checkpointHash: hash) }
        #expect(throws: ProofError.self) { try ProofContext(requester: "r", nonce: nonce, expiry: 1, predicate: "p", purpose: String(repeating: "x", count: 1025), fields: "{}", ledgerIndex: 0, checkpointHash: hash) }
        #expect(throws: ProofError.self) { try ProofContext(requester: String(repeating: "x", count: 1025), nonce: nonce, expiry: 1, predicate: "p", purpose: "kyc", fields: "{}", ledgerIndex: 0, checkpointHash: hash) }
    }

    @Test func decodingIsStrict() throws {
        let e = try Fixture.context(predicate: "p").encoded
        #expect(throws: ProofError.unknownVersion(what: "proof context", version: 0)) { try ProofContext(decoding: [0] + e.dropFirst()) }
        #expect(throws: ProofError.trailingBytes(what: "proof context", offset: e.count)) { try ProofContext(decoding: e + [0]) }
        for n in 0..<e.count {
            #expect(throws: ProofError.self) { try ProofContext(decoding: Array(e.prefix(n))) }
        }
        var badUTF8 = e
        badUTF8[3] = 0xff
        #expect(throws: ProofError.invalidContext("string is not valid UTF-8")) { try ProofContext(decoding: badUTF8) }
    }

    @Test func expiry() throws {
        let ctx = try Fixture.context(expiry: 100, predicate: "p")
        try ctx.checkNotExpired(now: 100)
        #expect(throws: ProofError.expired(expiry: 100, now: 101)) { try ctx.checkNotExpired(now: 101) }
    }
}
