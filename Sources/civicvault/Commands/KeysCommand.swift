import ArgumentParser
import VaultCrypto
import VaultLedger

/// `civicvault keys ...`: inspect the node's keys.
struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys", abstract: "Inspect the node's keys.", subcommands: [Show.self])

    /// `civicvault keys show`: prints the public note verifier key, checked against the secret key file.
    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the node's public verifier key.")

        @OptionGroup var keyOptions: KeyOptions

        func run() async throws {
            let keys = try keyOptions.loadNodeKeys()
            do {
                print(try NoteVerifierKey(name: keys.name, publicKey: keys.signingKey.publicKey))
            } catch {
                throw CLIFailure.from(error)
            }
        }
    }
}
