import Foundation
import VaultLedger

/// Where each citizen tag is on a ledger (`tag` attributes are public): built by reading the entries of a
/// `PublicLedger` whose entries were verified before they were stored (a follower's mirror keeps only entries that
/// rebuild a signed root), so a follower answers `GET /v1/ledger/tags/{tag}` without the node's keys.
public final class TagIndex: @unchecked Sendable {
    let ledger: any PublicLedger
    private let lock = NSLock()
    private var indices: [[UInt8]: UInt64] = [:]
    private var size: UInt64 = 0

    public init(ledger: any PublicLedger) { self.ledger = ledger }

    /// The index of the entry carrying `tag`, after reading any entries stored since the last call.
    public func index(of tag: [UInt8]) throws -> UInt64? {
        try lock.withLock {
            let end = try ledger.treeSize()
            while size < end {
                let batch = try ledger.entries(from: size, limit: Int(min(4096, end - size)))
                guard !batch.isEmpty else { break }
                for stored in batch {
                    if case let .bytes(tag)? = try EntryCodec.decode(stored.bytes).attributes["tag"] { indices[tag] = stored.index }
                    size = stored.index + 1
                }
            }
            return indices[tag]
        }
    }
}
