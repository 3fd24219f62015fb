import Foundation
import GRDB
import VaultCore
import VaultCrypto
import VaultLedger
import VaultNode

/// Everything a node keeps in its data directory, opened together: the SQLite database, the signed ledger in
/// it, the vault over both and the bearer tokens. `store` is the backend-neutral view the service uses.
public struct NodeStorage: Sendable {
    /// The migrated database.
    public let database: DatabasePool
    /// The ledger, signing with the node's key under the node's name.
    public let ledger: SQLiteLedgerStore
    /// The vault.
    public let vault: Vault
    /// Bearer tokens in the same database.
    public let tokens: TokenRegistry

    /// Opens (creating if needed) `<dataDirectory>/civicvault.sqlite` for the node with `keys`, whose log follows
    /// `keyChain` (nil: the log never rotated its key).
    public static func open(
        dataDirectory: String, keys: NodeKeys, keyChain: LedgerKeyChain? = nil, clock: @escaping @Sendable () -> UInt64 = Vault.systemClock
    ) throws -> NodeStorage {
        try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let database = try NodeDatabase.open(path: NodeDatabase.path(inDataDirectory: dataDirectory))
        let ledger = SQLiteLedgerStore(writer: database, signer: try LedgerSigner(name: keys.name, key: keys.signingKey, keyChain: keyChain), clock: clock)
        let vault = Vault(store: SQLiteVaultStore(writer: database, ledger: ledger), keys: keys, clock: clock, keyChain: ledger.signer.keyChain)
        return NodeStorage(database: database, ledger: ledger, vault: vault, tokens: TokenRegistry(store: SQLiteTokenStore(writer: database), authenticator: vault.authenticator, clock: clock))
    }

    /// The backend-neutral view of this storage.
    public var store: NodeStore { NodeStore(vault: vault, ledger: ledger, tokens: tokens) }

    /// Verifies the whole ledger (every leaf, subtree, block and the checkpoint) against the node's verifier key.
    public func verifyLedger(progress: (UInt64) -> Void = { _ in }) throws -> LedgerVerifier.Summary {
        try ledger.verify(progress: progress)
    }
}
