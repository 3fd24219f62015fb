import CSodium

/// Argon2id parameters, stored beside the salt so a key file can be opened with the cost it was made with.
public struct Argon2idParameters: Equatable, Sendable {
    /// Number of passes (libsodium `opslimit`).
    public let opsLimit: UInt32
    /// Memory in bytes (libsodium `memlimit`).
    public let memLimit: UInt64

    /// Creates parameters; `PasswordKDF` refuses values outside libsodium's bounds.
    public init(opsLimit: UInt32, memLimit: UInt64) {
        self.opsLimit = opsLimit
        self.memLimit = memLimit
    }

    /// libsodium's "interactive" profile (2 passes, 64 MiB): for dev keys and tests.
    public static let interactive = Argon2idParameters(
        opsLimit: UInt32(crypto_pwhash_argon2id_OPSLIMIT_INTERACTIVE),
        memLimit: UInt64(crypto_pwhash_argon2id_MEMLIMIT_INTERACTIVE))
    /// libsodium's "moderate" profile (3 passes, 256 MiB): the default for node key files.
    public static let moderate = Argon2idParameters(
        opsLimit: UInt32(crypto_pwhash_argon2id_OPSLIMIT_MODERATE),
        memLimit: UInt64(crypto_pwhash_argon2id_MEMLIMIT_MODERATE))

    /// True when libsodium accepts these values and they are not absurdly large (at most 4 GiB, 32 passes).
    public var isAcceptable: Bool {
        opsLimit >= UInt32(crypto_pwhash_argon2id_OPSLIMIT_MIN) && opsLimit <= 32
            && memLimit >= UInt64(crypto_pwhash_argon2id_MEMLIMIT_MIN) && memLimit <= 4 << 30
    }
}

/// Argon2id key derivation from a passphrase (libsodium `crypto_pwhash`, ALG_ARGON2ID13).
public enum PasswordKDF {
    /// Salt length in bytes.
    public static let saltByteCount = Int(crypto_pwhash_SALTBYTES)

    /// Derives `length` secret bytes from `passphrase` and `salt` with `parameters`.
    public static func deriveKey(
        passphrase: SecureBytes, salt: [UInt8], parameters: Argon2idParameters, length: Int = 32
    ) throws -> SecureBytes {
        Sodium.ensureInitialized()
        guard salt.count == saltByteCount else {
            throw CryptoError.invalidLength(what: "Argon2id salt", expected: saltByteCount, actual: salt.count)
        }
        guard parameters.isAcceptable else { throw CryptoError.invalidKDFParameters }
        return try SecureBytes(count: length) { out in
            var empty: CChar = 0
            let rc = passphrase.withUnsafeBytes { pw in
                crypto_pwhash(
                    out.baseAddress!.assumingMemoryBound(to: UInt8.self), UInt64(length),
                    pw.baseAddress?.assumingMemoryBound(to: CChar.self) ?? UnsafePointer(&empty), UInt64(pw.count), salt,
                    UInt64(parameters.opsLimit), Int(parameters.memLimit), crypto_pwhash_ALG_ARGON2ID13)
            }
            guard rc == 0 else { throw CryptoError.passwordHashingFailed }
        }
    }
}
