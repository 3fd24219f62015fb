import CSodium
import Foundation

/// Shamir secret sharing of a Ristretto255 scalar with Feldman commitments (docs/OPERATIONS.md, "Unsealing").
///
/// The secret s is the constant term of a random polynomial f of degree k-1 over the scalar field; share i is
/// (i, f(i)) for i = 1...n; any k shares give s back by Lagrange interpolation at 0, fewer give nothing. Every
/// field operation is a libsodium call (`crypto_core_ristretto255_scalar_add/sub/mul/invert` through `Scalar`).
/// The share set publishes C_j = a_j*G for each coefficient a_j (C_0 = s*G), so a share is checked on arrival:
/// f(i)*G must equal the sum of C_j * i^j. A share also names its node and share set, so a share of another node
/// or of an older split is refused by name, not turned into a wrong key.
public enum SecretShares {
    /// Text prefix of a share.
    public static let sharePrefix = "cvshare1-"
    static let shareVersion: UInt8 = 1
    static let setIDByteCount = 16
    static let nodeTagByteCount = 16
    static let checksumByteCount = 4
    /// version, node tag, set id, threshold, count, index, value, checksum.
    static let shareByteCount = 1 + nodeTagByteCount + setIDByteCount + 3 + Scalar.byteCount + checksumByteCount

    /// The public description of one split: which node, which set, k of n, and the coefficient commitments.
    public struct ShareSet: Equatable, Sendable {
        public let nodeTag: [UInt8]
        public let setID: [UInt8]
        public let threshold: Int
        public let count: Int
        /// C_0 ... C_{k-1}.
        public let commitments: [Point]

        /// The set's text form (one line): `cvshareset1 <node tag hex> <set id hex> <k> <n> <C_0 hex> ...`.
        public var text: String {
            (["cvshareset1", Hex.encode(nodeTag), Hex.encode(setID), String(threshold), String(count)] + commitments.map { Hex.encode($0.bytes) })
                .joined(separator: " ")
        }

        /// Parses `text`, refusing anything malformed.
        public init(parsing text: String) throws {
            let parts = text.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: " ").map(String.init)
            guard parts.count >= 6, parts[0] == "cvshareset1", let tag = Hex.decode(parts[1]), tag.count == nodeTagByteCount,
                let id = Hex.decode(parts[2]), id.count == setIDByteCount, let k = Int(parts[3]), let n = Int(parts[4]),
                (2...255).contains(k), (k...255).contains(n), parts.count == 5 + k
            else { throw Failure.malformedShareSet }
            nodeTag = tag
            setID = id
            threshold = k
            count = n
            commitments = try parts[5...].map { hex in
                guard let bytes = Hex.decode(hex) else { throw Failure.malformedShareSet }
                return try Point(canonical: bytes)
            }
        }

        init(nodeTag: [UInt8], setID: [UInt8], threshold: Int, count: Int, commitments: [Point]) {
            self.nodeTag = nodeTag
            self.setID = setID
            self.threshold = threshold
            self.count = count
            self.commitments = commitments
        }

