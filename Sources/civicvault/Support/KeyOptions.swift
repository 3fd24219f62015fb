import ArgumentParser
import Foundation
import VaultCrypto

/// `--keys` and the passphrase sources shared by every command that opens the node's keys.
struct KeyOptions: ParsableArguments {
    @Option(name: .long, help: "Directory of the node's keys (node.key, node.pub).")
    var keys: String = ".civicvault/keys"

    @Option(name: .long, help: "File whose first line is the key file passphrase (else CIVICVAULT_PASSPHRASE, else a prompt).")
    var passphraseFile: String?

    var directory: KeyDirectory { KeyDirectory(path: keys) }

    /// The passphrase from --passphrase-file, CIVICVAULT_PASSPHRASE, or an interactive prompt, in that order.
    func passphrase(prompt: String) throws -> SecureBytes? {
        if let passphraseFile {
            guard let data = FileManager.default.contents(atPath: passphraseFile) else {
                throw CLIFailure("cannot read the passphrase file \(passphraseFile)", hint: "check the path and its permissions")
            }
            var bytes = [UInt8](data)
            defer { for i in bytes.indices { bytes[i] = 0 } }
            let line = bytes.prefix { $0 != 0x0a && $0 != 0x0d }
            return SecureBytes(copying: line)
        }
        if let env = ProcessInfo.processInfo.environment["CIVICVAULT_PASSPHRASE"] {
            return SecureBytes(copying: Array(env.utf8))
        }
        guard isatty(STDIN_FILENO) == 1, let raw = getpass(prompt) else { return nil }
        let length = strlen(raw)
        let secret = SecureBytes(copying: UnsafeRawBufferPointer(start: raw, count: length))
        memset(raw, 0, length)
        return secret
    }

    /// Opens the node keys, asking for the passphrase only when the file needs one.
    func loadNodeKeys() throws -> NodeKeys {
        do {
            let file = try directory.readKeyFile()
            switch try KeyFile.protection(of: file) {
            case .devNoPassphrase:
                return try KeyFile.open(file, passphrase: nil)
            case .passphrase:
                return try KeyFile.open(file, passphrase: try passphrase(prompt: "Passphrase for \(directory.secretFilePath): "))
            }
        } catch {
            throw CLIFailure.from(error)
        }
    }
}
