/// The encrypted node key file: `NodeKeys` sealed under a passphrase with Argon2id + XChaCha20-Poly1305.
///
/// Layout (docs/format/envelope.md, "Key file"): `"CVKEYS" || version (1) || kdf (1) || opslimit (u32 BE) ||
/// memlimit (u64 BE) || salt (16) || envelope`, where the envelope's associated data is
/// `"CivicVault/v1/keyfile" || every header byte before it`, so no header byte can be changed unnoticed.
public enum KeyFile {
    /// How the file key was derived.
    public enum Protection: UInt8, Sendable {
        /// Argon2id over the operator's passphrase.
        case passphrase = 0x01
        /// Argon2id over the empty passphrase: a throw-away dev setup, readable by anyone with the file.
        case devNoPassphrase = 0x02
        /// A random secret split into officers' shares (`SecretShares`): the file key is HMAC-SHA-256 of
        /// `"CivicVault/v1/keyfile-shares" || salt` under the secret; the KDF parameters in the header are unused.
        case shares = 0x03
    }

    /// Why a key file could not be opened; each case says what to do in `hint`.
    public enum Failure: Error, Equatable, Sendable, CustomStringConvertible {
        /// The passphrase is wrong, or the file was altered.
        case wrongPassphraseOrAltered
        /// The file is shorter than its format requires.
        case truncated
        /// The file is not a CivicVault key file.
        case notAKeyFile
        /// The file is from a newer or unknown format version.
        case unknownVersion(UInt8)
        /// The file's KDF parameters are outside the accepted range.
        case badParameters
        /// The file needs a passphrase and none was given.
        case passphraseRequired
        /// The file is opened by k of n officers' shares, not by a passphrase.
        case sharesRequired
        /// The file is opened by a passphrase, not by shares.
        case notShareProtected
        /// The decrypted payload does not follow its layout (it authenticated, so a bug or a newer version wrote it).
        case malformedPayload(String)

        public var description: String {
            switch self {
            case .wrongPassphraseOrAltered: return "cannot open the key file: wrong passphrase, or the file was altered"
            case .truncated: return "the key file is truncated"
            case .notAKeyFile: return "this is not a CivicVault key file"
            case let .unknownVersion(v): return "the key file has unknown version \(v)"
            case .badParameters: return "the key file's Argon2id parameters are out of range"
            case .passphraseRequired: return "the key file is protected by a passphrase and none was given"
            case .sharesRequired: return "the key file is opened by officers' unseal shares, not by a passphrase"
            case .notShareProtected: return "the key file is protected by a passphrase, not by unseal shares"
            case let .malformedPayload(why): return "the key file's payload is malformed: \(why)"
            }
        }

        /// What the operator can do about it.
        public var hint: String {
            switch self {
            case .wrongPassphraseOrAltered:
                return "check CIVICVAULT_PASSPHRASE or --passphrase-file; restore the key file from backup if it was changed"
            case .truncated, .notAKeyFile, .badParameters:
                return "restore node.key from backup; a damaged key file cannot be repaired"
            case .unknownVersion, .malformedPayload: return "use the civicvault version that wrote this file"
            case .passphraseRequired: return "set CIVICVAULT_PASSPHRASE or pass --passphrase-file"
            case .sharesRequired: return "unseal the service with `civicvault unseal`, or give k shares with --share-file"
            case .notShareProtected: return "give the passphrase (CIVICVAULT_PASSPHRASE or --passphrase-file)"
            }
        }
    }

    static let headerByteCount = CryptoLabels.keyFileMagic.count + 1 + 1 + 4 + 8 + PasswordKDF.saltByteCount
    /// The payload version written: 2 (a derivation root apart from versioned KEKs).
    static let payloadVersion: UInt8 = 0x02
    /// The first payload layout (one KEK that is also the derivation root); read, never written.
    static let legacyPayloadVersion: UInt8 = 0x01

