import VaultCore

/// A bearer token as stored: only its SHA-256 hash, never the token itself.
public struct StoredToken: Sendable, Equatable {
    public let hash: [UInt8]
    public let role: String
    public let actor: String
    public let clearance: String?
    public let citizen: Pseudonym?
    public let createdAtMs: UInt64
    public let expiresAtMs: UInt64?
    public let revoked: Bool

    public init(hash: [UInt8], role: String, actor: String, clearance: String?, citizen: Pseudonym?, createdAtMs: UInt64, expiresAtMs: UInt64?, revoked: Bool) {
        self.hash = hash
        self.role = role
        self.actor = actor
        self.clearance = clearance
        self.citizen = citizen
        self.createdAtMs = createdAtMs
        self.expiresAtMs = expiresAtMs
        self.revoked = revoked
    }
}

/// Where a backend keeps bearer-token rows (table `vault_token`); each call is its own durable transaction.
public protocol TokenStore: Sendable {
    func insertToken(_ token: StoredToken) throws
    /// The row whose hash equals `hash`, if any.
    func token(hash: [UInt8]) throws -> StoredToken?
    /// Marks every token of `actor` revoked; returns how many rows changed.
    func revokeTokens(actor: String) throws -> Int
}
