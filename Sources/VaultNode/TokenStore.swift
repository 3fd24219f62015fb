import VaultCore

/// A bearer token as stored: its public id, its keyed hash (never the token itself), what it grants, and the MAC
/// that binds all of these under the node's key (see `StateAuthenticator`). `revoked` is only a hint: revocations
/// are ledger entries, and the ledger decides.
public struct StoredToken: Sendable, Equatable {
    public let id: String
    public let hash: [UInt8]
    public let role: String
    public let actor: String
    public let clearance: String?
    public let citizen: Pseudonym?
    public let createdAtMs: UInt64
    public let expiresAtMs: UInt64?
    public let revoked: Bool
    public let mac: [UInt8]

    public init(
        id: String, hash: [UInt8], role: String, actor: String, clearance: String?, citizen: Pseudonym?, createdAtMs: UInt64,
        expiresAtMs: UInt64?, revoked: Bool, mac: [UInt8]
    ) {
        self.id = id
        self.hash = hash
        self.role = role
        self.actor = actor
        self.clearance = clearance
        self.citizen = citizen
        self.createdAtMs = createdAtMs
        self.expiresAtMs = expiresAtMs
        self.revoked = revoked
        self.mac = mac
    }

    /// The columns the MAC covers, in order (docs/format/vault-storage.md, "State MACs"): everything but `revoked`.
    public var authenticatedColumns: [StateAuthenticator.Column] {
        [.bytes(hash), .text(role), .text(actor), .text(clearance), .bytes(citizen?.bytes),
         .integer(Int64(bitPattern: createdAtMs)), .integer(expiresAtMs.map { Int64(bitPattern: $0) })]
    }
}

/// Where a backend keeps bearer-token rows (table `vault_token`); each call is its own durable transaction.
/// Revocations are written with their ledger entry through `VaultWriting`, not here.
public protocol TokenStore: Sendable {
    func insertToken(_ token: StoredToken) throws
    /// The row whose keyed hash equals `hash`, if any.
    func token(hash: [UInt8]) throws -> StoredToken?
    /// The row with public id `id`, if any.
    func token(id: String) throws -> StoredToken?
}