    /// Encrypts `keys` under `passphrase` (ignored for `.devNoPassphrase`).
    public static func seal(
        _ keys: NodeKeys, passphrase: SecureBytes?, protection: Protection, parameters: Argon2idParameters
    ) throws -> [UInt8] {
        var header = CryptoLabels.keyFileMagic + [CryptoLabels.keyFileVersion, protection.rawValue]
        header += bigEndian(UInt64(parameters.opsLimit), bytes: 4) + bigEndian(parameters.memLimit, bytes: 8)
        let salt = RandomBytes.generate(PasswordKDF.saltByteCount)
        header += salt
        let fileKey = try PasswordKDF.deriveKey(
            passphrase: try effectivePassphrase(passphrase, protection), salt: salt, parameters: parameters)
        let payload = try encodePayload(keys)
        return header + (try Envelope.seal(payload, key: fileKey, associatedData: CryptoLabels.keyFilePayload + header))
    }

    /// Encrypts `keys` under a key derived from `shareSecret` (the secret that `SecretShares` splits).
    public static func seal(_ keys: NodeKeys, shareSecret: Scalar) throws -> [UInt8] {
        let parameters = Argon2idParameters.interactive
        var header = CryptoLabels.keyFileMagic + [CryptoLabels.keyFileVersion, Protection.shares.rawValue]
        header += bigEndian(UInt64(parameters.opsLimit), bytes: 4) + bigEndian(parameters.memLimit, bytes: 8)
        let salt = RandomBytes.generate(PasswordKDF.saltByteCount)
        header += salt
        let fileKey = shareFileKey(shareSecret, salt: salt)
        return header + (try Envelope.seal(try encodePayload(keys), key: fileKey, associatedData: CryptoLabels.keyFilePayload + header))
    }

    /// Decrypts a share-protected key file with the secret the shares gave back.
    public static func open(_ file: [UInt8], shareSecret: Scalar) throws -> NodeKeys {
        try openForRewrite(file, shareSecret: shareSecret).keys
    }

    /// Seals other keys under the protection of a file already opened: the same header (protection, KDF parameters,
    /// salt) and so the same file key, with a fresh random nonce. For changing a key inside node.key (a log-key
    /// rotation) without asking for the passphrase or the shares again.
    public struct Resealer: Sendable {
        let header: [UInt8]
        let fileKey: SecureBytes

        /// A key file holding `keys` under the same protection.
        public func seal(_ keys: NodeKeys) throws -> [UInt8] {
            header + (try Envelope.seal(try KeyFile.encodePayload(keys), key: fileKey, associatedData: CryptoLabels.keyFilePayload + header))
        }

        /// Opens a file this resealer (or one of the same file) wrote.
        public func open(_ file: [UInt8]) throws -> NodeKeys {
            guard file.count >= KeyFile.headerByteCount + Envelope.overhead else { throw Failure.truncated }
            guard ConstantTime.equals(Array(file[0..<KeyFile.headerByteCount]), header) else { throw Failure.wrongPassphraseOrAltered }
            return try KeyFile.openPayload(file, key: fileKey)
        }
    }

    /// Decrypts a share-protected key file, returning a resealer for the same protection too.
    public static func openForRewrite(_ file: [UInt8], shareSecret: Scalar) throws -> (keys: NodeKeys, resealer: Resealer) {
        let header = try parseHeader(file)
        guard header.protection == .shares else { throw Failure.notShareProtected }
        let fileKey = shareFileKey(shareSecret, salt: header.salt)
        return (try openPayload(file, key: fileKey), Resealer(header: Array(file[0..<headerByteCount]), fileKey: fileKey))
    }

    /// Decrypts a passphrase (or dev) key file, returning a resealer for the same protection too.
    public static func openForRewrite(_ file: [UInt8], passphrase: SecureBytes?) throws -> (keys: NodeKeys, resealer: Resealer) {
        let header = try parseHeader(file)
        guard header.protection != .shares else { throw Failure.sharesRequired }
        let fileKey = try PasswordKDF.deriveKey(
            passphrase: try effectivePassphrase(passphrase, header.protection), salt: header.salt,
            parameters: header.parameters)
        return (try openPayload(file, key: fileKey), Resealer(header: Array(file[0..<headerByteCount]), fileKey: fileKey))
    }

