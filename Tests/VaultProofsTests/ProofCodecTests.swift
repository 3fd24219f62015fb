import Testing
import VaultCrypto
@testable import VaultProofs

/// The proof decoder is strict: versions, types, lengths, canonical scalars, valid non-identity points.
@Suite struct ProofCodecTests {
    private func made(_ name: String) throws -> Fixture.Made { try Fixture.all.first { $0.name == name }!.make() }

    private func decodes(_ bytes: [UInt8], _ statement: Statement, as expected: ProofError, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(throws: expected, sourceLocation: sourceLocation) { try Proof(decoding: bytes, for: statement) }
    }

    @Test(arguments: Fixture.all)
    func roundTrips(_ fixture: Fixture) throws {
        let m = try fixture.make()
        let decoded = try Proof(decoding: m.proof.encoded, for: m.statement)
        #expect(decoded == m.proof)
        #expect(decoded.encoded == m.proof.encoded)
        try Verifier.verify(decoded, for: m.statement, context: m.context)
    }

    @Test func versionsAndTypesAreChecked() throws {
        let m = try made("range-32")
        var b = m.proof.encoded
        b[0] = 0x02
        decodes(b, m.statement, as: .unknownVersion(what: "proof", version: 0x02))
        b[0] = 0x00
        decodes(b, m.statement, as: .unknownVersion(what: "proof", version: 0x00))
        b = m.proof.encoded
        b[1] = 0x42
        decodes(b, m.statement, as: .unknownType(what: "proof", type: 0x42, offset: 1))
        b[1] = 0x06
        decodes(b, m.statement, as: .proofTypeMismatch(expected: 0x05, actual: 0x06))
        decodes([], m.statement, as: .truncated(what: "proof", offset: 0))
        decodes([0x01], m.statement, as: .truncated(what: "proof", offset: 1))
    }

    @Test func nonCanonicalScalarsAreRejected() throws {
        let m = try made("opening")
        let max = [UInt8](repeating: 0xff, count: 31) + [0x7f]  // 2^255 - 1
        var ellPlusOne = groupOrderBytes
        ellPlusOne[0] += 1
        for bad in [groupOrderBytes, max, ellPlusOne] {
            for offset in [2, 34, 66] {  // challenge, z_v, z_r
                var b = m.proof.encoded
                b.replaceSubrange(offset..<offset + 32, with: bad)
                decodes(b, m.statement, as: .nonCanonicalScalar(offset: offset))
            }
        }
        // ℓ - 1 is canonical: it decodes (and fails verification).
        var b = m.proof.encoded
        var ellMinusOne = groupOrderBytes
        ellMinusOne[0] -= 1
        b.replaceSubrange(34..<66, with: ellMinusOne)
        _ = try Proof(decoding: b, for: m.statement)
        #expect(throws: ProofError.verificationFailed) { try Verifier.verify(b, for: m.statement, context: m.context, now: 0) }
    }

    @Test func identityAndInvalidPointsAreRejected() throws {
        let m = try made("at-least-16")
        // Bit commitments start after version, type and challenge.
        for bitIndex in [0, 7, 15] {
            let offset = 34 + 32 * bitIndex
            var b = m.proof.encoded
            b.replaceSubrange(offset..<offset + 32, with: [UInt8](repeating: 0, count: 32))
            decodes(b, m.statement, as: .identityPoint(offset: offset))
            b.replaceSubrange(offset..<offset + 32, with: [UInt8](repeating: 0xff, count: 32))
            decodes(b, m.statement, as: .invalidPoint(offset: offset))
            // A non-canonical encoding of a field element (p = 2^255 - 19 itself, i.e. 0 again) is refused too.
            b.replaceSubrange(offset..<offset + 32, with: [0xed] + [UInt8](repeating: 0xff, count: 30) + [0x7f])
            decodes(b, m.statement, as: .invalidPoint(offset: offset))
        }
    }

    @Test func aProofDecodedForOneStatementIsReparsedForAnother() throws {
        let a = try made("at-least-16")
        let other = try Statement(a.statement.commitments[0], .atLeast(Scalar(999), bits: 16))
        #expect(throws: ProofError.verificationFailed) { try Verifier.verify(a.proof, for: other, context: a.context) }
        let shorter = try Statement(a.statement.commitments[0], .atLeast(Scalar(1000), bits: 15))
        #expect(throws: ProofError.invalidLength(what: "proof", expected: Proof.byteCount(for: shorter), actual: a.proof.encoded.count)) {
            try Verifier.verify(a.proof, for: shorter, context: a.context)
        }
    }
}
