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

    @Option(help: "Protect node.key by a secret split into this many officers' shares instead of a passphrase (with --threshold).")
    var shares: Int?

    @Option(help: "How many shares open node.key (2 ... --shares).")
    var threshold: Int?

    @Option(help: "An officer's public key (.officer.pub from `civicvault officer keygen`), one per share; without them each share is printed once.")
    var officerKey: [String] = []

    @Option(help: "Where the shares sealed to the officers are written (default: the keys directory).")
    var shareDir: String?

    func validate() throws {
        guard NoteVerifierKey.isValidName(name) else {
            throw ValidationError("--name must be non-empty and contain no spaces or '+'")
        }
        if shares != nil || threshold != nil {
            guard let shares, let threshold, threshold >= 2, shares >= threshold, shares <= 255 else {
                throw ValidationError("--shares and --threshold go together, with 2 <= threshold <= shares <= 255")
            }
            guard !dev else { throw ValidationError("--dev keys have no protection; they cannot be split into shares") }
            guard officerKey.isEmpty || officerKey.count == shares else {
                throw ValidationError("give one --officer-key per share (\(shares)), or none to print the shares")
            }
        } else {
            guard officerKey.isEmpty, shareDir == nil else { throw ValidationError("--officer-key and --share-dir need --shares and --threshold") }
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
            if let shares, let threshold {
                try initWithShares(keys, shares: shares, threshold: threshold)
                return
            }
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

    /// node.key under a random secret split k of n; the shares sealed to the officers or printed once.
    func initWithShares(_ keys: NodeKeys, shares: Int, threshold: Int) throws {
        let officers = try OfficerOptions.publicKeys(officerKey)
        let directory = keyOptions.directory
        let secret = Scalar.random()
        let file = try KeyFile.seal(keys, shareSecret: secret)
        let (set, split) = try SecretShares.split(secret, threshold: threshold, count: shares, nodeName: name)
        let verifier = try NoteVerifierKey(name: name, publicKey: keys.signingKey.publicKey)
        try directory.write(keyFile: file, verifierKey: verifier.description)
        try directory.writeShareSet(set)
        print("created \(directory.secretFilePath) (mode 0600, opened by \(threshold) of \(shares) shares), \(directory.publicFilePath) and \(directory.shareSetFilePath) (public)")
        if officers.isEmpty {
            FileHandle.standardError.write(Data("Each share below is printed once and never again: give one to each officer, then clear this screen.\n".utf8))
            for share in split {
                printSecret(share.secretText)
            }
        } else {
            let dir = shareDir ?? directory.path
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            for (share, officer) in zip(split, officers) {
                let path = (dir as NSString).appendingPathComponent("share-\(share.index)-\(officer.name).sealed")
                let text = Array(try SealedShare.make(share, to: officer).utf8)
                let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
                guard fd >= 0 else { throw CLIFailure("cannot create \(path): \(String(cString: strerror(errno)))", hint: "it must not exist yet") }
                _ = text.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
                fsync(fd)
                close(fd)
                print("share \(share.index) sealed to \(officer.name): \(path)")
            }
        }
        print("verifier key: \(verifier)")
    }
}
