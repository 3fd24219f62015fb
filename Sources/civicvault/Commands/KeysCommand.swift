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
        @Flag(help: "Print the witness cosigner key (C2SP cosignature/v1, algorithm 0x04) instead of the log key.") var cosigner = false

        func run() async throws {
            let keys = try keyOptions.loadNodeKeys()
            do {
                if cosigner {
                    print(try CosignerKey(name: keys.name, publicKey: keys.signingKey.publicKey))
                    return
                }
                print(try NoteVerifierKey(name: keys.name, publicKey: keys.signingKey.publicKey))
            } catch {
                throw CLIFailure.from(error)
            }
        }
    }
}
