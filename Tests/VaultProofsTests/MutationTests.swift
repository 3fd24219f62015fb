import Testing
import VaultCrypto
@testable import VaultProofs

/// Every byte of every proof type flipped in turn, and every truncation and extension: nothing verifies, nothing
/// crashes, and each rejection is a typed `ProofError`.
@Suite struct MutationTests {
    @Test(arguments: Fixture.small)
    func flippingAnyByteBreaksTheProof(_ fixture: Fixture) throws {
        let m = try fixture.make()
        let bytes = m.proof.encoded
        for i in bytes.indices {
            for mask: UInt8 in [0x01, 0x80] {
                var mutated = bytes
                mutated[i] ^= mask
                #expect(throws: ProofError.self, "byte \(i) ^ \(mask)") {
                    try Verifier.verify(mutated, for: m.statement, context: m.context, now: 0)
                }
            }
        }
    }

    @Test(arguments: Fixture.small)
    func truncatingOrExtendingBreaksTheProof(_ fixture: Fixture) throws {
        let m = try fixture.make()
        let bytes = m.proof.encoded
        for length in 0..<bytes.count {
            #expect(throws: ProofError.self, "truncated to \(length)") {
                try Verifier.verify(Array(bytes.prefix(length)), for: m.statement, context: m.context, now: 0)
            }
        }
        for extra in [[0x00], [0xff], [UInt8](repeating: 0, count: 32), bytes] {
            #expect(throws: ProofError.invalidLength(what: "proof", expected: bytes.count, actual: bytes.count + extra.count)) {
                try Verifier.verify(bytes + extra, for: m.statement, context: m.context, now: 0)
            }
        }
    }

    @Test func flippingBytesOfTheLargeProofsBreaksThem() throws {
        // The realistic proofs are larger; flip a spread of their bytes (every 7th) in every field.
        for fixture in Fixture.all {
            let m = try fixture.make()
            let bytes = m.proof.encoded
            for i in stride(from: 0, to: bytes.count, by: 7) {
                var mutated = bytes
                mutated[i] ^= 0x01
                #expect(throws: ProofError.self, "\(fixture.name) byte \(i)") {
                    try Verifier.verify(mutated, for: m.statement, context: m.context, now: 0)
                }
            }
        }
    }
}
