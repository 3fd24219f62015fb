import Foundation
import VaultCore
import VaultCrypto

/// Bearer tokens of the HTTP service: 32 random bytes shown once as `cvt_<base64url>`, stored only as their
/// SHA-256 hash with a role, an actor id, a clearance (department members) or a citizen pseudonym (citizens).
public struct TokenRegistry: Sendable {
    /// What a valid token stands for.
    public struct Grant: Sendable, Equatable {
        public let role: Role
        public let actor: String
        public let clearance: String?
        public let citizen: Pseudonym?
    }

    /// Why a token was refused (the token itself is never echoed).
    public enum Refusal: Error, Equatable, Sendable {
        case malformed, unknown, revoked, expired
    }

    let store: any TokenStore
    let clock: @Sendable () -> UInt64

    /// A registry over the node database's token table.
    public init(store: any TokenStore, clock: @escaping @Sendable () -> UInt64 = Vault.systemClock) {
        self.store = store
        self.clock = clock
    }

    static let prefix = "cvt_"

    /// Creates a token; returns its text, which is not stored anywhere and cannot be shown again.
    public func create(role: Role, actor: String, clearance: String? = nil, citizen: Pseudonym? = nil, lifetimeMs: UInt64? = nil) throws -> String {
        let secret = SecureBytes.random(count: 32)
        let text = Self.prefix + Self.base64url(secret.unsafeCopy())
        let now = clock()
        try store.insertToken(StoredToken(
            hash: Self.hash(text), role: role.rawValue, actor: actor, clearance: clearance, citizen: citizen, createdAtMs: now,
            expiresAtMs: lifetimeMs.map { now + $0 }, revoked: false))
        return text
    }

    /// Resolves a presented token, comparing hashes in constant time.
    public func resolve(_ text: String) throws -> Grant {
        guard text.hasPrefix(Self.prefix), text.utf8.count == Self.prefix.utf8.count + 43 else { throw Refusal.malformed }
        let presented = Self.hash(text)
        guard let row = try store.token(hash: presented), ConstantTime.equals(row.hash, presented) else { throw Refusal.unknown }
        guard !row.revoked else { throw Refusal.revoked }
        if let expires = row.expiresAtMs, expires < clock() { throw Refusal.expired }
        guard let role = Role(rawValue: row.role) else { throw Refusal.unknown }
        return Grant(role: role, actor: row.actor, clearance: row.clearance, citizen: row.citizen)
    }

    /// Revokes every token of `actor`; returns how many.
    @discardableResult
    public func revokeAll(actor: String) throws -> Int {
        try store.revokeTokens(actor: actor)
    }

    static func hash(_ text: String) -> [UInt8] { SHA256.hash(Array(text.utf8)) }

    static func base64url(_ bytes: [UInt8]) -> String {
        Base64.encode(bytes).replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }
}
