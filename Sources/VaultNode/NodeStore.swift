import VaultCore
import VaultLedger

/// Everything a service node keeps in its database, whatever the backend (the embedded SQLite file of one node,
/// or a PostgreSQL database shared by several stateless nodes): the vault, the ledger it serves and the tokens.
public struct NodeStore: Sendable {
    /// The vault over the backend's `VaultStore`.
    public let vault: Vault
    /// The ledger in the same database, signing with the node's key.
    public let ledger: any NodeLedger
    /// Bearer tokens of the HTTP service.
    public let tokens: TokenRegistry

    public init(vault: Vault, ledger: any NodeLedger, tokens: TokenRegistry) {
        self.vault = vault
        self.ledger = ledger
        self.tokens = tokens
    }

    /// Verifies the whole ledger against the node's verifier key.
    public func verifyLedger(progress: (UInt64) -> Void = { _ in }) throws -> LedgerVerifier.Summary {
        try ledger.verify(progress: progress)
    }
}
