import ArgumentParser
import Foundation
import VaultCrypto

/// An officer's secret key file and its passphrase (`--officer-passphrase-file`, else
/// CIVICVAULT_OFFICER_PASSPHRASE, removed from the environment once read, else a prompt).
struct OfficerOptions: ParsableArguments {
    @Option(help: "The officer's secret key file (from `civicvault officer keygen`).") var officerKey: String?
    @Option(help: "File whose first line is the officer key's passphrase, mode 0600.") var officerPassphraseFile: String?

    static let passphraseVariable = "CIVICVAULT_OFFICER_PASSPHRASE"

    static func passphrase(file: String?, prompt: String) throws -> SecureBytes {
        if let file {
            try KeyOptions.checkPrivate(file)
            guard let data = FileManager.default.contents(atPath: file) else { throw CLIFailure("cannot read \(file)", hint: "check the path") }
            var bytes = [UInt8](data)
            defer { for i in bytes.indices { bytes[i] = 0 } }
            return SecureBytes(copying: bytes.prefix { $0 != 0x0a && $0 != 0x0d })
        }
        if let raw = getenv(passphraseVariable) {
            let length = strlen(raw)
            let secret = SecureBytes(copying: UnsafeRawBufferPointer(start: raw, count: length))
            memset(raw, 0, length)
            unsetenv(passphraseVariable)
            return secret
        }
        guard isatty(STDIN_FILENO) == 1, let raw = getpass(prompt) else {
            throw CLIFailure("no officer passphrase given", hint: "set \(passphraseVariable) or pass --officer-passphrase-file")
        }
        let length = strlen(raw)
        defer { memset(raw, 0, length) }
        return SecureBytes(copying: UnsafeRawBufferPointer(start: raw, count: length))
    }

    /// Opens the officer's key pair; nil when no --officer-key was given.
    func open() throws -> (name: String, pair: X25519KeyPair)? {
        guard let officerKey else { return nil }
        try KeyOptions.checkPrivate(officerKey)
        guard let data = FileManager.default.contents(atPath: officerKey) else { throw CLIFailure("cannot read \(officerKey)", hint: "check the path") }
        do {
            return try OfficerKey.open([UInt8](data), passphrase: try Self.passphrase(file: officerPassphraseFile, prompt: "Passphrase for \(officerKey): "))
        } catch let f as OfficerKey.Failure {
            throw CLIFailure(f.description, hint: "check the officer key file and its passphrase")
        }
    }

    /// Reads officers' public keys (`cvofficer1 ...`) from files or given inline.
    static func publicKeys(_ sources: [String]) throws -> [OfficerKey.PublicKey] {
        let keys = try sources.map { source -> OfficerKey.PublicKey in
            let text = source.hasPrefix("cvofficer1 ") ? source : (FileManager.default.contents(atPath: source).map { String(decoding: $0, as: UTF8.self) } ?? "")
            do { return try OfficerKey.PublicKey(parsing: text) } catch {
                throw CLIFailure("\(source) is not an officer's public key", hint: "give the .pub file `civicvault officer keygen` wrote")
            }
        }
        guard Set(keys.map(\.name)).count == keys.count else { throw CLIFailure("two officer keys have the same name", hint: "each officer needs a key of their own") }
        return keys
    }
}

/// A share sealed to one officer: `cvsealedshare1 <officer> <index> <base64 sealed box of the share text>`.
enum SealedShare {
    static func make(_ share: SecretShares.Share, to officer: OfficerKey.PublicKey) throws -> String {
        var plain = share.secretText.unsafeCopy()
        defer { for i in plain.indices { plain[i] = 0 } }
        return "cvsealedshare1 \(officer.name) \(share.index) \(Base64.encode(try SealedBox.seal(plain, to: officer.key)))\n"
    }

    /// The share inside `text`: plain share text as is, a sealed share opened with `officer`.
    static func open(_ bytes: [UInt8], path: String, officer: (name: String, pair: X25519KeyPair)?) throws -> SecureBytes {
        let text = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard text.hasPrefix("cvsealedshare1 ") else { return SecureBytes(copying: bytes) }
        let parts = text.split(separator: " ")
        guard parts.count == 4, let box = Base64.decode(String(parts[3])) else { throw CLIFailure("\(path) is not a sealed share", hint: "give the file `civicvault init --shares` wrote") }
        guard let officer else { throw CLIFailure("\(path) is sealed to officer \(parts[1])", hint: "give that officer's key with --officer-key") }
        guard officer.name == parts[1] else { throw CLIFailure("\(path) is sealed to officer \(parts[1]), not \(officer.name)", hint: "each officer unseals with their own share") }
        do { return try SealedBox.open(box, with: officer.pair) } catch {
            throw CLIFailure("cannot open \(path) with the key of \(officer.name)", hint: "the file was altered, or sealed to another key of that name")
        }
    }
}

/// Writes a secret (a share) and a newline straight to standard output, after whatever `print` has buffered, so
/// no copy of it is left in Swift's output buffer.
func printSecret(_ secret: SecureBytes) {
    fflush(nil)
    secret.withUnsafeBytes { _ = write(STDOUT_FILENO, $0.baseAddress, $0.count) }
    _ = write(STDOUT_FILENO, "\n", 1)
}
