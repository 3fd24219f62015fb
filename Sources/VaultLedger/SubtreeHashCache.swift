import Foundation

/// A bounded, thread-safe memo of complete subtree hashes (levels >= 4, as `TiledSubtreeSource` uses it). A complete subtree of an append-only
/// log never changes, so a hash read or folded once can serve every later proof; when full, it starts over.
/// Share one per store; never use one for verification, which must read everything from the store.
public final class SubtreeHashCache: @unchecked Sendable {
    private let lock = NSLock()
    private var hashes: [SubtreeID: [UInt8]] = [:]
    /// Most hashes kept (about 100 bytes each).
    public let capacity: Int

    public init(capacity: Int = 1 << 20) {
        self.capacity = capacity
    }

    /// The cached hash of (level, index), if any.
    public func hash(level: Int, index: UInt64) -> [UInt8]? {
        lock.lock()
        defer { lock.unlock() }
        return hashes[SubtreeID(level: level, index: index)]
    }

    /// Remembers the hash of the complete subtree (level, index).
    public func store(level: Int, index: UInt64, hash: [UInt8]) {
        lock.lock()
        defer { lock.unlock() }
        if hashes.count >= capacity { hashes.removeAll(keepingCapacity: true) }
        hashes[SubtreeID(level: level, index: index)] = hash
    }

    /// Forgets every hash: after a transaction that may have read subtrees of its own entries rolled back (the same
    /// positions will hold other hashes once other entries fill them).
    public func removeAll() {
        lock.lock()
        defer { lock.unlock() }
        hashes.removeAll(keepingCapacity: true)
    }

    /// Number of cached hashes.
    public var count: Int {
        lock.lock()
        defer { lock.unlock() }
        return hashes.count
    }
}
