import ArgumentParser
import Foundation
import VaultCrypto
import VaultLedger

/// `civicvault init`: creates the node's secrets in an encrypted key file and writes its public verifier key.
struct InitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create the node's keys (ledger signing key, master KEK, pseudonym key).")

    @OptionGroup var keyOptions: KeyOptions

    @Option(help: "The node's name: checkpoint origin and note key name (no spaces, no '+').")
    var name: String = "civicvault.local/dev"

    @Flag(help: "Throw-away dev setup: the key file has no passphrase. Never for real data.")
    var dev = false

    @Flag(help: "Do nothing (exit 0) when keys already exist, instead of refusing.")
    var ifMissing = false

    @Flag(help: "Use the fast 'interactive' Argon2id profile instead of 'moderate' (tests, slow machines).")
    var fastKdf = false

    func validate() throws {
        guard NoteVerifierKey.isValidName(name) else {
            throw ValidationError("--name must be non-empty and contain no spaces or '+'")
        }
    }

    func run() async throws {
        let directory = keyOptions.directory
        if directory.exists && ifMissing {
            print("keys already exist in \(directory.path); leaving them as they are")
            return
        }
        do {
            let keys = NodeKeys.generate(name: name)
            let file: [UInt8]
            if dev {
                file = try KeyFile.seal(keys, passphrase: nil, protection: .devNoPassphrase, parameters: .interactive)
            } else {
                guard let passphrase = try keyOptions.passphrase(prompt: "New passphrase for the node keys: "),
                    passphrase.count > 0
                else {
                    throw CLIFailure(
                        "no passphrase given", hint: "set CIVICVAULT_PASSPHRASE, pass --passphrase-file, or use --dev for a throw-away setup")
                }
                file = try KeyFile.seal(
                    keys, passphrase: passphrase, protection: .passphrase, parameters: fastKdf ? .interactive : .moderate)
            }
            let verifier = try NoteVerifierKey(name: name, publicKey: keys.signingKey.publicKey)
            try directory.write(keyFile: file, verifierKey: verifier.description)
            if dev {
                FileHandle.standardError.write(Data("""
                    WARNING: DEV KEYS WITHOUT A PASSPHRASE in \(directory.secretFilePath).
                    WARNING: anyone who can read that file can decrypt this node's data. Never use them for real records.

                    """.utf8))
            }
            print("created \(directory.secretFilePath) (mode 0600, secret) and \(directory.publicFilePath) (public)")
            print("verifier key: \(verifier)")
        } catch {
            throw CLIFailure.from(error)
        }
    }
}
