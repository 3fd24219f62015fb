import ArgumentParser
import Foundation
import VaultCore
import VaultCrypto
import VaultNode
import VaultPostgres
import VaultSQLite

/// `--keys`, `--data` (or `--database`) and `--actor`: what every vault command needs to open the node and act as someone.
struct NodeOptions: ParsableArguments {
    @OptionGroup var keyOptions: KeyOptions
    @OptionGroup var dataOptions: DataOptions

    @Option(help: "Actor id recorded on the ledger for this operation (the operator acts as an officer).")
    var actor: String = "operator"

    /// The caller: the operator at the command line, an officer with full clearance.
    var caller: Caller { .operatorCLI(id: actor) }

    /// Opens the node's storage (PostgreSQL when a database URL is given, else SQLite in `--data`, forced to mode
    /// 0700); creates the standard tiers on first use.
    func open() async throws -> NodeStore { try await open(keys: try keyOptions.loadNodeKeys()) }

    /// Opens the node's storage with keys already opened (by shares, for a node unsealed over HTTP). Refused while
    /// node.key holds two KEKs (a KEK rotation is unfinished), except for `keys rotate-kek` itself.
    func open(keys: NodeKeys, duringKEKRotation: Bool = false) async throws -> NodeStore {
        guard duringKEKRotation || !keys.isRotatingKeyEncryptionKey else {
            throw CLIFailure(
                "a KEK rotation is unfinished (node.key holds KEK v\(keys.keyEncryptionKeys[0].version) and v\(keys.currentKeyEncryptionKey.version))",
                hint: "rerun `civicvault keys rotate-kek` with the node stopped to finish it")
        }
        let url = try dataOptions.postgresURL()
        if url == nil { try dataOptions.secureDirectory() }
        let chain = try keyOptions.loadKeyChain(for: keys)
        do {
            let storage = try url.map { try PostgresNode.open(url: $0, keys: keys, keyChain: chain).store }
                ?? NodeStorage.open(dataDirectory: dataOptions.data, keys: keys, keyChain: chain).store
            try await storage.vault.createStandardTiersIfNeeded(by: caller)
            return storage
        } catch {
            throw CLIFailure.from(error)
        }
    }
}

/// Prints JSON values the same way everywhere: sorted keys, no escaped slashes, one document per call.
enum JSONOutput {
    static func print(_ value: some Encodable) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        Swift.print(String(decoding: try encoder.encode(value), as: UTF8.self))
    }
}
