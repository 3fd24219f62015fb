import Foundation
import VaultCrypto
import VaultLedger

extension Vault {
    /// The purpose of the attestations that are certificates.
    public static let certificatePurpose = "certificate"

    /// Issues a certificate of the citizen's record `recordID` disclosing exactly `fields` (the citizen's choice,
    /// through their token: `citizen`) to `verifier`, bound to `nonce`, valid until `expiry` (seconds). Each field
    /// must be attestable; its value is read inside the node and proven equal to its ledger commitment in zero
    /// knowledge (an attestation of purpose `certificate`, whose `question` entry, actor `citizen`, is the
    /// certificate's id); the other fields are not read. The issuer named is the department that wrote the record's
    /// current version. A record not the citizen's is `recordNotFound`, as if it did not exist.
    public func issueCertificate(
        recordID: String, fields: [String], verifier: String, nonce: [UInt8], expiry: UInt64, citizen: Pseudonym, by caller: Caller
    ) async throws -> Certificate {
        guard LedgerEntry.isValidIdentifier(verifier) else { throw VaultError.invalidActor(String(verifier.prefix(64))) }
        guard (1...PredicateSpec.maxSpecs).contains(fields.count), Set(fields).count == fields.count else {
            throw VaultError.invalidPredicate("choose 1...\(PredicateSpec.maxSpecs) distinct fields")
        }
        let (specs, issuer): ([PredicateSpec], String) = try await store.read { tx in
            try authorize(caller, [.citizen], tx, action: "ask for certificates")
            guard let record = try tx.record(id: recordID), record.citizen == citizen else { throw VaultError.recordNotFound(recordID) }
            guard !record.shredded else { throw VaultError.recordShredded(recordID) }
            let schema = try schema(record.type, tx)
            for name in fields {
                guard let field = schema.field(named: name), field.attestable else { throw VaultError.invalidPredicate("field \(name.prefix(48)) is not attestable") }
            }
            let (tiers, _) = try tierLevels(tx)
            try (tx as? AnchoredReader)?.checkFields(try tx.fields(recordID: recordID), of: record, schema: schema)
            let values = try keptFields(of: record, Set(fields), tiers: tiers, tx: tx)
            let specs = try fields.map { name -> PredicateSpec in
                switch values[name]?.value {
                case let .string(s)?, let .enumeration(s)?: return PredicateSpec(field: name, equals: s)
                case let .integer(i)?: return PredicateSpec(field: name, equals: String(i))
                case let .date(days)?: return PredicateSpec(field: name, equals: FieldValue.isoDate(fromDays: days))
                case nil: throw VaultError.invalidPredicate("the record has no value for \(name)")
                }
            }
            guard let index = (tx as? AnchoredReader)?.recordEntryIndex(recordID) else { throw VaultError.corrupt("record \(recordID) has no ledger entry") }
            return (specs, try tx.ledgerEntry(at: index).actor)
        }
        let request = AttestationRequest(recordID: recordID, predicates: specs, requester: verifier, nonce: nonce, expiry: expiry, purpose: Self.certificatePurpose)
        let made = try await attest(request, by: Caller(id: Self.citizenActor, role: .officer), authorizer: { _, _, _ in Self.certificatePurpose })
        return Certificate(
            certificate: made.ledgerIndex, issuer: issuer, disclosed: Dictionary(uniqueKeysWithValues: specs.map { ($0.field, $0.equals!) }), bundle: made.bundle)
    }

    /// Revokes certificate `index` (department members and officers): a `certificate.revoked` entry, in the
    /// citizen's log; returns its index (the first one's, when revoked before).
    @discardableResult
    public func revokeCertificate(_ index: UInt64, by caller: Caller) async throws -> UInt64 {
        try await store.write { tx in
            try authorize(caller, [.department, .officer], tx, action: "revoke certificates")
            guard let record = anchor.withState({ $0.certificates[index] }) else { throw VaultError.certificateNotFound(index) }
            if let at = anchor.withState({ $0.revokedCertificates[index] }) { return at }
            let citizen = anchor.withState { $0.records[record]?.citizen }
            return try tx.appendLedger(
                [try entry(LedgerEntry.Kind.certificateRevoked, caller, ["certificate": .u64(index), "record": .string(record)])], citizens: [citizen]
            ).firstIndex
        }
    }

    /// A certificate's status for anyone (no token, nothing logged): its issuing entry and, if revoked, the
    /// revocation, with inclusion proofs against the signed checkpoint.
    public func certificateStatus(_ index: UInt64) async throws -> CertificateStatus {
        try await store.read { tx in
            guard anchor.withState({ $0.certificates[index] }) != nil else { throw VaultError.certificateNotFound(index) }
            let revoked = anchor.withState { $0.revokedCertificates[index] }
            guard let note = try tx.ledgerCheckpoint() else { throw VaultError.certificateNotFound(index) }
            let size = try Checkpoint.open(note, keys: [anchor.verifierKey], origin: anchor.origin).0.treeSize
            let entries = try ([index] + (revoked.map { [$0] } ?? [])).filter { $0 < size }.map { i in
                ParcelHistory.Entry(
                    index: i, entry: Base64.encode(try tx.ledgerEntryBytes(at: i)),
                    proof: try tx.inclusionProof(index: i, treeSize: size).hashes.map { Base64.encode($0) })
            }
            return CertificateStatus(certificate: index, revoked: revoked.map { $0 < size } ?? false, checkpoint: note, entries: entries)
        }
    }
}
