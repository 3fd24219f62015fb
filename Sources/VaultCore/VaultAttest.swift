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

/// A question refused before anything is proven: recorded, then thrown.
private struct Refused: Error {
    let ruleID: String?
    let outcome: QuestionOutcome
    let error: VaultError
}

extension Vault {
    /// Proves `request`'s predicates about a record in zero knowledge and returns the offline bundle. The opening is
    /// decrypted only inside this call. Every question is recorded as one `question` entry (record, requester,
    /// purpose, keyed predicate hash, the citizen's tag) whatever its outcome: true, false (`predicateFalse`),
    /// refused by the authorizer (`policyDenied`) or past the budget (`disclosureBudgetExhausted`, checked first,
    /// in the write transaction that records the question); the outcome, rule, fields and proof hash are sealed
    /// for the node and the citizen (`QuestionAnswer`), so no other ledger reader learns the answer. Every question
    /// but one past the budget counts against the disclosure budget of (requester, record, field). An age
    /// question without `on` is asked on the node's today.
    ///
    /// The caller must be the requester itself (role requester, same id) or an officer; `authorizer` applies policy.
    /// `recording` runs inside the write transaction that appends the `question` entry of a true answer, before it, with the bundle:
    /// what it writes commits with that entry, and if it throws nothing is written.
    public func attest(
        _ request: AttestationRequest, by caller: Caller, authorizer: (any VaultReading, String, AttestationRequest) throws -> String,
        recording: (any VaultWriting, AttestationBundle) throws -> Void = { _, _ in }
    ) async throws -> Attestation {
        let request = request.pinningDates(to: today())
        guard LedgerEntry.isValidIdentifier(request.requester) else { throw VaultError.invalidActor(String(request.requester.prefix(64))) }
        guard caller.role == .officer || (caller.role == .requester && caller.id == request.requester) else {
            throw VaultError.forbidden("only the requester itself or an officer may ask for this attestation")
        }
        try Self.checkPurpose(request.purpose)
        try checkExpiry(request.expiry)
        guard !request.predicates.isEmpty, request.predicates.count <= PredicateSpec.maxSpecs else {
            throw VaultError.invalidPredicate("give 1...\(PredicateSpec.maxSpecs) predicates")
        }
        for spec in request.predicates { try spec.check() }
        let predicate = try PredicateSpec.canonical(request.predicates)
        let fields = PredicateSpec.fields(request.predicates)
        let hash = predicateHash(recordID: request.recordID, predicate: predicate)
        // 1. Read what the proof needs in one snapshot: openings, commitments, the record's ledger entry, a checkpoint.
        struct Material {
            let record: RecordRow
            let ruleID: String
            let fields: [String: AttestedField]
            let openings: [String: Opening]
            let commitments: [String: Commitment]
            let entryIndex: UInt64
            let entryBytes: [UInt8]
            let checkpoint: String
            let inclusion: InclusionProof
        }
        // The checkpoint to prove against, chosen before the read transaction (the selector reads the store too).
        var selected: String?
        if let select = checkpointSelector {
            guard let note = try await select() else { throw VaultError.notWitnessed("no checkpoint has been cosigned by enough witnesses yet") }
            selected = note
        }
        let read: Result<Material, Refused> = try await store.read { tx in
            try authorize(caller, [.requester, .officer], tx, action: "ask for attestations")
            guard let record = try tx.record(id: request.recordID) else { throw VaultError.recordNotFound(request.recordID) }
            guard !record.shredded else { throw VaultError.recordShredded(record.id) }
            // Fields are checked before policy, so only the schema's attestable field names reach a refusal entry.
            let schema = try schema(record.type, tx)
            var types: [String: AttestedField] = [:]
            for name in fields {
                guard let field = schema.field(named: name), field.attestable else { throw VaultError.invalidPredicate("field \(name) is not attestable") }
                types[name] = AttestedField(field)
            }
            let ruleID: String
            do { ruleID = try authorizer(tx, record.type, request) } catch let error as VaultError {
                guard case .policyDenied = error else { throw error }
                return .failure(Refused(ruleID: nil, outcome: .policyDenied, error: error))
            }
            // Past the budget nothing is proven (the write transaction checks again and records the refusal).
            let budget = try questionBudget(tx, ruleID: ruleID, request: request, recordType: record.type)
            if let exhausted = budgetRefusal(requester: request.requester, recordID: record.id, fields: fields, hash: hash, budget: budget) {
                return .failure(Refused(ruleID: ruleID, outcome: .budgetExhausted, error: exhausted))
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
            return .success(Material(
                record: record, ruleID: ruleID, fields: types, openings: openings, commitments: commitments, entryIndex: entryIndex,
                entryBytes: try tx.ledgerEntryBytes(at: entryIndex), checkpoint: note,
                inclusion: try tx.inclusionProof(index: entryIndex, treeSize: size)))
        }
        let material: Material
        switch read {
        case let .success(m): material = m
        case let .failure(refused):
            let error = try await store.write { tx in
                try recordRefusal(request, by: caller, ruleID: refused.ruleID, fields: fields, hash: hash, outcome: refused.outcome, error: refused.error, tx)
            }
            throw error
        }
        // 2. Prove, outside any transaction.
        let statement = try PredicateSpec.statement(request.predicates, commitments: material.commitments, fields: material.fields)
        let proved = Result { () throws(VaultError) -> Proof in
            try Self.prove(
                statement, openings: fields.map { material.openings[$0]! }, request: request,
                predicate: predicate, fields: material.fields, ledgerIndex: material.entryIndex, checkpoint: material.checkpoint)
        }
        if case .failure(.predicateFalse) = proved {
            let error = try await store.write { tx in
                try recordRefusal(request, by: caller, ruleID: material.ruleID, fields: fields, hash: hash, outcome: .answeredFalse, error: .predicateFalse, tx)
            }
            throw error
        }
        let proof = try proved.get()
        let bundle = AttestationBundle(
            version: AttestationBundle.currentVersion, record_type: material.record.type, fields: material.fields.mapValues(AttestationBundle.FieldJSON.init),
            predicate: predicate, purpose: request.purpose, requester: request.requester, nonce: Base64.encode(request.nonce), expiry: request.expiry,
            ledger_index: material.entryIndex, entry: Base64.encode(material.entryBytes),
            inclusion: .init(tree_size: material.inclusion.treeSize, leaf_index: material.inclusion.leafIndex, hashes: material.inclusion.hashes.map(Base64.encode)),
            checkpoint: material.checkpoint, statement: Base64.encode(statement.encoded), proof: Base64.encode(proof.encoded))
        // 3. Log it, unless the record was shredded meanwhile; past the budget (other questions were recorded
        // meanwhile), the refusal is logged instead and the bundle is never returned.
        let written: Result<UInt64, VaultError> = try await store.write { tx in
            guard let record = try tx.record(id: material.record.id), !record.shredded else { throw VaultError.recordShredded(material.record.id) }
            // Re-checked at the final write: a revocation or a policy change made while the proof was computed wins.
            try authorize(caller, [.requester, .officer], tx, action: "ask for attestations")
            let ruleID: String
            do { ruleID = try authorizer(tx, record.type, request) } catch let error as VaultError {
                guard case .policyDenied = error else { throw error }
                return .failure(try recordRefusal(request, by: caller, ruleID: nil, fields: fields, hash: hash, outcome: .policyDenied, error: error, tx))
            }
            guard record.version == material.record.version, ruleID == material.ruleID else {
                throw VaultError.policyDenied("the record or the policy changed while the proof was made; ask again")
            }
            let budget = try questionBudget(tx, ruleID: ruleID, request: request, recordType: record.type)
            if let exhausted = budgetRefusal(requester: request.requester, recordID: record.id, fields: fields, hash: hash, budget: budget) {
                return .failure(try recordRefusal(request, by: caller, ruleID: ruleID, fields: fields, hash: hash, outcome: .budgetExhausted, error: exhausted, tx))
            }
            try recording(tx, bundle)
            let answer = QuestionAnswer(
                outcome: .answeredTrue, rule: material.ruleID, fields: fields, proofHash: SHA256.hash(proof.encoded), commitmentIndex: material.entryIndex)
            return .success(try tx.appendLedger(
                [try questionEntry(request, record: record, caller: caller, hash: hash, answer: answer)], citizens: [record.citizen]).firstIndex)
        }
        switch written {
        case let .success(index): return Attestation(bundle: bundle, ledgerIndex: index)
        case let .failure(error): throw error
        }
    }

    /// Refuses an expiry further ahead than `BundleVerifier.maxLifetime` (30 days) by the vault's clock, so no
    /// bundle can outlive a shred of its record by more than that. (One already past is the requester's choice: its
    /// bundle never verifies.)
    func checkExpiry(_ expiry: UInt64) throws(VaultError) {
        let now = clock() / 1000
        guard expiry <= now + BundleVerifier.maxLifetime else {
            throw .invalidExpiry("an attestation lives at most \(BundleVerifier.maxLifetime) s (30 days)")
        }
    }

    /// Binds the context and proves; maps a false statement to `predicateFalse`.
    static func prove(
        _ statement: Statement, openings: [Opening], request: AttestationRequest, predicate: String, fields: [String: AttestedField],
        ledgerIndex: UInt64, checkpoint: String
    ) throws(VaultError) -> Proof {
        do {
            let context = try ProofContext(
                requester: request.requester, nonce: request.nonce, expiry: request.expiry, predicate: predicate, purpose: request.purpose,
                fields: AttestationBundle.canonicalFields(fields.mapValues(AttestationBundle.FieldJSON.init)), ledgerIndex: ledgerIndex, checkpointHash: SHA256.hash(Array(checkpoint.utf8)))
            return try Prover.prove(statement, openings: openings, context: context)
        } catch {
            if case .falseStatement = error { throw .predicateFalse }
            throw .invalidPredicate(error.description)
        }
    }
}
