import Foundation
import Hummingbird
import Logging
import Prometheus
import VaultCore
import VaultCrypto
import VaultLedger
import VaultNode
import VaultSQLite

/// Per-request context: Hummingbird's core storage plus the authenticated caller (nil on public routes).
public struct VaultRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The caller resolved from the bearer token.
    public var caller: Caller?
    /// For citizen tokens: the pseudonym the token is bound to.
    public var citizen: Pseudonym?

    public init(source: Source) {
        coreContext = .init(source: source)
    }

    /// Bodies are read explicitly with a limit (see `RequestBody`); this guards any other decoding.
    public var maxUploadSize: Int { 64 * 1024 }
}
