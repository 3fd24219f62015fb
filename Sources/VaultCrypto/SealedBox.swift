import CSodium

/// An X25519 key pair for sealed boxes; the secret half lives in secure memory.
public struct X25519KeyPair: Sendable {
    /// Public key length in bytes.
    public static let byteCount = Int(crypto_box_PUBLICKEYBYTES)
    /// The public key, safe to publish.
    public let publicKey: [UInt8]
    /// The secret key.
    public let secretKey: SecureBytes

    /// A fresh random key pair.
    public static func generate() -> X25519KeyPair {
        Sodium.ensureInitialized()
        var pk = [UInt8](repeating: 0, count: byteCount)
        let sk = SecureBytes(count: Int(crypto_box_SECRETKEYBYTES)) { buf in
            _ = crypto_box_keypair(&pk, buf.baseAddress!.assumingMemoryBound(to: UInt8.self))
        }
        return X25519KeyPair(publicKey: pk, secretKey: sk)
    }

    /// Rebuilds the key pair from a stored secret key (the public key is recomputed).
    public init(secretKey: SecureBytes) throws {
        Sodium.ensureInitialized()
        guard secretKey.count == Int(crypto_box_SECRETKEYBYTES) else {
            throw CryptoError.invalidLength(
                what: "X25519 secret key", expected: Int(crypto_box_SECRETKEYBYTES), actual: secretKey.count)
        }
        var pk = [UInt8](repeating: 0, count: Self.byteCount)
        let rc = secretKey.withUnsafeBytes { crypto_scalarmult_base(&pk, $0.baseAddress!.assumingMemoryBound(to: UInt8.self)) }
        guard rc == 0 else { throw CryptoError.sodiumFailure(function: "crypto_scalarmult_base") }
        self.init(publicKey: pk, secretKey: secretKey)
    }

    private init(publicKey: [UInt8], secretKey: SecureBytes) {
        self.publicKey = publicKey
        self.secretKey = secretKey
    }
}

/// Anonymous public-key encryption (libsodium `crypto_box_seal`): anyone with the public key can seal,
/// only the holder of the secret key can open, and the sender stays anonymous.
public enum SealedBox {
    /// Bytes added to the plaintext (ephemeral public key and tag).
    public static let overhead = crypto_box_sealbytes()

    /// Seals `plaintext` to `recipientPublicKey`.
    public static func seal(_ plaintext: [UInt8], to recipientPublicKey: [UInt8]) throws -> [UInt8] {
        Sodium.ensureInitialized()
        guard recipientPublicKey.count == X25519KeyPair.byteCount else {
            throw CryptoError.invalidLength(
                what: "X25519 public key", expected: X25519KeyPair.byteCount, actual: recipientPublicKey.count)
        }
        var out = [UInt8](repeating: 0, count: plaintext.count + overhead)
        let rc = crypto_box_seal(&out, plaintext, UInt64(plaintext.count), recipientPublicKey)
        guard rc == 0 else { throw CryptoError.sodiumFailure(function: "crypto_box_seal") }
        return out
    }

    /// Opens a sealed box into secure memory, or throws `sealedBoxOpenFailed`.
    public static func open(_ box: [UInt8], with keyPair: X25519KeyPair) throws -> SecureBytes {
        Sodium.ensureInitialized()
        guard box.count >= overhead else {
            throw CryptoError.invalidLength(what: "sealed box", expected: overhead, actual: box.count)
        }
        return try SecureBytes(count: box.count - overhead) { out in
            let rc = keyPair.secretKey.withUnsafeBytes { sk in
                crypto_box_seal_open(
                    out.baseAddress?.assumingMemoryBound(to: UInt8.self), box, UInt64(box.count), keyPair.publicKey,
                    sk.baseAddress!.assumingMemoryBound(to: UInt8.self))
            }
            guard rc == 0 else { throw CryptoError.sealedBoxOpenFailed }
        }
    }
}
