import ArgumentParser
import Foundation
import VaultCrypto

/// `civicvault officer keygen`: an officer's key pair, to which unseal shares and key exports are sealed.
struct OfficerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "officer", abstract: "Officers' keys (for unseal shares and key exports).", subcommands: [Keygen.self, OpenShare.self])

    struct Keygen: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Make an officer's key pair: <name>.officer (secret, passphrase) and <name>.officer.pub.")
        @Option(help: "The officer's name (letters, digits, '.', '_', '-').") var name: String
        @Option(help: "Directory to write the two files to.") var out: String
        @Option(help: "File whose first line is the new passphrase, mode 0600 (else CIVICVAULT_OFFICER_PASSPHRASE, else a prompt).") var officerPassphraseFile: String?
        @Flag(help: "Use the fast 'interactive' Argon2id profile (tests).") var fastKdf = false

        func validate() throws {
            guard OfficerKey.PublicKey.isValidName(name) else { throw ValidationError("--name must be 1 to 64 letters, digits, '.', '_' or '-'") }
        }

        func run() async throws {
            let passphrase = try OfficerOptions.passphrase(file: officerPassphraseFile, prompt: "New passphrase for \(name)'s officer key: ")
            let made = try OfficerKey.generate(name: name, passphrase: passphrase, parameters: fastKdf ? .interactive : .moderate)
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            let secretPath = (out as NSString).appendingPathComponent("\(name).officer")
            let fd = open(secretPath, O_WRONLY | O_CREAT | O_EXCL, 0o600)
            guard fd >= 0 else { throw CLIFailure("cannot create \(secretPath): \(String(cString: strerror(errno)))", hint: "it must not exist yet") }
            let written = made.secretFile.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            fsync(fd)
            close(fd)
            guard written == made.secretFile.count else { throw CLIFailure("cannot write \(secretPath)", hint: "check the free space") }
            let publicPath = secretPath + ".pub"
            try (made.publicKey.text + "\n").write(toFile: publicPath, atomically: true, encoding: .utf8)
            print("created \(secretPath) (secret, mode 0600) and \(publicPath) (public: give it to the node's operator)")
        }
    }

    /// Prints the share sealed to this officer (to type it in elsewhere); the share is secret.
    struct OpenShare: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "open-share", abstract: "Print the unseal share sealed to this officer.")
        @Argument(help: "The sealed share file.") var file: String
        @OptionGroup var officer: OfficerOptions

        func run() async throws {
            guard let data = FileManager.default.contents(atPath: file) else { throw CLIFailure("cannot read \(file)", hint: "check the path") }
            let share = try SealedShare.open([UInt8](data), path: file, officer: try officer.open())
            printSecret(share)
        }
    }
}

/// `civicvault unseal`: gives shares to a sealed node (`POST /v1/sys/unseal`) until it has k.
struct UnsealCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "unseal", abstract: "Give unseal shares to a sealed node.")
    @Option(help: "The node's URL.") var url: String = "http://127.0.0.1:8080"
    @Option(help: "A share file: plain (cvshare1-...) or sealed to an officer (cvsealedshare1 ...); repeatable. Without it, one share is read from the terminal.")
    var shareFile: [String] = []
    @OptionGroup var officer: OfficerOptions

    func run() async throws {
        let officerKey = try officer.open()
        var shares: [(String, SecureBytes)] = []
        for path in shareFile {
            try KeyOptions.checkPrivate(path)
            guard let data = FileManager.default.contents(atPath: path) else { throw CLIFailure("cannot read \(path)", hint: "check the path") }
            var bytes = [UInt8](data)
            defer { for i in bytes.indices { bytes[i] = 0 } }
            shares.append((path, try SealedShare.open(bytes, path: path, officer: officerKey)))
        }
        if shareFile.isEmpty {
            guard isatty(STDIN_FILENO) == 1, let raw = getpass("Unseal share: ") else {
                throw CLIFailure("no share given", hint: "pass --share-file, or run it in a terminal to type the share")
            }
            let length = strlen(raw)
            shares.append(("the share typed", SecureBytes(copying: UnsafeRawBufferPointer(start: raw, count: length))))
            memset(raw, 0, length)
        }
        let client = HTTPClient(base: url)
        for (source, share) in shares {
            // JSON needs a String; that copy is not zeroed (docs/THREAT_MODEL.md, intermediate copies).
            let text = String(decoding: share.unsafeCopy(), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            let (status, data) = try await client.send("POST", "/v1/sys/unseal", token: nil, body: ["share": text])
            let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
            guard status == 200 else {
                throw CLIFailure("\(source): \(object["message"] as? String ?? "refused (\(status))")", hint: Self.hint(object["error"] as? String))
            }
            if object["sealed"] as? Bool == false {
                print("unsealed")
            } else {
                print("accepted \(source): \(object["progress"] ?? "?") of \(object["threshold"] ?? "?") shares")
            }
        }
    }

    static func hint(_ code: String?) -> String {
        switch code {
        case "duplicate_share": return "that share was given already; each officer gives a different share"
        case "wrong_share", "share_checksum", "malformed_share": return "check the share (it must be exactly as printed or sealed by `civicvault init --shares`)"
        case "share_for_another_node": return "this share belongs to another node: check --url"
        case "share_from_another_set": return "this share is from an older split; use the shares of the current set"
        case "already_unsealed": return "nothing to do"
        case "not_share_protected": return "this node opens its keys with a passphrase: restart it"
        default: return "see the service's log"
        }
    }
}

/// `civicvault seal`: drops the node's keys from memory (`POST /v1/sys/seal`, an officer's token).
struct SealCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "seal", abstract: "Seal a running node: its keys are dropped until it is unsealed again.")
    @Option(help: "The node's URL.") var url: String = "http://127.0.0.1:8080"
    @Option(help: "An officer's bearer token (default: $CIVICVAULT_TOKEN).") var token: String?

    func run() async throws {
        guard let token = token ?? ProcessInfo.processInfo.environment["CIVICVAULT_TOKEN"] else {
            throw CLIFailure("no token given", hint: "pass --token or set CIVICVAULT_TOKEN to an officer's token")
        }
        _ = try await HTTPClient(base: url).json("POST", "/v1/sys/seal", token: token)
        print("sealed")
    }
}