        /// Checks that `share` belongs to this set and lies on the committed polynomial.
        public func verify(_ share: Share) throws {
            guard ConstantTime.equals(share.nodeTag, nodeTag) else { throw Failure.shareForAnotherNode }
            guard ConstantTime.equals(share.setID, setID) else { throw Failure.shareFromAnotherSet }
            guard share.threshold == threshold, share.count == count, (1...count).contains(share.index) else { throw Failure.shareFromAnotherSet }
            // sum_j C_j * x^j, with x^j computed by libsodium scalar multiplication.
            let x = Scalar(UInt64(share.index))
            var power = Scalar.one
            var expected = Point.identity
            for c in commitments {
                expected = expected + c.times(power)
                power = power * x
            }
            guard ConstantTime.equals(Point.base(times: share.value).bytes, expected.bytes) else { throw Failure.wrongShare(index: share.index) }
        }
    }

    /// One share: (index, f(index)) and what it belongs to.
    public struct Share: Sendable {
        public let nodeTag: [UInt8]
        public let setID: [UInt8]
        public let threshold: Int
        public let count: Int
        /// x, 1...n.
        public let index: Int
        /// f(x); secret.
        public let value: Scalar

        /// `cvshare1-` and the hex of version, node tag, set id, k, n, index, value and a 4-byte SHA-256 checksum
        /// (so a mistyped share is told apart from a wrong one). Secret: print it once, or seal it to an officer.
        public var secretText: SecureBytes {
            var body = [shareVersion] + nodeTag + setID + [UInt8(threshold), UInt8(count), UInt8(index)]
            var value = self.value.bytes
            body += value
            body += Array(SHA256.hash(body).prefix(checksumByteCount))
            var text = Array((sharePrefix + Hex.encode(body)).utf8)
            defer {
                sodium_memzero_array(&value)
                sodium_memzero_array(&body)
                sodium_memzero_array(&text)
            }
            return SecureBytes(copying: text)
        }

        /// Parses a share's text (surrounding white space ignored).
        public init(parsing secret: SecureBytes) throws {
            var text = secret.unsafeCopy()
            defer { sodium_memzero_array(&text) }
            while let last = text.last, last == 0x20 || last == 0x0a || last == 0x0d || last == 0x09 { text.removeLast() }
            while let first = text.first, first == 0x20 || first == 0x0a || first == 0x0d || first == 0x09 { text.removeFirst() }
            let prefix = Array(sharePrefix.utf8)
            guard text.count == prefix.count + 2 * shareByteCount, Array(text[0..<prefix.count]) == prefix,
                var body = Hex.decode(String(decoding: text[prefix.count...], as: UTF8.self))
            else { throw Failure.malformedShare }
            defer { sodium_memzero_array(&body) }
            let payload = Array(body[0..<(shareByteCount - checksumByteCount)])
            guard ConstantTime.equals(Array(SHA256.hash(payload).prefix(checksumByteCount)), Array(body[(shareByteCount - checksumByteCount)...])) else {
                throw Failure.shareChecksum
            }
            guard body[0] == shareVersion else { throw Failure.malformedShare }
            var at = 1
            nodeTag = Array(body[at..<(at + nodeTagByteCount)]); at += nodeTagByteCount
            setID = Array(body[at..<(at + setIDByteCount)]); at += setIDByteCount
            threshold = Int(body[at]); count = Int(body[at + 1]); index = Int(body[at + 2]); at += 3
            guard threshold >= 2, count >= threshold, (1...count).contains(index) else { throw Failure.malformedShare }
            do { value = try Scalar(canonical: Array(body[at..<(at + Scalar.byteCount)])) } catch { throw Failure.malformedShare }
        }

        init(nodeTag: [UInt8], setID: [UInt8], threshold: Int, count: Int, index: Int, value: Scalar) {
            self.nodeTag = nodeTag
            self.setID = setID
            self.threshold = threshold
            self.count = count
            self.index = index
            self.value = value
        }
    }

    /// Why shares are refused; each names what is wrong.
    public enum Failure: Error, Equatable, Sendable, CustomStringConvertible {
        case malformedShare
        case shareChecksum
        case shareForAnotherNode
        case shareFromAnotherSet
        case duplicateShare(index: Int)
        case wrongShare(index: Int)
        case notEnoughShares(have: Int, need: Int)
        case malformedShareSet
        case invalidParameters

        public var description: String {
            switch self {
            case .malformedShare: return "this is not an unseal share (cvshare1-...)"
            case .shareChecksum: return "the share's checksum does not match: it was mistyped or damaged"
            case .shareForAnotherNode: return "the share is for another node"
            case .shareFromAnotherSet: return "the share is from another share set of this node (an older or newer split)"
            case let .duplicateShare(index): return "share \(index) was given already"
            case let .wrongShare(index): return "share \(index) does not match the share set's commitments: it is wrong or forged"
            case let .notEnoughShares(have, need): return "\(have) of the \(need) shares needed"
            case .malformedShareSet: return "the share set description (unseal.shares) is malformed"
            case .invalidParameters: return "shares and threshold must satisfy 2 <= threshold <= shares <= 255"
            }
        }
    }

    /// A 16-byte tag naming the node (SHA-256 of its name, truncated), carried in each share.
    public static func nodeTag(name: String) -> [UInt8] { Array(SHA256.hash(Array("CivicVault/v1/share-node".utf8), Array(name.utf8)).prefix(nodeTagByteCount)) }

    /// Splits `secret` into `count` shares, any `threshold` of which give it back.
    public static func split(_ secret: Scalar, threshold: Int, count: Int, nodeName: String) throws -> (ShareSet, [Share]) {
        guard threshold >= 2, count >= threshold, count <= 255 else { throw Failure.invalidParameters }
        let coefficients = [secret] + (1..<threshold).map { _ in Scalar.random() }
        let tag = nodeTag(name: nodeName)
        let setID = RandomBytes.generate(setIDByteCount)
        let set = ShareSet(nodeTag: tag, setID: setID, threshold: threshold, count: count, commitments: coefficients.map { Point.base(times: $0) })
        let shares = (1...count).map { i -> Share in
            // Horner: f(x) = a_0 + x(a_1 + x(a_2 + ...)).
            let x = Scalar(UInt64(i))
            var y = Scalar.zero
            for a in coefficients.reversed() { y = y * x + a }
            return Share(nodeTag: tag, setID: setID, threshold: threshold, count: count, index: i, value: y)
        }
        return (set, shares)
    }

    /// The secret from `threshold` verified shares of `set`: sum_i y_i * prod_{j != i} x_j / (x_j - x_i), then
    /// checked against C_0 = s*G.
    public static func combine(_ shares: [Share], set: ShareSet) throws -> Scalar {
        var seen = Set<Int>()
        for share in shares {
            try set.verify(share)
            guard seen.insert(share.index).inserted else { throw Failure.duplicateShare(index: share.index) }
        }
        guard shares.count >= set.threshold else { throw Failure.notEnoughShares(have: shares.count, need: set.threshold) }
        let used = Array(shares.prefix(set.threshold))
        var secret = Scalar.zero
        for (i, share) in used.enumerated() {
            let xi = Scalar(UInt64(share.index))
            var numerator = Scalar.one, denominator = Scalar.one
            for (j, other) in used.enumerated() where j != i {
                let xj = Scalar(UInt64(other.index))
                numerator = numerator * xj
                denominator = denominator * (xj - xi)
            }
            secret = secret + share.value * numerator * (try denominator.inverted())
        }
        guard ConstantTime.equals(Point.base(times: secret).bytes, set.commitments[0].bytes) else { throw Failure.wrongShare(index: 0) }
        return secret
    }
}

