import ArgumentParser
import Foundation
import VaultCrypto
import VaultLedger

/// `civicvault status`: what this node is, where its data lives, and whether its keys open.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Show the node's identity and status.")

    @OptionGroup var keyOptions: KeyOptions

    @Option(help: "Directory of the node's data (SQLite database).")
    var data: String = ".civicvault/data"

    func run() async throws {
        let keys = try keyOptions.loadNodeKeys()
        let verifier: NoteVerifierKey
        do {
            verifier = try NoteVerifierKey(name: keys.name, publicKey: keys.signingKey.publicKey)
        } catch {
            throw CLIFailure.from(error)
        }
        print("CivicVault node \(keys.name)")
        print("  verifier key: \(verifier)")
        print("  keys:         \(keyOptions.directory.path) (opened)")
        print("  data:         \(data)")
        print("  libsodium:    \(Sodium.version)")
    }
}
