import VaultCrypto

/// Everything that can go wrong in VaultProofs: decoding (with the byte offset), statements, refusals and verification.
///
/// Cases never carry secret values. A proof that fails to verify always yields `verificationFailed`, whichever
/// equation failed, so callers cannot learn more than "no".
public enum ProofError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The encoding's version byte is not one this code knows.
    case unknownVersion(what: String, version: UInt8)
    /// The proof-type or predicate-type byte is not one this code knows.
    case unknownType(what: String, type: UInt8, offset: Int)
    /// The proof's type byte does not match the statement it is checked against.
    case proofTypeMismatch(expected: UInt8, actual: UInt8)
    /// The encoding is shorter or longer than its content requires (truncated, extended, trailing bytes).
    case invalidLength(what: String, expected: Int, actual: Int)
    /// The encoding ends before a field at this offset.
    case truncated(what: String, offset: Int)
    /// Bytes remain after the last field.
    case trailingBytes(what: String, offset: Int)
    /// A scalar at this offset is not reduced modulo the group order.
    case nonCanonicalScalar(offset: Int)
    /// A point at this offset is not a canonical Ristretto255 encoding.
    case invalidPoint(offset: Int)
    /// The identity point at this offset, where it is not allowed.
    case identityPoint(offset: Int)
    /// A statement is malformed (the reason says which rule it breaks).
    case invalidStatement(String)
    /// A proof context is malformed (the reason says which field).
    case invalidContext(String)
    /// An attribute value cannot be encoded (e.g. an impossible date).
    case invalidAttribute(String)
    /// The prover was given a different number of openings than the statement has commitments.
    case openingCountMismatch(expected: Int, actual: Int)
    /// The prover refuses: clause `clause` of the statement is false for the given openings.
    case falseStatement(clause: Int)
    /// The proof does not verify for this statement and context.
    case verificationFailed
    /// The context's expiry time has passed.
    case expired(expiry: UInt64, now: UInt64)

    public var description: String {
        switch self {
        case let .unknownVersion(what, version): return "unknown \(what) version \(version)"
        case let .unknownType(what, type, offset): return "unknown \(what) type \(type) at byte \(offset)"
        case let .proofTypeMismatch(expected, actual): return "proof type \(actual) does not match the statement (expects \(expected))"
        case let .invalidLength(what, expected, actual): return "\(what) must be \(expected) bytes, got \(actual)"
        case let .truncated(what, offset): return "\(what) is truncated at byte \(offset)"
        case let .trailingBytes(what, offset): return "\(what) has trailing bytes from byte \(offset)"
        case let .nonCanonicalScalar(offset): return "non-canonical scalar at byte \(offset)"
        case let .invalidPoint(offset): return "invalid point encoding at byte \(offset)"
        case let .identityPoint(offset): return "identity point at byte \(offset)"
        case let .invalidStatement(reason): return "invalid statement: \(reason)"
        case let .invalidContext(reason): return "invalid proof context: \(reason)"
        case let .invalidAttribute(reason): return "invalid attribute: \(reason)"
        case let .openingCountMismatch(expected, actual): return "expected \(expected) openings, got \(actual)"
        case let .falseStatement(clause): return "refusing to prove: clause \(clause) is false"
        case .verificationFailed: return "proof does not verify"
        case let .expired(expiry, now): return "proof context expired at \(expiry) (now \(now))"
        }
    }
}