    static func shareFileKey(_ secret: Scalar, salt: [UInt8]) -> SecureBytes {
        HMACSHA256.secretMAC(Array("CivicVault/v1/keyfile-shares".utf8) + salt, key: secret.storage)
    }

    /// Reads the protection of a key file without decrypting it (so the CLI knows whether to ask for a passphrase).
    public static func protection(of file: [UInt8]) throws -> Protection {
        try parseHeader(file).protection
    }

    /// Decrypts a key file. Any altered byte or a wrong passphrase gives `wrongPassphraseOrAltered`.
    public static func open(_ file: [UInt8], passphrase: SecureBytes?) throws -> NodeKeys {
        try openForRewrite(file, passphrase: passphrase).keys
    }

    fileprivate static func openPayload(_ file: [UInt8], key fileKey: SecureBytes) throws -> NodeKeys {
        let headerBytes = Array(file[0..<headerByteCount])
        let payload: SecureBytes
        do {
            payload = try Envelope.open(
                Array(file[headerByteCount...]), key: fileKey, associatedData: CryptoLabels.keyFilePayload + headerBytes)
        } catch {
            throw Failure.wrongPassphraseOrAltered
        }
        return try decodePayload(payload)
    }

    private struct Header {
        var protection: Protection
        var parameters: Argon2idParameters
        var salt: [UInt8]
    }

    private static func parseHeader(_ file: [UInt8]) throws -> Header {
        let magic = CryptoLabels.keyFileMagic
        guard file.count >= magic.count, Array(file[0..<magic.count]) == magic else {
            throw file.count < magic.count ? Failure.truncated : Failure.notAKeyFile
        }
        guard file.count >= headerByteCount + Envelope.overhead else { throw Failure.truncated }
        var at = magic.count
        guard file[at] == CryptoLabels.keyFileVersion else { throw Failure.unknownVersion(file[at]) }
        at += 1
        guard let protection = Protection(rawValue: file[at]) else { throw Failure.notAKeyFile }
        at += 1
        let ops = readBigEndian(file, at: at, bytes: 4)
        let mem = readBigEndian(file, at: at + 4, bytes: 8)
        at += 12
        let parameters = Argon2idParameters(opsLimit: UInt32(ops), memLimit: mem)
        guard parameters.isAcceptable else { throw Failure.badParameters }
        return Header(protection: protection, parameters: parameters, salt: Array(file[at..<(at + PasswordKDF.saltByteCount)]))
    }

    private static func effectivePassphrase(_ passphrase: SecureBytes?, _ protection: Protection) throws -> SecureBytes {
        switch protection {
        case .devNoPassphrase: return SecureBytes(copying: [UInt8]())
        case .shares: throw Failure.sharesRequired
        case .passphrase:
            guard let passphrase, passphrase.count > 0 else { throw Failure.passphraseRequired }
            return passphrase
        }
    }

