/// Everything that can go wrong in VaultCrypto. Cases name what failed and never carry secret bytes.
public enum CryptoError: Error, Equatable, Sendable, CustomStringConvertible {
    /// An input had the wrong length for what it claims to be.
    case invalidLength(what: String, expected: Int, actual: Int)
    /// A scalar encoding was not reduced modulo the group order.
    case nonCanonicalScalar
    /// A point encoding was not a canonical Ristretto255 encoding.
    case invalidPoint
    /// The identity point was found where it is not allowed.
    case identityPoint
    /// A zero scalar was found where it is not allowed (e.g. inversion).
    case zeroScalar
    /// An envelope, key file or other versioned blob had a version we do not know.
    case unknownVersion(what: String, version: UInt8)
    /// An envelope or key file did not start with the expected bytes.
    case badHeader(what: String)
    /// Authenticated decryption failed: the key, nonce, ciphertext, tag or associated data is wrong.
    case authenticationFailed
    /// A signature did not verify.
    case invalidSignature
    /// A sealed box could not be opened with this key pair.
    case sealedBoxOpenFailed
    /// Password hashing could not run (e.g. not enough memory for the parameters).
    case passwordHashingFailed
    /// The key derivation parameters in a file are outside the accepted range.
    case invalidKDFParameters
    /// A libsodium call failed unexpectedly.
    case sodiumFailure(function: String)
    /// Node keys whose KEK versions are not one or two strictly ascending versions in 1...2^32-1.
    case invalidKeyEncryptionKeys(String)

    public var description: String {
        switch self {
        case let .invalidLength(what, expected, actual):
            return "\(what) must be \(expected) bytes, got \(actual)"
        case .nonCanonicalScalar: return "scalar is not canonical (not reduced modulo the group order)"
        case .invalidPoint: return "not a canonical Ristretto255 point encoding"
        case .identityPoint: return "identity point is not allowed here"
        case .zeroScalar: return "zero scalar is not allowed here"
        case let .unknownVersion(what, version): return "unknown \(what) version \(version)"
        case let .badHeader(what): return "\(what) has a bad header"
        case .authenticationFailed: return "decryption failed: wrong key or altered data"
        case .invalidSignature: return "signature does not verify"
        case .sealedBoxOpenFailed: return "sealed box cannot be opened with this key"
        case .passwordHashingFailed: return "password hashing failed (out of memory?)"
        case .invalidKDFParameters: return "key derivation parameters are out of range"
        case let .sodiumFailure(function): return "libsodium call \(function) failed"
        case let .invalidKeyEncryptionKeys(why): return "invalid key-encryption keys: \(why)"
        }
    }
}
