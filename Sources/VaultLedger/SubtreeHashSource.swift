/// Names the perfect subtree over leaves [index * 2^level, (index + 1) * 2^level).
public struct SubtreeID: Hashable, Sendable {
    public let level: Int
    public let index: UInt64

    public init(level: Int, index: UInt64) {
        self.level = level
        self.index = index
    }
}

/// Gives the hash of any perfect subtree of a log: the subtree at `level` with `index` covers leaves
/// [index * 2^level, (index + 1) * 2^level). Implementations must only be asked for complete subtrees.
public protocol SubtreeHashSource {
    /// The hash of the complete subtree (level, index); throws when it is not available.
    func subtreeHash(level: Int, index: UInt64) throws -> [UInt8]
    /// MTH(D[begin:end]) (see the default implementation).
    func rangeHash(begin: UInt64, end: UInt64) throws -> [UInt8]
}

extension SubtreeHashSource {
    /// MTH(D[begin:end]) for the ranges that RFC 6962 recursion produces, from O(log n) subtree hashes.
    public func rangeHash(begin: UInt64, end: UInt64) throws -> [UInt8] {
        try MerkleMath.foldRight(MerkleMath.decompose(begin: begin, end: end).map { try subtreeHash(level: $0.level, index: $0.index) })
    }

    /// The root of the tree of the first `size` leaves (the empty-tree root for 0).
    public func root(size: UInt64) throws -> [UInt8] {
        try rangeHash(begin: 0, end: size)
    }
}

/// A `SubtreeHashSource` that answers every request with 32 zero bytes and records what was asked: running a
/// proof's generation over it lists the subtrees the real proof needs (generation depends on indices only).
public final class SubtreeRequestRecorder: SubtreeHashSource {
    /// The subtrees asked for, in order, without repeats.
    public private(set) var requested: [SubtreeID] = []
    private var seen: Set<SubtreeID> = []

    public init() {}

    public func subtreeHash(level: Int, index: UInt64) throws -> [UInt8] {
        let id = SubtreeID(level: level, index: index)
        if seen.insert(id).inserted { requested.append(id) }
        return Self.zero
    }

    /// Records the subtrees of the range without hashing anything.
    public func rangeHash(begin: UInt64, end: UInt64) throws -> [UInt8] {
        for part in MerkleMath.decompose(begin: begin, end: end) { _ = try subtreeHash(level: part.level, index: part.index) }
        return Self.zero
    }

    static let zero = [UInt8](repeating: 0, count: LedgerLabels.hashByteCount)
}
