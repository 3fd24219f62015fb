import Testing
import VaultCrypto
@testable import VaultProofs

@Suite struct GeneratorsTests {
    @Test func hIsTheHashOfItsLabelAndIndependentOfG() throws {
        let expected = try Point.fromHash(SHA512.hash(Array("CivicVault/v1/pedersen-H".utf8)))
        #expect(Generators.h == expected)
        #expect(Generators.h != Generators.g)
        #expect(!Generators.h.isIdentity)
        #expect(try Point(canonical: Generators.h.bytes) == Generators.h)
    }
}
