import VaultCore
import VaultCrypto
import VaultLedger
import VaultNode

/// Opens a node's storage in a PostgreSQL database that several stateless nodes may share: each node
/// holds the same keys (one log, one KEK), writes under the database's writer lock and reads from snapshots.
public enum PostgresNode {
    /// Connects to `url`, applies the migrations not yet applied, and returns the node's storage.
    public static func open(
        url: PostgresURL, keys: NodeKeys, keyChain: LedgerKeyChain? = nil, maxConnections: Int = 8, clock: @escaping @Sendable () -> UInt64 = Vault.systemClock
    ) throws -> (store: NodeStore, pool: PostgresPool) {
        let pool = PostgresPool(url: url, maxConnections: maxConnections)
        try PostgresSchema.migrate(pool)
        let ledger = PostgresLedgerStore(pool: pool, signer: try LedgerSigner(name: keys.name, key: keys.signingKey, keyChain: keyChain), clock: clock)
        let vault = Vault(store: PostgresVaultStore(pool: pool, ledger: ledger), keys: keys, clock: clock, keyChain: ledger.signer.keyChain)
        return (NodeStore(vault: vault, ledger: ledger, tokens: TokenRegistry(store: PostgresTokenStore(pool: pool), authenticator: vault.authenticator, clock: clock)), pool)
    }
}
