import CSodium

/// An integer modulo the Ristretto255 group order ℓ = 2^252 + 27742317777372353535851937790883648493.
///
/// Stored as 32 little-endian bytes in zero-on-free memory (scalars are often secrets: openings, blinding
/// factors), compared in constant time. `init(canonical:)` rejects encodings that are not reduced mod ℓ.
public struct Scalar: Equatable, Sendable, CustomStringConvertible {
    /// Encoding length in bytes.
    public static let byteCount = Int(crypto_core_ristretto255_SCALARBYTES)
    /// Input length of `reduce(wide:)`.
    public static let wideByteCount = Int(crypto_core_ristretto255_NONREDUCEDSCALARBYTES)

    /// ℓ in little-endian bytes.
    static let order: [UInt8] = [
        0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
    ]

    let storage: SecureBytes

    private init(storage: SecureBytes) { self.storage = storage }

    /// Builds a scalar by letting `fill` write its 32 bytes (already reduced).
    init(_ fill: (UnsafeMutablePointer<UInt8>) -> Void) {
        Sodium.ensureInitialized()
        storage = SecureBytes(count: Self.byteCount) { fill($0.baseAddress!.assumingMemoryBound(to: UInt8.self)) }
    }

    /// Decodes 32 bytes, rejecting anything not reduced modulo ℓ.
    public init(canonical bytes: [UInt8]) throws {
        guard bytes.count == Self.byteCount else {
            throw CryptoError.invalidLength(what: "scalar", expected: Self.byteCount, actual: bytes.count)
        }
        guard Self.isCanonical(bytes) else { throw CryptoError.nonCanonicalScalar }
        self.init(storage: SecureBytes(copying: bytes))
    }

    /// The scalar `value` (any UInt64 is below ℓ).
    public init(_ value: UInt64) {
        var bytes = [UInt8](repeating: 0, count: Self.byteCount)
        for i in 0..<8 { bytes[i] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(i))) }
        self.init(storage: SecureBytes(copying: bytes))
        sodium_memzero(&bytes, bytes.count)
    }

    /// Reduces a 64-byte value (e.g. a SHA-512 hash) modulo ℓ: the uniform way to hash to a scalar.
    public static func reduce(wide bytes: [UInt8]) throws -> Scalar {
        guard bytes.count == wideByteCount else {
            throw CryptoError.invalidLength(what: "wide scalar", expected: wideByteCount, actual: bytes.count)
        }
        return Scalar { crypto_core_ristretto255_scalar_reduce($0, bytes) }
    }

    /// A uniformly random non-zero scalar.
    public static func random() -> Scalar {
        Scalar { crypto_core_ristretto255_scalar_random($0) }
    }

    /// The scalar 0.
    public static var zero: Scalar { Scalar(0) }
    /// The scalar 1.
    public static var one: Scalar { Scalar(1) }

    /// The canonical 32-byte little-endian encoding. It may be secret: do not log it.
    public var bytes: [UInt8] { storage.unsafeCopy() }

    /// True for the zero scalar (constant time).
    public var isZero: Bool { storage.withUnsafeBytes { sodium_is_zero($0.baseAddress!, $0.count) == 1 } }

    private func binary(_ other: Scalar, _ op: (UnsafeMutablePointer<UInt8>, UnsafePointer<UInt8>, UnsafePointer<UInt8>) -> Void) -> Scalar {
        storage.withUnsafeBytes { a in
            other.storage.withUnsafeBytes { b in
                Scalar { op($0, a.baseAddress!.assumingMemoryBound(to: UInt8.self), b.baseAddress!.assumingMemoryBound(to: UInt8.self)) }
            }
        }
    }

    /// self + other mod ℓ.
    public static func + (a: Scalar, b: Scalar) -> Scalar { a.binary(b) { crypto_core_ristretto255_scalar_add($0, $1, $2) } }
    /// self - other mod ℓ.
    public static func - (a: Scalar, b: Scalar) -> Scalar { a.binary(b) { crypto_core_ristretto255_scalar_sub($0, $1, $2) } }
    /// self * other mod ℓ.
    public static func * (a: Scalar, b: Scalar) -> Scalar { a.binary(b) { crypto_core_ristretto255_scalar_mul($0, $1, $2) } }

    /// -self mod ℓ.
    public var negated: Scalar {
        storage.withUnsafeBytes { a in Scalar { crypto_core_ristretto255_scalar_negate($0, a.baseAddress!.assumingMemoryBound(to: UInt8.self)) } }
    }

    /// 1/self mod ℓ; throws `zeroScalar` for 0.
    public func inverted() throws -> Scalar {
        guard !isZero else { throw CryptoError.zeroScalar }
        return storage.withUnsafeBytes { a in
            Scalar { _ = crypto_core_ristretto255_scalar_invert($0, a.baseAddress!.assumingMemoryBound(to: UInt8.self)) }
        }
    }

    /// True when `bytes` (32, little-endian) is below ℓ. Constant time, as libsodium's sc25519_is_canonical.
    public static func isCanonical(_ bytes: [UInt8]) -> Bool {
        guard bytes.count == byteCount else { return false }
        var c = 0
        var n = 1
        var i = byteCount
        repeat {
            i -= 1
            let s = Int(bytes[i]), l = Int(order[i])
            c |= ((s - l) >> 8) & n
            n &= ((s ^ l) - 1) >> 8
        } while i != 0
        return c != 0
    }

    public var description: String { "Scalar(redacted)" }
}
