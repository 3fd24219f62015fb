import Foundation
import VaultCrypto
import VaultLedger
import VaultProofs

/// A requester's question: which record, which predicates, for whom, with which nonce, until when.
public struct AttestationRequest: Sendable, Equatable {
    public let recordID: String
    public let predicates: [PredicateSpec]
    public let requester: String
    public let nonce: [UInt8]
    /// Seconds since 1970 UTC after which the proof no longer verifies.
    public let expiry: UInt64
    /// Why it is asked: a purpose code, checked by policy and written to the ledger.
    public let purpose: String

    public init(recordID: String, predicates: [PredicateSpec], requester: String, nonce: [UInt8], expiry: UInt64, purpose: String) {
        self.recordID = recordID
        self.predicates = predicates
        self.requester = requester
        self.nonce = nonce
        self.expiry = expiry
        self.purpose = purpose
    }
}

/// A made attestation: the bundle for the requester and the ledger index of the `attested` entry that logged it.
public struct Attestation: Sendable, Equatable {
    public let bundle: AttestationBundle
    public let ledgerIndex: UInt64
}

extension Vault {
    /// Proves `request`'s predicates about a record in zero knowledge and returns the offline bundle. The opening is
    /// decrypted only inside this call; a false predicate is refused (`predicateFalse`) and nothing is recorded; a
    /// true one adds an `attested` entry (requester, predicate hash, record, citizen) to the ledger.
    ///
    /// The caller must be the requester itself (role requester, same id) or an officer; `authorizer` applies policy.
    /// `recording` runs inside the write transaction that appends the `attested` entry, before it, with the bundle:
    /// what it writes commits with that entry, and if it throws nothing is written.
    public func attest(
        _ request: AttestationRequest, by caller: Caller, authorizer: (any VaultReading, String, AttestationRequest) throws -> String,
        recording: (any VaultWriting, AttestationBundle) throws -> Void = { _, _ in }
    ) throws -> Attestation {
        guard LedgerEntry.isValidIdentifier(request.requester) else { throw VaultError.invalidActor(String(request.requester.prefix(64))) }
        guard caller.role == .officer || (caller.role == .requester && caller.id == request.requester) else {
            throw VaultError.forbidden("only the requester itself or an officer may ask for this attestation")
        }
        try Self.checkPurpose(request.purpose)
        guard !request.predicates.isEmpty, request.predicates.count <= 16 else { throw VaultError.invalidPredicate("give 1...16 predicates") }
        let predicate = try PredicateSpec.canonical(request.predicates)
        // 1. Read what the proof needs in one snapshot: openings, commitments, the record's ledger entry, a checkpoint.
        struct Material {
            let record: RecordRow
            let ruleID: String
            let fieldTypes: [String: String]
            let openings: [String: Opening]
            let commitments: [String: Commitment]
            let entryIndex: UInt64
            let entryBytes: [UInt8]
            let checkpoint: String
            let inclusion: InclusionProof
        }
        // The checkpoint to prove against, chosen before the read transaction (the selector reads the store too).
        let selected: String? = try checkpointSelector.map { select in
            guard let note = try select() else { throw VaultError.notWitnessed("no checkpoint has been cosigned by enough witnesses yet") }
            return note
        }
        let material: Material = try store.read { tx in
            try authorize(caller, [.requester, .officer], tx, action: "ask for attestations")
            guard let record = try tx.record(id: request.recordID) else { throw VaultError.recordNotFound(request.recordID) }
            guard !record.shredded else { throw VaultError.recordShredded(record.id) }
            let ruleID = try authorizer(tx, record.type, request)
            let schema = try schema(record.type, tx)
            let fields = PredicateSpec.fields(request.predicates)
            var types: [String: String] = [:]
            for name in fields {
                guard let field = schema.field(named: name), field.attestable else { throw VaultError.invalidPredicate("field \(name) is not attestable") }
                types[name] = field.type
            }
            let (tierStates, _) = try tierLevels(tx)
            let keys = Dictionary(uniqueKeysWithValues: try tx.dataKeys(recordID: record.id).map { ($0.tier, $0) })
            var openings: [String: Opening] = [:]
            var commitments: [String: Commitment] = [:]
            for row in try tx.openings(recordID: record.id) where fields.contains(row.field) {
                guard let tier = tierStates[row.tier], let wrapped = keys[row.tier] else { throw VaultError.corrupt("keys of record \(record.id)") }
                let dek = try wrapped.unwrap(tierKey: try tierKey(tx, tier: tier, version: wrapped.tierKeyVersion))
                openings[row.field] = try OpeningCipher.open(row.ciphertext, recordID: record.id, field: row.field, tier: row.tier, recordVersion: record.version, dek: dek)
                commitments[row.field] = try Commitment(bytes: row.commitment)
            }
            guard openings.count == fields.count else { throw VaultError.invalidPredicate("the record has no value for some requested field") }
            // The entry that put these commitments on the ledger: the record's latest created/updated entry, as the
            // verified ledger has it.
            let entryIndex = (tx as? AnchoredReader)?.recordEntryIndex(record.id)
            guard let entryIndex else { throw VaultError.corrupt("record \(record.id) has no ledger entry") }
            guard let note = try selected ?? tx.ledgerCheckpoint() else { throw VaultError.corrupt("the ledger has no checkpoint") }
            let size = try Checkpoint(parsing: try SignedNote(parsing: note).text).treeSize
            guard entryIndex < size else {
                throw VaultError.notWitnessed("record entry \(entryIndex) is newer than the final checkpoint (size \(size)); retry after the witnesses cosign")
            }
            return Material(
                record: record, ruleID: ruleID, fieldTypes: types, openings: openings, commitments: commitments, entryIndex: entryIndex,
                entryBytes: try tx.ledgerEntryBytes(at: entryIndex), checkpoint: note,
                inclusion: try tx.inclusionProof(index: entryIndex, treeSize: size))
        }
        // 2. Prove, outside any transaction.
        let statement = try PredicateSpec.statement(request.predicates, commitments: material.commitments, fieldTypes: material.fieldTypes)
        let proof = try Self.prove(
            statement, openings: PredicateSpec.fields(request.predicates).map { material.openings[$0]! }, request: request,
            predicate: predicate, ledgerIndex: material.entryIndex, checkpoint: material.checkpoint)
        let bundle = AttestationBundle(
            version: AttestationBundle.currentVersion, record_type: material.record.type, field_types: material.fieldTypes,
            predicate: predicate, requester: request.requester, nonce: Base64.encode(request.nonce), expiry: request.expiry,
            ledger_index: material.entryIndex, entry: Base64.encode(material.entryBytes),
            inclusion: .init(tree_size: material.inclusion.treeSize, leaf_index: material.inclusion.leafIndex, hashes: material.inclusion.hashes.map(Base64.encode)),
            checkpoint: material.checkpoint, statement: Base64.encode(statement.encoded), proof: Base64.encode(proof.encoded))
        // 3. Log it, unless the record was shredded meanwhile.
        let attestationIndex: UInt64 = try store.write { tx in
            guard let record = try tx.record(id: material.record.id), !record.shredded else { throw VaultError.recordShredded(material.record.id) }
            // Re-checked at the final write: a revocation or a policy change made while the proof was computed wins.
            try authorize(caller, [.requester, .officer], tx, action: "ask for attestations")
            guard record.version == material.record.version, try authorizer(tx, record.type, request) == material.ruleID else {
                throw VaultError.policyDenied("the record or the policy changed while the proof was made; ask again")
            }
            try recording(tx, bundle)
            return try tx.appendLedger([try entry(LedgerEntry.Kind.attested, caller, [
                "record": .string(record.id), "citizen": .bytes(record.citizen.bytes), "requester": .string(request.requester),
                "purpose": .string(request.purpose), "rule": .string(material.ruleID),
                "predicate_hash": .bytes(SHA256.hash(Array(predicate.utf8))), "proof_hash": .bytes(SHA256.hash(proof.encoded)),
                "commitment_index": .u64(material.entryIndex),
            ])], citizens: [record.citizen]).firstIndex
        }
        return Attestation(bundle: bundle, ledgerIndex: attestationIndex)
    }

    /// Binds the context and proves; maps a false statement to `predicateFalse`.
    static func prove(
        _ statement: Statement, openings: [Opening], request: AttestationRequest, predicate: String, ledgerIndex: UInt64, checkpoint: String
    ) throws(VaultError) -> Proof {
        do {
            let context = try ProofContext(
                requester: request.requester, nonce: request.nonce, expiry: request.expiry, predicate: predicate,
                ledgerIndex: ledgerIndex, checkpointHash: SHA256.hash(Array(checkpoint.utf8)))
            return try Prover.prove(statement, openings: openings, context: context)
        } catch {
            if case .falseStatement = error { throw .predicateFalse }
            throw .invalidPredicate(error.description)
        }
    }
}
