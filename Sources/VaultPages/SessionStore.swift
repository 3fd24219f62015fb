import Foundation
import VaultCore
import VaultCrypto

/// Server-side sessions of the pages, in memory (a restart signs everyone out; each node keeps its own). A session is
/// found by a random 256-bit id sent as an HttpOnly, SameSite=Strict cookie and kept here only as its SHA-256; it
/// holds the bearer token it acts with (resolved again on every request, so revocation and expiry apply at once), a
/// CSRF token bound to it, and its idle and absolute expiry.
public final class SessionStore: @unchecked Sendable {
    /// One signed-in browser.
    public struct Session: Sendable {
        /// The bearer token the pages act with; never sent to the browser.
        public let token: String
        /// What the session's role may open (checked again against the token on every request).
        public let role: Role
        /// The CSRF token every form of this session carries.
        public let csrf: String
        public let createdAtMs: UInt64
        public var lastSeenMs: UInt64
        /// A one-line outcome of the last form, shown once.
        public var flash: String?
    }

    private let lock = NSLock()
    private var sessions: [[UInt8]: Session] = [:]
    let clock: @Sendable () -> UInt64

    public init(clock: @escaping @Sendable () -> UInt64 = Vault.systemClock) { self.clock = clock }

    /// A random 256-bit value in base64url: session ids, CSRF tokens.
    public static func randomToken() -> String {
        Base64.encode(RandomBytes.generate(32)).replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Starts a session acting with `token`; returns the id for the cookie.
    public func create(token: String, role: Role) -> String {
        let id = Self.randomToken()
        let now = clock()
        lock.withLock {
            expire(now)
            if sessions.count >= PageLabels.maxSessions, let oldest = sessions.min(by: { $0.value.lastSeenMs < $1.value.lastSeenMs })?.key {
                sessions[oldest] = nil
            }
            sessions[SHA256.hash(Array(id.utf8))] = Session(token: token, role: role, csrf: Self.randomToken(), createdAtMs: now, lastSeenMs: now)
        }
        return id
    }

    /// The live session with cookie value `id` (its idle time restarts), or nil.
    public func session(_ id: String) -> Session? {
        guard id.utf8.count == 43 else { return nil }
        let key = SHA256.hash(Array(id.utf8))
        let now = clock()
        return lock.withLock {
            guard var session = sessions[key] else { return nil }
            guard !Self.expired(session, now) else {
                sessions[key] = nil
                return nil
            }
            session.lastSeenMs = now
            sessions[key] = session
            return session
        }
    }

    /// Sets the one-line flash of session `id`.
    public func flash(_ id: String, _ text: String) {
        let key = SHA256.hash(Array(id.utf8))
        lock.withLock { sessions[key]?.flash = text }
    }

    /// Takes (and clears) the flash of session `id`.
    public func takeFlash(_ id: String) -> String? {
        let key = SHA256.hash(Array(id.utf8))
        return lock.withLock {
            defer { sessions[key]?.flash = nil }
            return sessions[key]?.flash
        }
    }

    /// Ends session `id` (sign-out, or its token was refused).
    public func end(_ id: String) {
        let key = SHA256.hash(Array(id.utf8))
        _ = lock.withLock { sessions.removeValue(forKey: key) }
    }

    /// How many sessions are live.
    public var count: Int {
        let now = clock()
        return lock.withLock {
            expire(now)
            return sessions.count
        }
    }

    /// True when `presented` is `expected` (constant time; both non-empty).
    public static func csrfMatches(_ presented: String?, _ expected: String?) -> Bool {
        guard let presented, let expected, !presented.isEmpty, !expected.isEmpty else { return false }
        return ConstantTime.equals(Array(presented.utf8), Array(expected.utf8))
    }

    private static func expired(_ s: Session, _ now: UInt64) -> Bool {
        now >= s.lastSeenMs &+ PageLabels.idleTimeoutMs || now >= s.createdAtMs &+ PageLabels.absoluteTimeoutMs
    }

    private func expire(_ now: UInt64) {
        sessions = sessions.filter { !Self.expired($0.value, now) }
    }
}
