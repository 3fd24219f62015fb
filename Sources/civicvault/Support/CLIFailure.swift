import Foundation
import VaultCore
import VaultCrypto
import VaultLedger
import VaultNode

/// A failure the CLI reports as `error: <what>` and `hint: <what to do>` on standard error, then exits non-zero.
struct CLIFailure: Error {
    let message: String
    let hint: String?
    var exitCode: Int32 = 1

    init(_ message: String, hint: String? = nil, exitCode: Int32 = 1) {
        self.message = message
        self.hint = hint
        self.exitCode = exitCode
    }

    var rendered: String {
        "error: \(message)\n" + (hint.map { "hint: \($0)\n" } ?? "")
    }

    /// Translates errors from the libraries into CLI failures with hints.
    static func from(_ error: any Error) -> CLIFailure {
        switch error {
        case let f as CLIFailure: return f
        case let f as KeyFile.Failure: return CLIFailure(f.description, hint: f.hint)
        case let f as KeyDirectory.Failure:
            switch f {
            case .alreadyExists: return CLIFailure(f.description, hint: "delete the directory yourself if you really mean to start over")
            case .missing: return CLIFailure(f.description, hint: "create keys with `civicvault init --keys <dir>` (or --dev)")
            case .tooOpen: return CLIFailure(f.description, hint: "run `chmod 600` on it and check who could have read it")
            case .io: return CLIFailure(f.description, hint: "check the path and its permissions")
            }
        case let f as SecretShares.Failure: return CLIFailure(f.description, hint: "give k different shares of this node's current share set (civicvault init --shares printed or sealed them)")
        case let f as BackupArchive.Failure: return CLIFailure(f.description, hint: "use a backup written by `civicvault backup`; a damaged backup cannot be repaired")
        case let f as BackupCheck.Refusal: return CLIFailure(f.description, hint: "use another backup")
        case let f as LedgerError: return CLIFailure(f.description, hint: hint(for: f))
        case let f as VaultError: return CLIFailure(f.description, hint: hint(for: f))
        default: return CLIFailure(String(describing: error))
        }
    }

    /// What to do about a vault error.
    static func hint(for error: VaultError) -> String {
        switch error {
        case .invalidSchema: return "fix the schema file; docs/format/schema.md and schemas/citizen.json show the shape"
        case .malformedJSON: return "give each member once, only the documented members, and integers as integers (docs/format/)"
        case .invalidExpiry: return "an attestation lives at most 30 days (--expires-in 2592000); the default is one day"
        case .unknownField, .missingField, .wrongType, .notAllowedValue, .valueOutOfRange: return "check the record against its schema (`civicvault schema list`)"
        case .unknownTier: return "list tiers with `civicvault tier list`"
        case .unknownRecordType: return "register the schema first: `civicvault schema add <file>`"
        case .recordNotFound: return "list a citizen's records with `civicvault record list --national-id <id>`"
        case .recordShredded: return "a shredded record is gone for good; its ledger entries remain"
        case .invalidPurpose: return "use a purpose code such as benefit-check or audit"
        case .invalidReason: return "use a reason code such as purpose-unclear or checked-ok"
        case .rotationUnfinished: return "finish the rotation first: `civicvault tier rotate --resume`"
        case .keyEncryptionKeyDropped: return "restore the database from a backup taken after the KEK rotation; the row does not match node.key"
        case .corrupt: return "run `civicvault ledger verify` and restore the database from a backup"
        case .forbidden, .insufficientClearance, .memberNotFound, .tierExists, .policyDenied: return "ask a data officer"
        case .writeAboveClearance: return "update only fields at or below your clearance (`civicvault record update` patches), or ask a data officer"
        case .invalidPredicate: return #"e.g. --predicate '{"field":"birth_date","age_at_least":18}' (the node's date is implied)"#
        case .notWitnessed: return "wait for the witnesses to cosign a newer checkpoint, then retry"
        case .predicateFalse: return "the question was recorded (a question entry, its answer sealed for the citizen) and counts against the disclosure budget"
        case .consentExpired: return "the requester must ask again; the citizen decides within the rule's consent_hours"
        case .disclosureBudgetExhausted: return "the requester has used its disclosure budget for this field of this record; wait for the period to pass"
        case .stateTampered: return "a database row was forged, edited or rolled back; it is not obeyed. Restore the database from a backup and compare with published checkpoints"
        case .invalidActor: return "actor ids are codes such as clerk-1 or bank-2 (they go on the public ledger)"
        case .tokenNotFound: return "the token id is printed when the token is made (t-...); `civicvault token revoke --for ACTOR` revokes all of an actor's"
        case .credentialRevoked: return "make a new token with `civicvault token create`"
        case .approvalNotFound, .alreadyDecided, .alreadyApproved: return "list approvals with GET /v1/approvals?status=pending"
        case .parcelNotFound, .parcelExists: return "a parcel's public history: GET /v1/public/parcels/{parcel}"
        case .invalidParcelHistory: return "the history was altered, or is of another node: check the verifier key"
        case .transferInFlight, .transferNotFound, .transferClosed, .wrongActor, .partyShredded:
            return "a transfer's state: GET /v1/transfers/{id}; docs/format/transfer-rule.md says who gives which condition"
        case .certificateNotFound, .certificateRevoked, .invalidCertificate:
            return "check the certificate with its status from GET /v1/public/certificates/{certificate} (docs/format/certificate.md)"
        case .importItemInvalid: return "fix that item (check it against its schema: `civicvault schema list`) and import again; items already imported are skipped"
        case .importBatchTooLarge: return "give at most 1000 records a batch (--batch)"
        case .invalidTransferRule: return "fix the rule file (docs/format/transfer-rule.md, scenarios/land-registry/transfer-rule.json)"
        }
    }

    /// What to do about a ledger error.
    static func hint(for error: LedgerError) -> String {
        switch error {
        case .indexOutOfRange, .invalidTreeSizes, .sizeBeyondLog: return "check the index and sizes against `civicvault ledger checkpoint`"
        case .malformedEntryJSON, .invalidEntry, .malformedEntry:
            return #"each line is {"type":..,"timestamp_ms":..,"actor":..,"attributes":{"k":{"string"|"bytes"|"u64":..}}} (docs/format/entry.md)"#
        case .entryMissing, .unexpectedEntry, .leafHashMismatch, .subtreeHashMismatch, .subtreeMissing, .blockMissing, .blockInvalid,
            .checkpointInvalid:
            return "the database was altered or damaged; restore it from a backup and compare with published checkpoints"
        case .keyChainMalformed, .keyChainUntrustedRoot, .keyAnnouncementUnsigned, .keyAnnouncementNotIncluded, .keyNotAnnounced, .keyChainBroken:
            return "fetch the log's key chain again (GET /v1/ledger/keys or ledger.keys beside node.pub) and check that it starts with the key you trust (docs/format/key-chain.md)"
        case .keyNotInForce:
            return "the log's key chain does not put this key in force at that size; give the whole chain with --key-chain, or treat it as log misbehaviour"
        default: return "see docs/format/entry.md, tree.md and checkpoint.md"
        }
    }
}

extension CLIFailure: CustomStringConvertible {
    var description: String { message }
}
