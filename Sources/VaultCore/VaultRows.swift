/// The state of one tier as stored: its rank, the current key version, the lowest version still allowed to
/// decrypt, and an unfinished rotation target if one is running.
public struct TierState: Sendable, Equatable {
    /// Tier name.
    /// (rank: position in the order; currentVersion: key version new DEKs use; minDecryptionVersion: oldest usable.)
    public let name: String
    public let rank: Int
    public var currentVersion: Int
    public var minDecryptionVersion: Int
    /// True while a rotation to `currentVersion` is still rewrapping DEKs (resumed after a crash).
    public var rotating: Bool

    public init(name: String, rank: Int, currentVersion: Int, minDecryptionVersion: Int, rotating: Bool = false) {
        self.name = name
        self.rank = rank
        self.currentVersion = currentVersion
        self.minDecryptionVersion = minDecryptionVersion
        self.rotating = rotating
    }

    /// The tier as an ordered level.
    public var tier: Tier { Tier(name: name, rank: rank) }
}

/// A record's public metadata as stored (no field values).
public struct RecordRow: Sendable, Equatable {
    public let id: String
    public let type: String
    public let schemaVersion: Int
    public var version: Int
    public let citizen: Pseudonym
    public let createdAtMs: UInt64
    public var shredded: Bool

    public init(id: String, type: String, schemaVersion: Int, version: Int, citizen: Pseudonym, createdAtMs: UInt64, shredded: Bool) {
        self.id = id
        self.type = type
        self.schemaVersion = schemaVersion
        self.version = version
        self.citizen = citizen
        self.createdAtMs = createdAtMs
        self.shredded = shredded
    }
}

/// One encrypted field of a record.
public struct FieldRow: Sendable, Equatable {
    public let recordID: String
    public let field: String
    public let tier: String
    public let ciphertext: [UInt8]

    public init(recordID: String, field: String, tier: String, ciphertext: [UInt8]) {
        self.recordID = recordID
        self.field = field
        self.tier = tier
        self.ciphertext = ciphertext
    }
}

/// The commitment of an attestable field (public) and its opening, encrypted like a field.
public struct OpeningRow: Sendable, Equatable {
    public let recordID: String
    public let field: String
    public let tier: String
    public let commitment: [UInt8]
    public let ciphertext: [UInt8]

    public init(recordID: String, field: String, tier: String, commitment: [UInt8], ciphertext: [UInt8]) {
        self.recordID = recordID
        self.field = field
        self.tier = tier
        self.commitment = commitment
        self.ciphertext = ciphertext
    }
}
