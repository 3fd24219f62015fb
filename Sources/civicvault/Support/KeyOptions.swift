import ArgumentParser
import Foundation
import VaultCrypto
import VaultLedger

/// `--keys` and the passphrase sources shared by every command that opens the node's keys.
struct KeyOptions: ParsableArguments {
    @Option(name: .long, help: "Directory of the node's keys (node.key, node.pub).")
    var keys: String = ".civicvault/keys"

    @Option(name: .long, help: "File whose first line is the key file passphrase, mode 0600 (else CIVICVAULT_PASSPHRASE, else a prompt).")
    var passphraseFile: String?

    @Option(name: .long, help: "For keys opened by officers' shares: a file holding one share (cvshare1-...), mode 0600; repeat until the threshold.")
    var shareFile: [String] = []

    var directory: KeyDirectory { KeyDirectory(path: keys) }

    /// The environment variable a passphrase may come from; removed from the environment once read.
    static let passphraseVariable = "CIVICVAULT_PASSPHRASE"

    /// The passphrase from --passphrase-file, CIVICVAULT_PASSPHRASE, or an interactive prompt, in that order.
    func passphrase(prompt: String) throws -> SecureBytes? {
        if let passphraseFile {
            try Self.checkPrivate(passphraseFile)
            guard let data = FileManager.default.contents(atPath: passphraseFile) else {
                throw CLIFailure("cannot read the passphrase file \(passphraseFile)", hint: "check the path and its permissions")
            }
            var bytes = [UInt8](data)
            defer { for i in bytes.indices { bytes[i] = 0 } }
            let line = bytes.prefix { $0 != 0x0a && $0 != 0x0d }
            return SecureBytes(copying: line)
        }
        if let secret = Self.takeEnvironmentPassphrase() { return secret }
        guard isatty(STDIN_FILENO) == 1, let raw = getpass(prompt) else { return nil }
        let length = strlen(raw)
        let secret = SecureBytes(copying: UnsafeRawBufferPointer(start: raw, count: length))
        memset(raw, 0, length)
        return secret
    }

    /// Refuses a passphrase file that group or others may access (any of mode 077): it must be 0600 or stricter.
    static func checkPrivate(_ path: String) throws {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw CLIFailure("cannot read the passphrase file \(path)", hint: "check the path and its permissions")
        }
        let mode = info.st_mode & 0o777
        guard mode & 0o077 == 0 else {
            throw CLIFailure(
                "the passphrase file \(path) is open to other users (mode \(String(format: "%04o", mode)))",
                hint: "chmod 600 \(path)")
        }
    }

    /// CIVICVAULT_PASSPHRASE, copied into secure memory, then wiped and removed from the process environment so
    /// nothing started later (or reading the environment later) sees it; nil when it is not set.
    static func takeEnvironmentPassphrase() -> SecureBytes? {
        guard let raw = getenv(passphraseVariable) else { return nil }
        let length = strlen(raw)
        let secret = SecureBytes(copying: UnsafeRawBufferPointer(start: raw, count: length))
        memset(raw, 0, length)
        unsetenv(passphraseVariable)
        return secret
    }

    /// Opens the node keys, asking for the passphrase only when the file needs one.
    func loadNodeKeys() throws -> NodeKeys { try loadNodeKeysForRewrite().keys }

    /// Opens the node keys and returns what re-seals other keys under the same passphrase or shares.
    func loadNodeKeysForRewrite() throws -> (keys: NodeKeys, resealer: KeyFile.Resealer) {
        do {
            let file = try directory.readKeyFile()
            switch try KeyFile.protection(of: file) {
            case .devNoPassphrase:
                return try KeyFile.openForRewrite(file, passphrase: nil)
            case .passphrase:
                return try KeyFile.openForRewrite(file, passphrase: try passphrase(prompt: "Passphrase for \(directory.secretFilePath): "))
            case .shares:
                guard !shareFile.isEmpty else { throw KeyFile.Failure.sharesRequired }
                let collector = ShareCollector(set: try directory.readShareSet())
                for path in shareFile {
                    try Self.checkPrivate(path)
                    guard let data = FileManager.default.contents(atPath: path) else { throw CLIFailure("cannot read the share file \(path)", hint: "check the path") }
                    var bytes = [UInt8](data)
                    defer { for i in bytes.indices { bytes[i] = 0 } }
                    do {
                        if let secret = try collector.add(SecureBytes(copying: bytes)) { return try KeyFile.openForRewrite(file, shareSecret: secret) }
                    } catch let f as SecretShares.Failure {
                        throw CLIFailure("\(path): \(f.description)", hint: "give k different shares of this node's current share set")
                    }
                }
                throw CLIFailure(SecretShares.Failure.notEnoughShares(have: collector.progress, need: collector.set.threshold).description, hint: "give more --share-file options")
            }
        } catch {
            throw CLIFailure.from(error)
        }
    }

    /// The log's key chain from `ledger.keys`, checked from node.pub (the first, trusted key) and required to end with
    /// `keys`' signing key; nil when the log never rotated (no ledger.keys).
    func loadKeyChain(for keys: NodeKeys) throws -> LedgerKeyChain? {
        guard !directory.hasPendingKeyFile else {
            throw CLIFailure("a log-key rotation is unfinished (\(directory.pendingSecretFilePath) exists)", hint: "rerun `civicvault keys rotate-log-key` to finish it")
        }
        guard let text = directory.readKeyChain() else { return nil }
        let chain: LedgerKeyChain
        do {
            chain = try LedgerKeyChain(parsing: text, trusting: try NoteVerifierKey(parsing: try directory.readVerifierKey()))
        } catch {
            throw CLIFailure("\(directory.keyChainFilePath): \(error)", hint: "restore ledger.keys and node.pub from the key export (`civicvault keys import`)")
        }
        guard chain.current.publicKey == keys.signingKey.publicKey else {
            throw CLIFailure(
                "node.key signs with a key that \(directory.keyChainFilePath) does not end with",
                hint: "a log-key rotation is unfinished or the files come from different exports: rerun `civicvault keys rotate-log-key`, or restore both from one export")
        }
        return chain
    }
}
