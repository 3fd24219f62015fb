import ArgumentParser
import Foundation
import VaultCrypto
import VaultLedger

/// `civicvault keys ...`: inspect, back up and re-protect the node's keys.
struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys", abstract: "Inspect, export and re-protect the node's keys.",
        subcommands: [Show.self, Export.self, Import.self, Passphrase.self, RotateLogKey.self, RotateKEK.self])

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

    /// The export file: `civicvault-keys-export/v1` then one line per officer, `<officer> <base64 sealed box>`;
    /// each box holds the key directory's files (node.key as it is, still under its passphrase or shares).
    static let exportMagic = "civicvault-keys-export/v1"
    static let exportedFiles = [KeyDirectory.secretFileName, KeyDirectory.publicFileName, KeyDirectory.shareSetFileName, KeyDirectory.keyChainFileName]

    /// `civicvault keys export --out FILE --officer-key PUB...`: the keys backed up apart from the data.
    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write node.key (still under its passphrase or shares), node.pub and unseal.shares, sealed to each officer.")
        @Option(help: "Directory of the node's keys.") var keys: String = ".civicvault/keys"
        @Option(help: "The export file to write (refused if it exists).") var out: String
        @Option(help: "An officer's public key file (.officer.pub); repeat. Any one of them can open the export.") var officerKey: [String] = []

        func run() async throws {
            let officers = try OfficerOptions.publicKeys(officerKey)
            guard !officers.isEmpty else { throw CLIFailure("no officer key given", hint: "pass --officer-key for each officer who may restore the keys") }
            let directory = KeyDirectory(path: keys)
            var payload: [UInt8] = []
            defer { for i in payload.indices { payload[i] = 0 } }
            for name in KeysCommand.exportedFiles {
                let path = (keys as NSString).appendingPathComponent(name)
                guard FileManager.default.fileExists(atPath: path) else { continue }
                let bytes = name == KeyDirectory.secretFileName ? try wrap { try directory.readKeyFile() } : [UInt8](FileManager.default.contents(atPath: path) ?? Data())
                payload += Array("\(name) \(Base64.encode(bytes))\n".utf8)
            }
            var lines = [KeysCommand.exportMagic]
            for officer in officers { lines.append("\(officer.name) \(Base64.encode(try SealedBox.seal(payload, to: officer.key)))") }
            let text = Array((lines.joined(separator: "\n") + "\n").utf8)
            let fd = open(out, O_WRONLY | O_CREAT | O_EXCL, 0o600)
            guard fd >= 0 else { throw CLIFailure("cannot create \(out): \(String(cString: strerror(errno)))", hint: "choose a new file name") }
            _ = text.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            fsync(fd)
            close(fd)
            print("wrote \(out): the keys of \(keys), sealed to \(officers.map(\.name).joined(separator: ", "))")
        }
    }

    /// `civicvault keys import FILE --officer-key SECRET --keys DIR`: puts an export back (never over existing keys).
    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Restore a key export into an empty keys directory.")
        @Argument(help: "The export file.") var file: String
        @Option(help: "Directory to write the keys to (must not hold node.key).") var keys: String = ".civicvault/keys"
        @OptionGroup var officer: OfficerOptions

        func run() async throws {
            guard let officerKey = try officer.open() else { throw CLIFailure("no officer key given", hint: "pass --officer-key with your .officer file") }
            guard let data = FileManager.default.contents(atPath: file) else { throw CLIFailure("cannot read \(file)", hint: "check the path") }
            let lines = String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
            guard lines.first == KeysCommand.exportMagic else { throw CLIFailure("\(file) is not a key export", hint: "give the file `civicvault keys export` wrote") }
            guard let line = lines.dropFirst().first(where: { $0.hasPrefix(officerKey.name + " ") }),
                let box = Base64.decode(String(line.dropFirst(officerKey.name.count + 1)))
            else { throw CLIFailure("the export is not sealed to \(officerKey.name)", hint: "it is sealed to: \(lines.dropFirst().compactMap { $0.split(separator: " ").first }.joined(separator: ", "))") }
            let payload: SecureBytes
            do { payload = try SealedBox.open(box, with: officerKey.pair) } catch {
                throw CLIFailure("cannot open the export with \(officerKey.name)'s key", hint: "the file was altered, or sealed to another key of that name")
            }
            var files: [String: [UInt8]] = [:]
            for entry in String(decoding: payload.unsafeCopy(), as: UTF8.self).split(separator: "\n") {
                let parts = entry.split(separator: " ")
                guard parts.count == 2, KeysCommand.exportedFiles.contains(String(parts[0])), let bytes = Base64.decode(String(parts[1])) else {
                    throw CLIFailure("the export's content is malformed", hint: "use another copy of the export")
                }
                files[String(parts[0])] = bytes
            }
            guard let keyFile = files[KeyDirectory.secretFileName], let pub = files[KeyDirectory.publicFileName] else {
                throw CLIFailure("the export holds no node.key", hint: "use another copy of the export")
            }
            let directory = KeyDirectory(path: keys)
            try wrap { try directory.write(keyFile: keyFile, verifierKey: String(decoding: pub, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) }
            if let set = files[KeyDirectory.shareSetFileName] {
                try Data(set).write(to: URL(fileURLWithPath: directory.shareSetFilePath), options: .atomic)
            }
            if let chain = files[KeyDirectory.keyChainFileName] { try directory.writeKeyChain(String(decoding: chain, as: UTF8.self)) }
            print("restored \(directory.secretFilePath) (still under its passphrase or shares) and \(directory.publicFilePath)")
        }
    }

    /// `civicvault keys passphrase`: re-wraps node.key under a new passphrase, or under a new split into shares
    /// (a new share set: the old shares stop working). The keys inside do not change.
    struct Passphrase: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Re-protect node.key: a new passphrase, or new shares.")
        @OptionGroup var keyOptions: KeyOptions
        @Option(help: "File whose first line is the new passphrase, mode 0600 (else CIVICVAULT_NEW_PASSPHRASE, else a prompt).") var newPassphraseFile: String?
        @Option(help: "Split anew into this many shares instead (with --threshold).") var shares: Int?
        @Option(help: "Shares needed (with --shares).") var threshold: Int?
        @Option(help: "An officer's public key per share; without them each share is printed once.") var officerKey: [String] = []
        @Option(help: "Where sealed shares are written (default: the keys directory).") var shareDir: String?
        @Flag(help: "Use the fast 'interactive' Argon2id profile (tests).") var fastKdf = false

        func run() async throws {
            let keys = try keyOptions.loadNodeKeys()
            let directory = keyOptions.directory
            if let shares, let threshold {
                let secret = Scalar.random()
                let (set, split) = try wrap { try SecretShares.split(secret, threshold: threshold, count: shares, nodeName: keys.name) }
                let officers = try OfficerOptions.publicKeys(officerKey)
                guard officers.isEmpty || officers.count == shares else { throw CLIFailure("give one --officer-key per share", hint: "or none, to print the shares") }
                // The new shares go out first (sealed files or the terminal), then the new set beside the key file,
                // then node.key is replaced and the set renamed into place. Interrupted before node.key was replaced:
                // nothing changed (delete unseal.shares.new); after: rename unseal.shares.new to unseal.shares.
                if officers.isEmpty {
                    FileHandle.standardError.write(Data("Each share below is printed once and never again.\n".utf8))
                    for share in split { printSecret(share.secretText) }
                } else {
                    let dir = shareDir ?? directory.path
                    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
                    for (share, officer) in zip(split, officers) {
                        let path = (dir as NSString).appendingPathComponent("share-\(share.index)-\(officer.name).sealed")
                        unlink(path)
                        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
                        guard fd >= 0 else { throw CLIFailure("cannot create \(path): \(String(cString: strerror(errno)))", hint: "check the directory; node.key was not changed") }
                        let text = Array(try SealedShare.make(share, to: officer).utf8)
                        _ = text.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
                        fsync(fd)
                        close(fd)
                        print("share \(share.index) sealed to \(officer.name): \(path)")
                    }
                }
                let staged = directory.shareSetFilePath + ".new"
                try Data((set.text + "\n").utf8).write(to: URL(fileURLWithPath: staged), options: .atomic)
                try wrap { try directory.replaceKeyFile(try KeyFile.seal(keys, shareSecret: secret)) }
                guard rename(staged, directory.shareSetFilePath) == 0 else {
                    throw CLIFailure("node.key was re-split but \(staged) could not be renamed", hint: "rename it to \(directory.shareSetFilePath) by hand")
                }
                print("node.key is now opened by \(threshold) of \(shares) new shares; the old shares no longer work")
                return
            }
            guard shares == nil, threshold == nil else { throw CLIFailure("--shares and --threshold go together", hint: "e.g. --shares 5 --threshold 3") }
            let passphrase = try newPassphrase()
            try wrap { try directory.replaceKeyFile(try KeyFile.seal(keys, passphrase: passphrase, protection: .passphrase, parameters: fastKdf ? .interactive : .moderate)) }
            try? FileManager.default.removeItem(atPath: directory.shareSetFilePath)
            print("node.key is now protected by the new passphrase")
        }

        func newPassphrase() throws -> SecureBytes {
            if let newPassphraseFile {
                try KeyOptions.checkPrivate(newPassphraseFile)
                guard let data = FileManager.default.contents(atPath: newPassphraseFile) else { throw CLIFailure("cannot read \(newPassphraseFile)", hint: "check the path") }
                var bytes = [UInt8](data)
                defer { for i in bytes.indices { bytes[i] = 0 } }
                let line = bytes.prefix { $0 != 0x0a && $0 != 0x0d }
                guard !line.isEmpty else { throw CLIFailure("the new passphrase is empty", hint: "write it on the file's first line") }
                return SecureBytes(copying: line)
            }
            if let raw = getenv("CIVICVAULT_NEW_PASSPHRASE") {
                let length = strlen(raw)
                defer { memset(raw, 0, length); unsetenv("CIVICVAULT_NEW_PASSPHRASE") }
                guard length > 0 else { throw CLIFailure("the new passphrase is empty", hint: "set CIVICVAULT_NEW_PASSPHRASE") }
                return SecureBytes(copying: UnsafeRawBufferPointer(start: raw, count: length))
            }
            guard isatty(STDIN_FILENO) == 1, let raw = getpass("New passphrase for node.key: ") else {
                throw CLIFailure("no new passphrase given", hint: "pass --new-passphrase-file or set CIVICVAULT_NEW_PASSPHRASE")
            }
            let length = strlen(raw)
            defer { memset(raw, 0, length) }
            guard length > 0 else { throw CLIFailure("the new passphrase is empty", hint: "type one") }
            return SecureBytes(copying: UnsafeRawBufferPointer(start: raw, count: length))
        }
    }
}

/// Runs `body`, turning library errors into CLI failures with hints.
func wrap<T>(_ body: () throws -> T) throws -> T {
    do { return try body() } catch { throw CLIFailure.from(error) }
}
