/// One event on the transparency ledger: a type, a time, an actor and typed attributes holding only ids,
/// pseudonyms, commitments and hashes (never plaintext). Attribute keys are unique; the encoding sorts them.
public struct LedgerEntry: Equatable, Hashable, Sendable {
    /// A typed attribute value.
    public enum Value: Equatable, Hashable, Sendable {
        case bytes([UInt8])
        case string(String)
        case u64(UInt64)
    }

    /// Well-known entry types (any type matching the type rule is accepted).
    public enum Kind {
        public static let recordCreated = "record.created"
        public static let recordUpdated = "record.updated"
        public static let recordShredded = "record.shredded"
        public static let fieldRead = "field.read"
        /// A question about a record (every outcome), its answer sealed for the node and the citizen (`QuestionAnswer`).
        public static let question = "question"
        /// A true answer, written before `question` (its type told the outcome to every ledger reader).
        public static let attested = "attested"
        public static let tierCreated = "tier.created"
        public static let keyRotated = "key.rotated"
        public static let keyRewrapped = "key.rewrapped"
        public static let keyRetired = "key.retired"
        /// The first batch of a KEK rotation committed (attributes `from`, `to`: KEK versions; no key material).
        public static let kekRotationStarted = "kek.rotation_started"
        /// Every tier key is wrapped under the new KEK (attributes `from`, `to`); node.key may drop the old one.
        public static let kekRotated = "kek.rotated"
        public static let schemaRegistered = "schema.registered"
        public static let tokenRevoked = "token.revoked"
        public static let grantAdded = "grant.added"
        public static let grantRevoked = "grant.revoked"
        public static let policyChanged = "policy.changed"
        public static let requestApproved = "request.approved"
        public static let requestFiled = "request.filed"
        public static let requestApproval = "request.approval"
        public static let requestDenied = "request.denied"
        /// A question answered false, or refused by policy or by the disclosure budget (attribute `outcome`).
        public static let questionRefused = "question.refused"
        /// A land parcel's title registered (public: parcel id, title record, hash of the public fields).
        public static let parcelRegistered = "parcel.registered"
        /// A transfer rule installed (its version, hash and canonical JSON).
        public static let ruleChanged = "rule.changed"
        /// A transfer of a parcel opened, a condition given or withdrawn, the transfer executed or lapsed.
        public static let transferOpened = "transfer.opened"
        public static let transferCondition = "transfer.condition"
        public static let transferWithdrawn = "transfer.withdrawn"
        public static let transferExecuted = "transfer.executed"
        public static let transferLapsed = "transfer.lapsed"
        /// A certificate (an `attested` entry of purpose `certificate`) revoked.
        public static let certificateRevoked = "certificate.revoked"
    }

    /// The entry type, e.g. `record.created`: 1-64 characters of [a-z0-9._-].
    public let type: String
    /// Milliseconds since the Unix epoch.
    public let timestampMs: UInt64
    /// Who caused the event (an actor id, never a name); 1-255 UTF-8 bytes.
    public let actor: String
    /// The attributes; keys are 1-64 characters of [a-z0-9._-].
    public let attributes: [String: Value]

    /// Builds an entry, checking the type, actor and attribute keys.
    public init(type: String, timestampMs: UInt64, actor: String, attributes: [String: Value] = [:]) throws {
        guard Self.isValidIdentifier(type) else { throw LedgerError.invalidEntry("type \"\(type)\" must be 1-64 characters of a-z 0-9 . _ -") }
        guard !actor.isEmpty, actor.utf8.count <= 255 else { throw LedgerError.invalidEntry("actor must be 1-255 UTF-8 bytes") }
        guard attributes.count <= LedgerLabels.maxAttributeCount else { throw LedgerError.invalidEntry("more than \(LedgerLabels.maxAttributeCount) attributes") }
        for key in attributes.keys where !Self.isValidIdentifier(key) {
            throw LedgerError.invalidEntry("attribute key \"\(key)\" must be 1-64 characters of a-z 0-9 . _ -")
        }
        self.type = type
        self.timestampMs = timestampMs
        self.actor = actor
        self.attributes = attributes
    }

    /// Attribute keys in encoding order (bytewise ascending UTF-8).
    public var sortedKeys: [String] { attributes.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) } }

    /// True for 1-64 characters of [a-z0-9._-] (types and attribute keys).
    public static func isValidIdentifier(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        return (1...64).contains(bytes.count) && bytes.allSatisfy { b in
            (b >= 0x61 && b <= 0x7a) || (b >= 0x30 && b <= 0x39) || b == 0x2e || b == 0x5f || b == 0x2d
        }
    }
}
