/// Everything that can go wrong in the vault's domain; cases name the field, tier, record or member concerned
/// and never carry plaintext values.
public enum VaultError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The schema file is malformed; the message says where.
    case invalidSchema(String)
    /// A record names a field its schema does not have.
    case unknownField(String)
    /// A required field is missing.
    case missingField(String)
    /// A field's value has the wrong type (the expected type is named, the value is not).
    case wrongType(field: String, expected: String)
    /// An enum field's value is not one of its allowed values.
    case notAllowedValue(field: String)
    /// A tier name that is not configured.
    case unknownTier(String)
    /// A stored value could not be decoded (corruption): names the place, not the content.
    case corrupt(String)
    /// The caller's clearance is below the tier of what it asked for.
    case insufficientClearance(field: String, tier: String)
    /// A write would set, change or drop a field above the caller's clearance (names the field, never its value).
    case writeAboveClearance(field: String, tier: String)
    /// No record has this id.
    case recordNotFound(String)
    /// The record was crypto-shredded: nothing can be read or attested.
    case recordShredded(String)
    /// The caller's role or status does not allow the operation.
    case forbidden(String)
    /// A purpose must be a code of 1-64 characters of a-z 0-9 . _ - (it goes on the public ledger).
    case invalidPurpose
    /// A decision's reason must be a code of 1-64 characters of a-z 0-9 . _ - (it goes on the public ledger).
    case invalidReason
    /// No member has this id.
    case memberNotFound(String)
    /// The tier already exists.
    case tierExists(String)
    /// Old key versions cannot be retired while DEKs are still wrapped under them.
    case rotationUnfinished(tier: String, remaining: Int)
    /// A tier key row names a KEK version this node no longer holds (the KEK was rotated and the old one dropped):
    /// a row put back from before the rotation, or relabelled.
    case keyEncryptionKeyDropped(tier: String, version: Int, kekVersion: Int)
    /// No schema is registered for this record type.
    case unknownRecordType(String)
    /// An attestation predicate is malformed or does not fit the field.
    case invalidPredicate(String)
    /// The prover refused: the record's value does not satisfy the predicate.
    case predicateFalse
    /// Policy refused the request; names the rule (or that none matched).
    case policyDenied(String)
    /// No witness-final checkpoint covers the record yet.
    case notWitnessed(String)
    /// A stored row failed its check: its MAC does not verify, or it disagrees with the state the verified ledger
    /// records (a forged, edited, deleted or rolled-back row). Names the table and the row's key, never its content.
    case stateTampered(table: String, key: String)
    /// An actor id is not a code of 1-64 characters of a-z 0-9 . _ - (actor ids go on the public ledger).
    case invalidActor(String)
    /// No bearer token has this id.
    case tokenNotFound(String)
    /// The caller's token was revoked (alone, or with every token of its actor) on the ledger.
    case credentialRevoked
    /// No approval has this id.
    case approvalNotFound(String)
    /// The approval was already decided (another decision won): nothing was written.
    case alreadyDecided(String, Approval.Status)
    /// The requester has asked its allowed number of distinct questions about this field of this record in the
    /// budget's period; names requester, record, field and budget, never an answer.
    case disclosureBudgetExhausted(String)
    /// The consent request waited longer than its rule allows; it was denied on the ledger.
    case consentExpired(String)
    /// This officer already approved this approval (k-of-n needs distinct officers): nothing was written.
    case alreadyApproved(String, officer: String)
    /// JSON that must be read one way only is not: a duplicate or unknown member, a non-integer number, a
    /// malformed text (`StrictJSON`). Names the member and the byte offset, never a value.
    case malformedJSON(String)
    /// An integer value is outside its field's declared `minimum`...`maximum`.
    case valueOutOfRange(field: String)
    /// An attestation's expiry is in the past or further ahead than allowed (at most 30 days).
    case invalidExpiry(String)

    /// No parcel of this id is registered.
    case parcelNotFound(String)
    /// A parcel of this id is already registered.
    case parcelExists(String)
    /// A parcel history (offline) fails a check, named.
    case invalidParcelHistory(String)
    /// The parcel already has a transfer in flight (one at a time).
    case transferInFlight(parcel: String, transfer: String)
    /// No transfer of this id.
    case transferNotFound(String)
    /// A condition given or withdrawn by someone the rule does not name for it.
    case wrongActor(String)
    /// A party of the transfer (the title or a party's record) is shredded.
    case partyShredded(String)
    /// The transfer is no longer open (executed, withdrawn or lapsed).
    case transferClosed(String, status: String)
    /// No certificate at this ledger index.
    case certificateNotFound(UInt64)
    /// The certificate was revoked (at the ledger index given).
    case certificateRevoked(certificate: UInt64, at: UInt64)
    /// A certificate or its status fails a check, named.
    case invalidCertificate(String)
    /// A transfer rule file that breaks docs/format/transfer-rule.md.
    case invalidTransferRule(String)
    /// Item `index` (from 0) of an import batch is invalid: names the field and why (never its value); nothing of
    /// the batch was written.
    case importItemInvalid(index: Int, field: String, reason: String)
    /// An import batch holds more records than one call takes.
    case importBatchTooLarge(count: Int, limit: Int)

    public var description: String {
        switch self {
        case let .invalidSchema(why): return "invalid schema: \(why)"
        case let .unknownField(name): return "unknown field \"\(name)\""
        case let .missingField(name): return "missing required field \"\(name)\""
        case let .wrongType(field, expected): return "field \"\(field)\" must be of type \(expected)"
        case let .notAllowedValue(field): return "field \"\(field)\" has a value outside its allowed set"
        case let .unknownTier(name): return "unknown tier \"\(name)\""
        case let .corrupt(place): return "stored data is corrupt: \(place)"
        case let .insufficientClearance(field, tier): return "clearance too low to read \"\(field)\" (tier \(tier))"
        case let .writeAboveClearance(field, tier):
            return "clearance too low to set, change or drop \"\(field)\" (tier \(tier)); write only fields at or below your clearance, as a patch"
        case let .recordNotFound(id): return "no record \(id)"
        case let .recordShredded(id): return "record \(id) was shredded"
        case let .forbidden(why): return "forbidden: \(why)"
        case .invalidPurpose: return "purpose must be a code of 1-64 characters of a-z 0-9 . _ -"
        case .invalidReason: return "a reason must be a code of 1-64 characters of a-z 0-9 . _ - (it goes on the public ledger)"
        case let .memberNotFound(id): return "no member \(id)"
        case let .tierExists(name): return "tier \(name) already exists"
        case let .rotationUnfinished(tier, remaining): return "tier \(tier) still has \(remaining) data keys under old versions"
        case let .keyEncryptionKeyDropped(tier, version, kekVersion):
            return "tier key \(tier) v\(version) is wrapped under KEK v\(kekVersion), which node.key does not hold: the row was rolled back from before a KEK rotation, or altered"
        case let .unknownRecordType(type): return "no schema for record type \(type)"
        case let .invalidPredicate(why): return "invalid predicate: \(why)"
        case .predicateFalse: return "the record does not satisfy the predicate; no attestation was made"
        case let .policyDenied(why): return "policy: \(why)"
        case let .notWitnessed(why): return "not yet witnessed: \(why)"
        case let .stateTampered(table, key): return "stored state was tampered with: \(table) row \(key) fails its check and is not obeyed"
        case let .invalidActor(id): return "actor id \"\(id)\" must be 1-64 characters of a-z 0-9 . _ -"
        case let .tokenNotFound(id): return "no token \(id)"
        case .credentialRevoked: return "this token was revoked"
        case let .approvalNotFound(id): return "no approval \(id)"
        case let .alreadyDecided(id, status): return "approval \(id) is already \(status.rawValue)"
        case let .disclosureBudgetExhausted(why): return "disclosure budget exhausted: \(why)"
        case let .consentExpired(id): return "consent request \(id) expired before the citizen decided; it is denied"
        case let .alreadyApproved(id, officer): return "\(officer) already approved \(id); another officer must approve it"
        case let .malformedJSON(why): return "malformed JSON: \(why)"
        case let .valueOutOfRange(field): return "field \"\(field)\" is outside its schema's minimum...maximum"
        case let .invalidExpiry(why): return "invalid expiry: \(why)"
        case let .parcelNotFound(id): return "no parcel \(id)"
        case let .parcelExists(id): return "parcel \(id) is already registered"
        case let .invalidParcelHistory(why): return "parcel history does not verify: \(why)"
        case let .transferInFlight(parcel, transfer): return "parcel \(parcel) already has transfer \(transfer) in flight"
        case let .transferNotFound(id): return "no transfer \(id)"
        case let .wrongActor(why): return "wrong actor: \(why)"
        case let .partyShredded(why): return "a party of the transfer is shredded: \(why)"
        case let .transferClosed(id, status): return "transfer \(id) is \(status); nothing more can change it"
        case let .invalidTransferRule(why): return "invalid transfer rule: \(why)"
        case let .certificateNotFound(index): return "no certificate \(index)"
        case let .certificateRevoked(index, at): return "certificate \(index) was revoked (ledger entry \(at))"
        case let .invalidCertificate(why): return "certificate does not verify: \(why)"
        case let .importItemInvalid(index, field, reason): return "import item \(index), field \(field): \(reason); nothing of the batch was written"
        case let .importBatchTooLarge(count, limit): return "an import batch holds at most \(limit) records, not \(count)"
        }
    }
}