    /// Payload version 2 (docs/format/envelope.md, "Key file"): `u8 0x02 || Ed25519 seed (32) || derivation root (32)
    /// || pseudonym key (32) || u8 n (1 or 2) || n × (u32 BE KEK version || KEK (32)), versions strictly ascending ||
    /// str16(node name)`. Version 1 (`u8 0x01 || seed || KEK || pseudonym key || str16(name)`) is still read: its KEK
    /// is both the derivation root and KEK version 1.
    fileprivate static func encodePayload(_ keys: NodeKeys) throws -> SecureBytes {
        let name = Array(keys.name.utf8)
        guard name.count <= 0xffff else { throw Failure.malformedPayload("node name longer than 65535 bytes") }
        let keks = keys.keyEncryptionKeys
        let nameAt = 1 + 32 * 3 + 1 + keks.count * 36
        return SecureBytes(count: nameAt + 2 + name.count) { out in
            func put(_ key: SecureBytes, at offset: Int) {
                key.withUnsafeBytes { out.baseAddress!.advanced(by: offset).copyMemory(from: $0.baseAddress!, byteCount: 32) }
            }
            out[0] = payloadVersion
            put(keys.signingKey.seed, at: 1)
            put(keys.derivationRoot, at: 33)
            put(keys.pseudonymKey, at: 65)
            out[97] = UInt8(keks.count)
            for (i, kek) in keks.enumerated() {
                let at = 98 + i * 36
                for b in 0..<4 { out[at + b] = UInt8(truncatingIfNeeded: UInt32(kek.version) >> (8 * UInt32(3 - b))) }
                put(kek.key, at: at + 4)
            }
            out[nameAt] = UInt8(name.count >> 8)
            out[nameAt + 1] = UInt8(name.count & 0xff)
            for (i, b) in name.enumerated() { out[nameAt + 2 + i] = b }
        }
    }

    private static func decodePayload(_ payload: SecureBytes) throws -> NodeKeys {
        try payload.withUnsafeBytes { p in
            guard p.count >= 1 else { throw Failure.malformedPayload("empty") }
            func name(at offset: Int) throws -> String {
                guard p.count >= offset + 2 else { throw Failure.malformedPayload("truncated before the node name") }
                let count = Int(p[offset]) << 8 | Int(p[offset + 1])
                guard p.count == offset + 2 + count else { throw Failure.malformedPayload("node name length does not match") }
                guard let name = String(validating: p[(offset + 2)...], as: UTF8.self) else { throw Failure.malformedPayload("node name is not UTF-8") }
                return name
            }
            switch p[0] {
            case legacyPayloadVersion:
                guard p.count >= 99 else { throw Failure.malformedPayload("truncated") }
                return try NodeKeys(
                    name: try name(at: 97),
                    signingKey: Ed25519SigningKey(seed: SecureBytes(copying: p[1..<33])),
                    keyEncryptionKey: SecureBytes(copying: p[33..<65]),
                    pseudonymKey: SecureBytes(copying: p[65..<97]))
            case payloadVersion:
                guard p.count >= 98 else { throw Failure.malformedPayload("truncated") }
                let n = Int(p[97])
                guard (1...NodeKeys.maxKeyEncryptionKeys).contains(n) else { throw Failure.malformedPayload("\(n) KEKs (one or two allowed)") }
                guard p.count >= 98 + n * 36 else { throw Failure.malformedPayload("truncated in the KEKs") }
                var keks: [NodeKeys.KeyEncryptionKey] = []
                for i in 0..<n {
                    let at = 98 + i * 36
                    let version = (0..<4).reduce(0) { $0 << 8 | Int(p[at + $1]) }
                    guard version >= 1, keks.last.map({ $0.version < version }) ?? true else {
                        throw Failure.malformedPayload("KEK versions must be positive and strictly ascending")
                    }
                    keks.append(try NodeKeys.KeyEncryptionKey(version: version, key: SecureBytes(copying: p[(at + 4)..<(at + 36)])))
                }
                return try NodeKeys(
                    name: try name(at: 98 + n * 36),
                    signingKey: Ed25519SigningKey(seed: SecureBytes(copying: p[1..<33])),
                    derivationRoot: SecureBytes(copying: p[33..<65]), keyEncryptionKeys: keks,
                    pseudonymKey: SecureBytes(copying: p[65..<97]))
            default:
                throw Failure.malformedPayload("unknown payload version \(p[0])")
            }
        }
    }

    private static func bigEndian(_ value: UInt64, bytes: Int) -> [UInt8] {
        (0..<bytes).map { UInt8(truncatingIfNeeded: value >> (8 * UInt64(bytes - 1 - $0))) }
    }

    private static func readBigEndian(_ data: [UInt8], at: Int, bytes: Int) -> UInt64 {
        (0..<bytes).reduce(UInt64(0)) { $0 << 8 | UInt64(data[at + $1]) }
    }
}
