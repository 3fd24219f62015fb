import VaultCrypto

/// Numbers of group operations (each one libsodium call) that one prove or verify performs.
///
/// `ProofCost` predicts them from the statement alone; tests check the prediction against a live count, and
/// `civicvault-bench proofs` times the same numbers of raw libsodium calls as the floor.
public struct OperationCount: Equatable, Sendable, CustomStringConvertible {
    /// Variable-base scalar multiplications (crypto_scalarmult_ristretto255).
    public var variableBase = 0
    /// Fixed-base multiplications of G (crypto_scalarmult_ristretto255_base).
    public var fixedBase = 0
    /// Point additions and subtractions (crypto_core_ristretto255_add / _sub).
    public var additions = 0
    /// Point decodings validated while reading a proof (crypto_core_ristretto255_is_valid_point).
    public var validations = 0
    /// SHA-512 transcript hashes.
    public var hashes = 0

    public init(variableBase: Int = 0, fixedBase: Int = 0, additions: Int = 0, validations: Int = 0, hashes: Int = 0) {
        self.variableBase = variableBase
        self.fixedBase = fixedBase
        self.additions = additions
        self.validations = validations
        self.hashes = hashes
    }

    public static func + (a: OperationCount, b: OperationCount) -> OperationCount {
        OperationCount(
            variableBase: a.variableBase + b.variableBase, fixedBase: a.fixedBase + b.fixedBase,
            additions: a.additions + b.additions, validations: a.validations + b.validations, hashes: a.hashes + b.hashes)
    }

    public var description: String {
        "\(variableBase) var-base, \(fixedBase) base, \(additions) add, \(validations) decode, \(hashes) hash"
    }
}

/// A live tally of group operations for the current task; tests install one to check `ProofCost`.
final class OperationCounter: @unchecked Sendable {
    // Only the task that installed the counter touches it (prove and verify are synchronous).
    var count = OperationCount()

    @TaskLocal static var current: OperationCounter?
}

/// The group operations of VaultProofs, each a single libsodium call, counted when a counter is installed.
enum Group {
    @inline(__always) static func base(_ s: Scalar) -> Point {
        OperationCounter.current?.count.fixedBase += 1
        return Point.base(times: s)
    }

    @inline(__always) static func mul(_ p: Point, _ s: Scalar) -> Point {
        OperationCounter.current?.count.variableBase += 1
        return p.times(s)
    }

    @inline(__always) static func add(_ a: Point, _ b: Point) -> Point {
        OperationCounter.current?.count.additions += 1
        return a + b
    }

    @inline(__always) static func sub(_ a: Point, _ b: Point) -> Point {
        OperationCounter.current?.count.additions += 1
        return a - b
    }

    @inline(__always) static func challenge(_ transcriptBytes: [UInt8]) -> Scalar {
        OperationCounter.current?.count.hashes += 1
        // A 64-byte input cannot fail to reduce.
        return try! Scalar.reduce(wide: SHA512.hash(transcriptBytes))
    }

    /// Decodes a point strictly: canonical, and not the identity.
    static func point(_ bytes: [UInt8], offset: Int) throws(ProofError) -> Point {
        OperationCounter.current?.count.validations += 1
        do {
            return try Point(canonical: bytes)
        } catch CryptoError.identityPoint {
            throw .identityPoint(offset: offset)
        } catch {
            throw .invalidPoint(offset: offset)
        }
    }
}
