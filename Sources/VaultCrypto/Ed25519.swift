import CSodium

/// An Ed25519 public key (32 bytes). Verifies signatures made by the matching `Ed25519SigningKey`.
public struct Ed25519PublicKey: Hashable, Sendable {
    /// Public key length in bytes.
    public static let byteCount = Int(crypto_sign_PUBLICKEYBYTES)
    /// Signature length in bytes.
    public static let signatureByteCount = Int(crypto_sign_BYTES)
    /// The raw 32-byte key.
    public let bytes: [UInt8]

    /// Wraps 32 raw bytes; throws on any other length.
    public init(bytes: [UInt8]) throws {
        guard bytes.count == Self.byteCount else {
            throw CryptoError.invalidLength(what: "Ed25519 public key", expected: Self.byteCount, actual: bytes.count)
        }
        self.bytes = bytes
    }

    /// True when `signature` is a valid Ed25519 signature of `message` under this key.
    public func isValidSignature(_ signature: [UInt8], for message: [UInt8]) -> Bool {
        Sodium.ensureInitialized()
        guard signature.count == Self.signatureByteCount else { return false }
        return crypto_sign_verify_detached(signature, message, UInt64(message.count), bytes) == 0
    }

    /// Throws `CryptoError.invalidSignature` unless `signature` verifies.
    public func verify(_ signature: [UInt8], for message: [UInt8]) throws {
        guard isValidSignature(signature, for: message) else { throw CryptoError.invalidSignature }
    }
}

/// An Ed25519 signing key, held as its 32-byte seed in secure memory. Signs ledger blocks and checkpoints.
public struct Ed25519SigningKey: Sendable {
    /// Seed length in bytes.
    public static let seedByteCount = Int(crypto_sign_SEEDBYTES)
    /// The secret seed.
    public let seed: SecureBytes
    /// The matching public key.
    public let publicKey: Ed25519PublicKey
    private let expandedSecret: SecureBytes

    /// A fresh random key.
    public static func generate() -> Ed25519SigningKey {
        // A random seed always yields a valid key.
        try! Ed25519SigningKey(seed: SecureBytes.random(count: seedByteCount))
    }

    /// Derives the key pair from a 32-byte seed (RFC 8032 secret key).
    public init(seed: SecureBytes) throws {
        Sodium.ensureInitialized()
        guard seed.count == Self.seedByteCount else {
            throw CryptoError.invalidLength(what: "Ed25519 seed", expected: Self.seedByteCount, actual: seed.count)
        }
        var pk = [UInt8](repeating: 0, count: Ed25519PublicKey.byteCount)
        var rc: Int32 = 0
        let sk = SecureBytes(count: Int(crypto_sign_SECRETKEYBYTES)) { skBuf in
            rc = seed.withUnsafeBytes { s in
                crypto_sign_seed_keypair(
                    &pk, skBuf.baseAddress!.assumingMemoryBound(to: UInt8.self),
                    s.baseAddress!.assumingMemoryBound(to: UInt8.self))
            }
        }
        guard rc == 0 else { throw CryptoError.sodiumFailure(function: "crypto_sign_seed_keypair") }
        self.seed = seed
        self.expandedSecret = sk
        self.publicKey = try Ed25519PublicKey(bytes: pk)
    }

    /// The 64-byte detached signature of `message`.
    public func sign(_ message: [UInt8]) -> [UInt8] {
        var sig = [UInt8](repeating: 0, count: Ed25519PublicKey.signatureByteCount)
        expandedSecret.withUnsafeBytes { sk in
            _ = crypto_sign_detached(
                &sig, nil, message, UInt64(message.count), sk.baseAddress!.assumingMemoryBound(to: UInt8.self))
        }
        return sig
    }
}
