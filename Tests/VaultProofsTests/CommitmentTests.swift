import Testing
import VaultCrypto
@testable import VaultProofs

@Suite struct CommitmentTests {
    @Test func commitmentIsVGPlusRH() throws {
        let (c, o) = Commitment.commit(to: Scalar(1234))
        #expect(c.point == Point.base(times: Scalar(1234)) + Generators.h.times(o.blinding))
        #expect(c.isOpened(by: o))
        #expect(!c.isOpened(by: Opening(value: Scalar(1235), blinding: o.blinding)))
        #expect(try Commitment(bytes: c.bytes) == c)
    }

    @Test func commitmentsHide() {
        // Same value, fresh blinding: different commitments.
        #expect(Commitment.commit(to: Scalar(5)).commitment != Commitment.commit(to: Scalar(5)).commitment)
    }

    @Test func decodingIsStrict() {
        #expect(throws: ProofError.identityPoint(offset: 0)) { try Commitment(bytes: [UInt8](repeating: 0, count: 32)) }
        #expect(throws: ProofError.invalidPoint(offset: 0)) { try Commitment(bytes: [UInt8](repeating: 0xff, count: 32)) }
        #expect(throws: ProofError.invalidLength(what: "commitment", expected: 32, actual: 31)) { try Commitment(bytes: [UInt8](repeating: 1, count: 31)) }
        #expect(throws: ProofError.identityPoint(offset: 0)) { try Commitment(point: .identity) }
    }

    @Test func powersOfTwoOfHAreDoublings() {
        let table = Generators.powersOfTwoOfH
        #expect(table.count == 64)
        #expect(table[0] == Generators.h)
        #expect(table[10] == Generators.h.times(Scalar(1024)))
        #expect(table[63] == Generators.h.times(Scalar(UInt64(1) << 63)))
    }
}
