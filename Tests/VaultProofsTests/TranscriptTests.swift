import Testing
import VaultCrypto
@testable import VaultProofs

@Suite struct TranscriptTests {
    @Test func layoutAndChallengeAreAsDocumented() throws {
        let (c, _) = Commitment.commit(to: Scalar(1))
        let statement = try Statement(c, .knowsOpening)
        let context = try Fixture.context(predicate: "p")
        var t = Transcript(type: 0x01, statement: statement, context: context)
        func item(_ label: String, _ data: [UInt8]) -> [UInt8] {
            ByteWriter.u32(label.utf8.count) + Array(label.utf8) + ByteWriter.u32(data.count) + data
        }
        var expected = item("domain", Array("CivicVault/v1/transcript".utf8)) + item("protocol", Array("CivicVault/v1/sigma-and".utf8))
        expected += item("version", [1]) + item("proof-type", [1]) + item("statement", statement.encoded) + item("context", context.encoded)
        #expect(t.bytes == expected)
        t.append("A", Generators.h)
        expected += item("A", Generators.h.bytes)
        #expect(t.bytes == expected)
        #expect(t.challenge() == (try Scalar.reduce(wide: SHA512.hash(expected))))
    }
}