/// Collects shares one at a time (from `civicvault unseal` or `POST /v1/sys/unseal`) until the threshold is
/// reached; each share is verified on arrival, so a duplicate, wrong or foreign share is named at once and
/// leaves the shares already given in place. Thread-safe.
public final class ShareCollector: @unchecked Sendable {
    public let set: SecretShares.ShareSet
    private var shares: [SecretShares.Share] = []
    private let lock = NSLock()

    public init(set: SecretShares.ShareSet) { self.set = set }

    /// How many distinct valid shares are held.
    public var progress: Int { lock.withLock { shares.count } }

    /// Adds a share; returns the secret once `threshold` shares are held (and forgets the shares), else nil.
    public func add(_ text: SecureBytes) throws -> Scalar? {
        let share = try SecretShares.Share(parsing: text)
        try set.verify(share)
        return try lock.withLock {
            guard !shares.contains(where: { $0.index == share.index }) else { throw SecretShares.Failure.duplicateShare(index: share.index) }
            shares.append(share)
            guard shares.count >= set.threshold else { return nil }
            defer { shares.removeAll() }
            return try SecretShares.combine(shares, set: set)
        }
    }

    /// Forgets every share given so far.
    public func reset() { lock.withLock { shares.removeAll() } }
}

func sodium_memzero_array(_ bytes: inout [UInt8]) {
    bytes.withUnsafeMutableBytes { if let base = $0.baseAddress { sodium_memzero(base, $0.count) } }
}
