import Foundation
import VaultCrypto
import VaultLedger
@testable import VaultCore
@testable import VaultProofs

/// Builds attestation bundles from the primitives alone, as a second implementation following docs/format/ would:
/// a record entry with commitments in a small ledger, a signed checkpoint, an inclusion proof, the statement from
/// the predicate and a proof with fixed randomness. It makes version 1 bundles exactly as nodes made them before
/// version 2 (no purpose, `field_types`, the version 1 statement rules), so the verifier's support for old
/// bundles is tested on real ones, and the committed bundle vectors regenerate byte for byte.
struct BundleFactory {
    /// The vectors' log: a fixed Ed25519 seed, so the verifier key is fixed too.
    let signer: LedgerSigner
    /// 2026-12-01T00:00:00Z, the time the vectors are verified at.
    static let now: UInt64 = 1_796_083_200
    static let recordID = "r-00112233445566778899aabbccddeeff"

    init() throws {
        signer = try LedgerSigner(name: "vectors.civicvault.example/log", key: try Ed25519SigningKey(seed: SecureBytes(copying: Array(repeating: 0x42, count: 32))))
    }

    var verifier: BundleVerifier { BundleVerifier(ledgerKey: signer.verifierKey) }

    /// A bundle of `version` proving `specs` about committed `values` (by field), made for bank-1 with a fixed nonce.
    func make(
        _ name: String, version: Int, specs: [PredicateSpec], values: [String: (AttestedField, Scalar)], purpose: String = "loan-application",
        recordVersion: UInt64 = 3, expiry: UInt64 = BundleFactory.now + 86_400, omitCommitment: String? = nil, pointAt: Int = 2
    ) throws -> AttestationBundle {
        var rng = DeterministicRandomness(seed: Array(name.utf8))
        let fields = PredicateSpec.fields(specs)
        var commitments: [String: Commitment] = [:], openings: [Opening] = []
        var attributes: [String: LedgerEntry.Value] = [
            "record": .string(Self.recordID), "type": .string("citizen"), "version": .u64(recordVersion), "tag": .bytes(Array(repeating: 7, count: 32)),
        ]
        for field in fields {
            let (c, o) = Commitment.commit(to: values[field]!.1, randomness: &rng)
            commitments[field] = c
            openings.append(o)
            if field != omitCommitment { attributes["commitment." + field] = .bytes(c.bytes) }
        }
        let entries = [
            EntryCodec.encode(try LedgerEntry(type: "tier.created", timestampMs: 1_796_000_000_000, actor: "officer-1", attributes: ["tier": .string("internal"), "rank": .u64(1), "version": .u64(1)])),
            EntryCodec.encode(try LedgerEntry(type: "schema.registered", timestampMs: 1_796_000_000_001, actor: "officer-1", attributes: ["type": .string("citizen"), "version": .u64(1)])),
            EntryCodec.encode(try LedgerEntry(type: recordVersion == 1 ? "record.created" : "record.updated", timestampMs: 1_796_000_000_002, actor: "registry-1", attributes: attributes)),
            EntryCodec.encode(try LedgerEntry(type: "field.read", timestampMs: 1_796_000_000_003, actor: "dept-health-1", attributes: ["record": .string(Self.recordID)])),
        ]
        let tree = MerkleTree(entries: entries)
        let note = try Checkpoint(origin: signer.name, treeSize: tree.size, root: tree.root).sign(name: signer.name, key: signer.key).serialized
        let inclusion = try InclusionProof.generate(leafIndex: UInt64(pointAt), treeSize: tree.size, from: tree)
        let declared = fields.reduce(into: [String: AttestedField]()) { $0[$1] = values[$1]!.0 }
        let predicate = try PredicateSpec.canonical(specs)
        let statement = try PredicateSpec.statement(specs, commitments: commitments, fields: declared, rules: version == 2 ? .v2 : .v1)
        let nonce = Array(0..<32).map(UInt8.init)
        let context = try ProofContext(
            requester: "bank-1", nonce: nonce, expiry: expiry, predicate: predicate, purpose: version == 2 ? purpose : nil,
            fields: version == 2 ? AttestationBundle.canonicalFields(declared.mapValues(AttestationBundle.FieldJSON.init)) : nil, ledgerIndex: UInt64(pointAt),
            checkpointHash: SHA256.hash(Array(note.utf8)))
        let proof = try Prover.prove(statement, openings: openings, context: context, randomness: &rng)
        return AttestationBundle(
            version: version, record_type: "citizen",
            field_types: version == 1 ? declared.mapValues(\.type) : nil,
            fields: version == 2 ? declared.mapValues(AttestationBundle.FieldJSON.init) : nil,
            predicate: predicate, purpose: version == 2 ? purpose : nil, requester: "bank-1", nonce: Base64.encode(nonce), expiry: expiry,
            ledger_index: UInt64(pointAt), entry: Base64.encode(entries[pointAt]),
            inclusion: .init(tree_size: inclusion.treeSize, leaf_index: inclusion.leafIndex, hashes: inclusion.hashes.map(Base64.encode)),
            checkpoint: note, statement: Base64.encode(statement.encoded), proof: Base64.encode(proof.encoded))
    }

    static let birth = AttestedField(type: "date")
    static let income = AttestedField(type: "integer", minimum: 0, maximum: 1_000_000_000_000)
    static let balance = AttestedField(type: "integer", minimum: -9_007_199_254_740_991, maximum: 9_007_199_254_740_991)
    static let district = AttestedField(type: "enum")

    /// The honest bundles of the vectors: every predicate kind, both versions.
    func honest() throws -> [(name: String, bundle: AttestationBundle)] {
        let born = AttributeEncoding.date(try CivilDate(year: 1990, month: 3, day: 14))
        let values: [String: (AttestedField, Scalar)] = [
            "birth_date": (Self.birth, born), "income": (Self.income, AttributeEncoding.integer(5_000_000_000)),
            "balance": (Self.balance, AttributeEncoding.signedInteger(-250)), "district": (Self.district, AttributeEncoding.enumeration("harbour", type: "district")),
        ]
        let v1Values = values.mapValues { (AttestedField(type: $0.0.type), $0.1) }
        return [
            ("v1-age-district", try make("v1-age-district", version: 1, specs: [
                PredicateSpec(field: "birth_date", age_at_least: 18, on: "2026-12-01"), PredicateSpec(field: "district", in: ["north", "harbour"]),
            ], values: v1Values)),
            ("v1-range", try make("v1-range", version: 1, specs: [PredicateSpec(field: "income", at_least: 1_000, at_most: 9_000_000_000)], values: v1Values)),
            ("v2-age-district", try make("v2-age-district", version: 2, specs: [
                PredicateSpec(field: "birth_date", age_at_least: 18, on: "2026-12-01"), PredicateSpec(field: "district", equals: "harbour"),
            ], values: values)),
            ("v2-at-least-beyond-32-bits", try make("v2-at-least-beyond-32-bits", version: 2, specs: [PredicateSpec(field: "income", at_least: 4_294_968_296)], values: values)),
            ("v2-signed-below", try make("v2-signed-below", version: 2, specs: [PredicateSpec(field: "balance", below: -100)], values: values)),
            ("v2-at-most", try make("v2-at-most", version: 2, specs: [PredicateSpec(field: "income", at_most: 6_000_000_000)], values: values)),
        ]
    }
}
