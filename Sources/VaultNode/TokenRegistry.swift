import Foundation
import VaultCore
import VaultCrypto
import VaultLedger

/// Bearer tokens of the HTTP service: 32 random bytes shown once as `cvt_<base64url>`, stored only as their
/// HMAC-SHA-256 under a key of the node (so a database writer cannot mint one), with a public id, a role, an actor
/// id, a clearance (department members) or a citizen pseudonym (citizens), an expiry, and a MAC over the row.
public struct TokenRegistry: Sendable {
    /// What a valid token stands for.
    public struct Grant: Sendable, Equatable {
        public let role: Role
        public let actor: String
        public let clearance: String?
        public let citizen: Pseudonym?
        /// The token's id and issue time, checked against the ledger's revocations on every vault operation.
        public let credential: Credential
        /// A one-time sign-in link (`cvl_`): it signs in to the pages once (`Vault.consumeOwnToken`) and is no
        /// bearer token for the API.
        public let signInLink: Bool

        /// The vault caller this grant acts as.
        public var caller: Caller { Caller(id: actor, role: role, clearance: clearance, credential: credential) }
    }

    /// A token just made: its public id (to revoke it) and its text (shown once).
    public struct Issued: Sendable, Equatable {
        public let id: String
        public let text: String
    }

    /// Why a token was refused (the token itself is never echoed).
    public enum Refusal: Error, Equatable, Sendable {
        case malformed, unknown, revoked, expired
    }

    /// The lifetime of a token when none is given: 90 days.
    public static let defaultLifetimeMs: UInt64 = 90 * 24 * 3_600 * 1_000

    let store: any TokenStore
    let authenticator: StateAuthenticator
    let clock: @Sendable () -> UInt64

    /// A registry over the node database's token table, keyed by the node's `authenticator`.
    public init(store: any TokenStore, authenticator: StateAuthenticator, clock: @escaping @Sendable () -> UInt64 = Vault.systemClock) {
        self.store = store
        self.authenticator = authenticator
        self.clock = clock
    }

    static let prefix = "cvt_"
    /// The prefix of one-time sign-in link tokens. It is part of the hashed text, so a link token cannot be presented
    /// as a bearer token by changing its prefix (the hash would not match).
    static let linkPrefix = "cvl_"

    /// Creates a token; returns its text, which is not stored anywhere and cannot be shown again. `lifetimeMs` nil
    /// means no expiry (say so explicitly); a lifetime that would overflow the clock is refused.
    public func create(
        role: Role, actor: String, clearance: String? = nil, citizen: Pseudonym? = nil, lifetimeMs: UInt64? = TokenRegistry.defaultLifetimeMs
    ) throws -> String {
        try issue(role: role, actor: actor, clearance: clearance, citizen: citizen, lifetimeMs: lifetimeMs).text
    }

    /// Creates a token and returns its id with its text.
    /// `signInLink`: a one-time sign-in link token (`cvl_...`), for the pages' `/signin/link` only.
    public func issue(
        role: Role, actor: String, clearance: String? = nil, citizen: Pseudonym? = nil, lifetimeMs: UInt64? = TokenRegistry.defaultLifetimeMs,
        signInLink: Bool = false
    ) throws -> Issued {
        guard LedgerEntry.isValidIdentifier(actor) else { throw VaultError.invalidActor(actor.count <= 64 ? actor : String(actor.prefix(64)) + "...") }
        let now = clock()
        var expires: UInt64?
        if let lifetimeMs {
            let (sum, overflow) = now.addingReportingOverflow(lifetimeMs)
            guard !overflow, sum <= UInt64(Int64.max) else { throw VaultError.forbidden("token lifetime is too long; use no expiry explicitly") }
            expires = sum
        }
        let secret = SecureBytes.random(count: 32)
        let text = (signInLink ? Self.linkPrefix : Self.prefix) + Self.base64url(secret.unsafeCopy())
        let id = Credential.newID()
        let unsigned = StoredToken(
            id: id, hash: authenticator.tokenHash(text), role: role.rawValue, actor: actor, clearance: clearance, citizen: citizen,
            createdAtMs: now, expiresAtMs: expires, revoked: false, mac: [])
        try store.insertToken(StoredToken(
            id: id, hash: unsigned.hash, role: unsigned.role, actor: actor, clearance: clearance, citizen: citizen, createdAtMs: now,
            expiresAtMs: expires, revoked: false,
            mac: authenticator.mac(table: "vault_token", key: id, columns: unsigned.authenticatedColumns)))
        return Issued(id: id, text: text)
    }

    /// Resolves a presented token: looked up by its keyed hash (compared in constant time), its row's MAC checked
    /// (`stateTampered` when a database writer forged or edited it), then its revocation flag and expiry.
    public func resolve(_ text: String) throws -> Grant {
        let link = text.hasPrefix(Self.linkPrefix)
        guard text.hasPrefix(Self.prefix) || link, text.utf8.count == Self.prefix.utf8.count + 43 else { throw Refusal.malformed }
        let presented = authenticator.tokenHash(text)
        guard let row = try store.token(hash: presented), ConstantTime.equals(row.hash, presented) else { throw Refusal.unknown }
        try authenticator.check(row.mac, table: "vault_token", key: row.id, columns: row.authenticatedColumns)
        guard !row.revoked else { throw Refusal.revoked }
        if let expires = row.expiresAtMs, expires < clock() { throw Refusal.expired }
        guard let role = Role(rawValue: row.role) else { throw VaultError.stateTampered(table: "vault_token", key: row.id) }
        return Grant(
            role: role, actor: row.actor, clearance: row.clearance, citizen: row.citizen,
            credential: Credential(id: row.id, issuedAtMs: row.createdAtMs), signInLink: link)
    }

    /// The stored row of token `id` (its MAC checked), or nil.
    public func token(id: String) throws -> StoredToken? {
        guard let row = try store.token(id: id) else { return nil }
        try authenticator.check(row.mac, table: "vault_token", key: row.id, columns: row.authenticatedColumns)
        return row
    }

    static func base64url(_ bytes: [UInt8]) -> String {
        Base64.encode(bytes).replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }
}
