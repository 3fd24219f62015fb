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
    /// Why the templates or assets did not load, if they did not (said in the 503 and by `civicvault serve` at start).
    public let loadError: String?
    public let sessions: SessionStore
    /// Cookies get the Secure attribute (the node is behind TLS).
    public let secureCookies: Bool

    public init(secureCookies: Bool, clock: @escaping @Sendable () -> UInt64) {
        var problem: String?
        do { templates = try PageTemplates() } catch {
            templates = nil
            problem = "templates: \(error)"
        }
        do { assets = try PageAssets() } catch {
            assets = nil
            problem = (problem.map { $0 + "; " } ?? "") + "assets: \(error)"
        }
        loadError = problem
        sessions = SessionStore(clock: clock)
        self.secureCookies = secureCookies
    }
}
