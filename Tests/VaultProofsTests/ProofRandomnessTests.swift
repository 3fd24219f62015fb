import Testing
import VaultCrypto
@testable import VaultProofs

@Suite struct ProofRandomnessTests {
    @Test func deterministicRandomnessIsDocumented() throws {
        var rng = DeterministicRandomness(seed: Array("seed".utf8))
        let first = rng.nextScalar()
        let second = rng.nextScalar()
        let label = Array("CivicVault/v1/test-rng".utf8)
        #expect(first == (try Scalar.reduce(wide: SHA512.hash(label + [0, 0, 0, 4] + Array("seed".utf8) + [0, 0, 0, 0, 0, 0, 0, 0]))))
        #expect(second == (try Scalar.reduce(wide: SHA512.hash(label + [0, 0, 0, 4] + Array("seed".utf8) + [0, 0, 0, 0, 0, 0, 0, 1]))))
    }

    @Test func systemRandomnessGivesDistinctScalarsAcrossBatches() {
        var rng = SystemRandomness()
        var seen: [[UInt8]] = []
        // 2 + 4 + 8 + 16 + 32 + 32: crosses every batch boundary.
        for _ in 0..<94 {
            let s = rng.nextScalar()
            #expect(!s.isZero)
            #expect(Scalar.isCanonical(s.bytes))
            seen.append(s.bytes)
        }
        #expect(Set(seen.map { Hex.encode($0) }).count == seen.count)
    }
}
