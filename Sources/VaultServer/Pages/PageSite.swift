import Foundation
import Hummingbird
import VaultCore
import VaultCrypto
import VaultLedger
import VaultNode
import VaultPages

/// What the pages share: their templates and assets (loaded once; nil when the module's resources are missing, and
/// the pages then answer 503) and the server-side sessions.
public struct PageSite: Sendable {
    public let templates: PageTemplates?
    public let assets: PageAssets?
    public let sessions: SessionStore
    /// Cookies get the Secure attribute (the node is behind TLS).
    public let secureCookies: Bool

    public init(secureCookies: Bool, clock: @escaping @Sendable () -> UInt64) {
        templates = try? PageTemplates()
        assets = try? PageAssets()
        sessions = SessionStore(clock: clock)
        self.secureCookies = secureCookies
    }
}
