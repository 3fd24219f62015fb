import Foundation
import Testing
import VaultTestSupport
import VaultCrypto
@testable import VaultProofs

/// One committed vector: the inputs, every intermediate encoding, and the exact proof bytes (docs/format/proofs.md, "Vectors").
struct ProofVector: Codable {
    let name: String
    let description: String
    /// Hex of the DeterministicRandomness seed (the UTF-8 name); blindings are drawn first, then the prover's nonces.
    let seed: String
    let values: [String]
    let blindings: [String]
    let commitments: [String]
    let statement: String
    let context: String
    let transcript: String
    let challenge: String
    let proof: String
}

@Suite struct VectorTests {
    static let descriptions: [String: String] = [
        "opening": "knowledge of an opening of C, v = 42",
        "equals": "v == 7",
        "equal-commitments": "two commitments to string(\"AB123456\", field: \"national-id\") hold the same value",
        "set-membership-8": "enumeration(\"harbour\", type: \"district\") is one of 8 districts",
        "at-least-16": "v = 1200 >= 1000 over 16 bits",
        "age-at-least-18": "born 2000-05-17, at least 18 on 2026-11-26: birth <= 2008-11-26 over 16 bits",
        "between-12": "1000 <= v = 3000 <= 5000 over 12 bits",
        "range-32": "0 <= v = 123456789 < 2^32 (atLeast 0 over 32 bits)",
        "and-age-income-district": "age >= 18 on 2026-11-26 AND income 25000 < 30000 AND district north in 8 districts",
    ]

    static func vector(_ fixture: Fixture) throws -> ProofVector {
        let m = try fixture.make()
        let t = try AndProof.transcript(of: m.proof, m.statement, context: m.context)
        return ProofVector(
            name: fixture.name, description: descriptions[fixture.name] ?? fixture.name,
            seed: Hex.encode(Array(fixture.name.utf8)),
            values: m.openings.map { Hex.encode($0.value.bytes) }, blindings: m.openings.map { Hex.encode($0.blinding.bytes) },
            commitments: m.statement.commitments.map { Hex.encode($0.bytes) },
            statement: Hex.encode(m.statement.encoded), context: Hex.encode(m.context.encoded),
            transcript: Hex.encode(t.bytes), challenge: Hex.encode(m.proof.challenge.bytes), proof: Hex.encode(m.proof.encoded))
    }

    @Test(arguments: Fixture.all)
    func vectorsRegenerateByteForByteAndVerify(_ fixture: Fixture) throws {
        let fresh = try Self.vector(fixture)
        if ProcessInfo.processInfo.environment["CIVICVAULT_WRITE_VECTORS"] == "1" {
            let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Vectors")
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            try (encoder.encode(fresh) + Data("\n".utf8)).write(to: dir.appendingPathComponent("proof-\(fixture.name).json"))
        }
        let committed = try loadVectors("proof-\(fixture.name)", as: ProofVector.self)
        #expect(committed.seed == fresh.seed)
        #expect(committed.values == fresh.values)
        #expect(committed.blindings == fresh.blindings)
        #expect(committed.commitments == fresh.commitments)
        #expect(committed.statement == fresh.statement)
        #expect(committed.context == fresh.context)
        #expect(committed.transcript == fresh.transcript)
        #expect(committed.challenge == fresh.challenge)
        #expect(committed.proof == fresh.proof)

        // Verify the committed bytes from their encodings alone.
        let statement = try Statement(decoding: hex(committed.statement))
        let context = try ProofContext(decoding: hex(committed.context))
        try Verifier.verify(hex(committed.proof), for: statement, context: context, now: context.expiry)
        // The transcript's hash reduced is the challenge, and the challenge opens the proof.
        #expect(try Scalar.reduce(wide: SHA512.hash(hex(committed.transcript))).bytes == hex(committed.challenge))
        #expect(Array(hex(committed.proof)[2..<34]) == hex(committed.challenge))
        for (i, c) in statement.commitments.enumerated() {
            let o = Opening(value: try Scalar(canonical: hex(committed.values[i])), blinding: try Scalar(canonical: hex(committed.blindings[i])))
            #expect(c.isOpened(by: o))
        }
    }
}
