import CSodium

/// A Ristretto255 group element in its canonical 32-byte encoding.
///
/// `init(canonical:)` accepts only canonical encodings and, unless asked, rejects the identity. Every
/// operation is a libsodium call (each decodes and encodes, see DESIGN.md section 5's cost model).
public struct Point: Hashable, Sendable, CustomStringConvertible {
    /// Encoding length in bytes.
    public static let byteCount = Int(crypto_core_ristretto255_BYTES)
    /// Input length of `fromHash`.
    public static let hashByteCount = Int(crypto_core_ristretto255_HASHBYTES)

    /// The canonical encoding.
    public let bytes: [UInt8]

    private init(unchecked bytes: [UInt8]) { self.bytes = bytes }

    /// Decodes a canonical encoding. The identity is refused unless `allowIdentity` is true.
    public init(canonical bytes: [UInt8], allowIdentity: Bool = false) throws {
        Sodium.ensureInitialized()
        guard bytes.count == Self.byteCount else {
            throw CryptoError.invalidLength(what: "point", expected: Self.byteCount, actual: bytes.count)
        }
        if ConstantTime.isZero(bytes) {
            guard allowIdentity else { throw CryptoError.identityPoint }
            self.bytes = bytes
            return
        }
        guard crypto_core_ristretto255_is_valid_point(bytes) == 1 else { throw CryptoError.invalidPoint }
        self.bytes = bytes
    }

    /// The neutral element (encoded as 32 zero bytes).
    public static let identity = Point(unchecked: [UInt8](repeating: 0, count: byteCount))

    /// The standard generator G (RFC 9496).
    public static let generator: Point = Point.base(times: .one)

    /// True for the identity.
    public var isIdentity: Bool { ConstantTime.isZero(bytes) }

    /// Maps 64 uniform bytes to a point (RFC 9496 one-way map); used to derive generators nobody knows the log of.
    public static func fromHash(_ hash: [UInt8]) throws -> Point {
        Sodium.ensureInitialized()
        guard hash.count == hashByteCount else {
            throw CryptoError.invalidLength(what: "hash to point input", expected: hashByteCount, actual: hash.count)
        }
        var out = [UInt8](repeating: 0, count: byteCount)
        guard crypto_core_ristretto255_from_hash(&out, hash) == 0 else {
            throw CryptoError.sodiumFailure(function: "crypto_core_ristretto255_from_hash")
        }
        return Point(unchecked: out)
    }

    /// A uniformly random point.
    public static func random() -> Point {
        Sodium.ensureInitialized()
        var out = [UInt8](repeating: 0, count: byteCount)
        crypto_core_ristretto255_random(&out)
        return Point(unchecked: out)
    }

    /// s * G for the standard generator G (the fast fixed-base multiplication).
    public static func base(times s: Scalar) -> Point {
        Sodium.ensureInitialized()
        var out = [UInt8](repeating: 0, count: byteCount)
        let rc = s.storage.withUnsafeBytes {
            crypto_scalarmult_ristretto255_base(&out, $0.baseAddress!.assumingMemoryBound(to: UInt8.self))
        }
        // libsodium refuses to output the identity; that happens exactly when s == 0.
        return rc == 0 ? Point(unchecked: out) : .identity
    }

    /// s * self.
    public func times(_ s: Scalar) -> Point {
        if isIdentity { return .identity }
        var out = [UInt8](repeating: 0, count: Self.byteCount)
        let rc = s.storage.withUnsafeBytes {
            crypto_scalarmult_ristretto255(&out, $0.baseAddress!.assumingMemoryBound(to: UInt8.self), bytes)
        }
        // self was validated on construction, so a failure means the product is the identity.
        return rc == 0 ? Point(unchecked: out) : .identity
    }

    /// self + other.
    public static func + (a: Point, b: Point) -> Point {
        if a.isIdentity { return b }
        if b.isIdentity { return a }
        var out = [UInt8](repeating: 0, count: byteCount)
        _ = crypto_core_ristretto255_add(&out, a.bytes, b.bytes)
        return Point(unchecked: out)
    }

    /// self - other.
    public static func - (a: Point, b: Point) -> Point {
        if b.isIdentity { return a }
        var out = [UInt8](repeating: 0, count: byteCount)
        _ = crypto_core_ristretto255_sub(&out, a.isIdentity ? identityOperand : a.bytes, b.bytes)
        return Point(unchecked: out)
    }

    /// -self.
    public var negated: Point { Point.identity - self }

    /// libsodium decodes the all-zero encoding as the identity, so it can be an operand of sub.
    private static let identityOperand = [UInt8](repeating: 0, count: byteCount)

    public var description: String { "Point(\(Hex.encode(bytes)))" }
}
