import Foundation

/// The node's key directory on disk: `node.key` (the encrypted `KeyFile`, mode 0600) and `node.pub` (the
/// public note verifier key string, safe to publish). Writing never replaces an existing key file.
public struct KeyDirectory: Sendable {
    /// File name of the encrypted secrets.
    public static let secretFileName = "node.key"
    /// File name of the public verifier key.
    public static let publicFileName = "node.pub"

    /// File name of the ledger's public key chain (docs/format/key-chain.md), written by the first log-key rotation.
    public static let keyChainFileName = "ledger.keys"

    /// File name of the public description of the share set that opens a share-protected `node.key`.
    public static let shareSetFileName = "unseal.shares"

    /// The directory.
    public let path: String

    /// A key directory at `path` (not created until `write`).
    public init(path: String) { self.path = path }

    /// Path of `node.key`.
    public var secretFilePath: String { (path as NSString).appendingPathComponent(Self.secretFileName) }
    /// Path of `node.pub`.
    public var publicFilePath: String { (path as NSString).appendingPathComponent(Self.publicFileName) }

    /// True when `node.key` exists.
    public var exists: Bool { FileManager.default.fileExists(atPath: secretFilePath) }

    /// Errors of reading and writing the directory.
    public enum Failure: Error, Equatable, CustomStringConvertible {
        /// `node.key` exists already; keys are never overwritten.
        case alreadyExists(String)
        /// `node.key` is missing.
        case missing(String)
        /// The file could not be written or read (errno text).
        case io(String, String)
        /// `node.key` is readable by group or others.
        case tooOpen(String)

        public var description: String {
            switch self {
            case let .alreadyExists(p): return "keys already exist at \(p); refusing to overwrite them"
            case let .missing(p): return "no key file at \(p)"
            case let .io(p, why): return "cannot access \(p): \(why)"
            case let .tooOpen(p): return "\(p) is readable by other users (mode must be 0600)"
            }
        }
    }

    /// Creates the directory (0700) and writes `node.key` (0600, exclusive create, fsynced) and `node.pub`.
    public func write(keyFile: [UInt8], verifierKey: String) throws {
        try FileManager.default.createDirectory(
            atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let fd = Foundation.open(secretFilePath, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else {
            if errno == EEXIST { throw Failure.alreadyExists(secretFilePath) }
            throw Failure.io(secretFilePath, String(cString: strerror(errno)))
        }
        defer { close(fd) }
        let written = keyFile.withUnsafeBytes { Foundation.write(fd, $0.baseAddress, $0.count) }
        guard written == keyFile.count, fsync(fd) == 0 else {
            throw Failure.io(secretFilePath, String(cString: strerror(errno)))
        }
        try Data((verifierKey + "\n").utf8).write(to: URL(fileURLWithPath: publicFilePath), options: .atomic)
    }

    /// Reads `node.key`, refusing a file that group or others can read.
    public func readKeyFile() throws -> [UInt8] {
        guard exists else { throw Failure.missing(secretFilePath) }
        var info = stat()
        guard stat(secretFilePath, &info) == 0 else {
            throw Failure.io(secretFilePath, String(cString: strerror(errno)))
        }
        guard info.st_mode & 0o077 == 0 else { throw Failure.tooOpen(secretFilePath) }
        guard let data = FileManager.default.contents(atPath: secretFilePath) else {
            throw Failure.io(secretFilePath, "unreadable")
        }
        return [UInt8](data)
    }

    /// Reads `node.pub` (trimmed).
    public func readVerifierKey() throws -> String {
        guard let data = FileManager.default.contents(atPath: publicFilePath) else {
            throw Failure.missing(publicFilePath)
        }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Path of `node.key.next`: the key file of an unfinished log-key rotation (docs/format/key-chain.md).
    public var pendingSecretFilePath: String { secretFilePath + ".next" }

    /// True while a log-key rotation is unfinished.
    public var hasPendingKeyFile: Bool { FileManager.default.fileExists(atPath: pendingSecretFilePath) }

    /// Writes `node.key.next` (0600, fsynced).
    public func writePendingKeyFile(_ keyFile: [UInt8]) throws {
        try writeFile(pendingSecretFilePath, keyFile)
    }

    /// Renames `node.key.next` over `node.key` (and fsyncs the directory).
    public func commitPendingKeyFile() throws {
        guard rename(pendingSecretFilePath, secretFilePath) == 0 else { throw Failure.io(secretFilePath, String(cString: strerror(errno))) }
        let dir = Foundation.open(path, O_RDONLY)
        if dir >= 0 { fsync(dir); close(dir) }
    }

    private func writeFile(_ target: String, _ bytes: [UInt8]) throws {
        unlink(target)
        let fd = Foundation.open(target, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else { throw Failure.io(target, String(cString: strerror(errno))) }
        let written = bytes.withUnsafeBytes { Foundation.write(fd, $0.baseAddress, $0.count) }
        guard written == bytes.count, fsync(fd) == 0 else {
            close(fd)
            throw Failure.io(target, String(cString: strerror(errno)))
        }
        close(fd)
    }

    /// Path of `ledger.keys`.
    public var keyChainFilePath: String { (path as NSString).appendingPathComponent(Self.keyChainFileName) }

    /// The text of `ledger.keys`, nil when the log never rotated its key.
    public func readKeyChain() -> String? {
        FileManager.default.contents(atPath: keyChainFilePath).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Writes `ledger.keys` (public) atomically.
    public func writeKeyChain(_ text: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: keyChainFilePath), options: .atomic)
    }

    /// Path of `unseal.shares`.
    public var shareSetFilePath: String { (path as NSString).appendingPathComponent(Self.shareSetFileName) }

    /// Reads `unseal.shares`.
    public func readShareSet() throws -> SecretShares.ShareSet {
        guard let data = FileManager.default.contents(atPath: shareSetFilePath) else { throw Failure.missing(shareSetFilePath) }
        return try SecretShares.ShareSet(parsing: String(decoding: data, as: UTF8.self))
    }

    /// Writes `unseal.shares` (public) atomically.
    public func writeShareSet(_ set: SecretShares.ShareSet) throws {
        try Data((set.text + "\n").utf8).write(to: URL(fileURLWithPath: shareSetFilePath), options: .atomic)
    }

    /// Replaces `node.key` atomically (write a new file, fsync, rename) after a passphrase or share change.
    public func replaceKeyFile(_ keyFile: [UInt8]) throws {
        let staging = secretFilePath + ".new"
        unlink(staging)
        let fd = Foundation.open(staging, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else { throw Failure.io(staging, String(cString: strerror(errno))) }
        let written = keyFile.withUnsafeBytes { Foundation.write(fd, $0.baseAddress, $0.count) }
        guard written == keyFile.count, fsync(fd) == 0 else {
            close(fd)
            throw Failure.io(staging, String(cString: strerror(errno)))
        }
        close(fd)
        guard rename(staging, secretFilePath) == 0 else { throw Failure.io(secretFilePath, String(cString: strerror(errno))) }
        let dir = Foundation.open(path, O_RDONLY)
        if dir >= 0 { fsync(dir); close(dir) }
    }
}
