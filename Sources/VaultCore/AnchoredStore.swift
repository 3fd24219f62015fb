import Foundation
import VaultLedger

/// The vault's storage with every trusted row checked: a decorator over the backend's `VaultStore` that first
/// brings the `LedgerAnchor` up to the transaction's signed checkpoint, then hands the vault an `AnchoredReader`
/// or `AnchoredWriter`, whose reads of tiers, members, schemas, the policy, records and citizen events refuse
/// (`stateTampered`) any row that disagrees with the verified ledger.
///
/// A read transaction of a shared database may see an older snapshot than this node already applied; a row that
/// then disagrees may be older, not forged, so the read is retried on a newer snapshot, and only a disagreement
/// that persists is reported.
public struct AnchoredStore: VaultStore {
    /// The backend's store.
    public let base: any VaultStore
    /// The node's view of its verified ledger.
    public let anchor: LedgerAnchor

    /// Attempts of a read whose snapshot lags the anchor before the disagreement counts as tampering.
    static let readAttempts = 8

    public init(base: any VaultStore, anchor: LedgerAnchor) {
        self.base = base
        self.anchor = anchor
    }

    public func read<T>(_ body: (any VaultReading) throws -> T) async throws -> T {
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try await base.read { tx in
                    let snapshot = try anchor.refresh(tx)
                    // A snapshot older than what this node applied: another node's snapshot lagging (retried), or an
                    // older signed checkpoint put back under the node (refused once retries do not catch up).
                    if snapshot < anchor.size {
                        guard attempt < Self.readAttempts else { throw VaultError.stateTampered(table: "ledger_checkpoint", key: "1") }
                        throw AnchorLag()
                    }
                    return try body(AnchoredReader(tx, anchor: anchor, snapshotSize: snapshot, mayLag: attempt < Self.readAttempts))
                }
            } catch is AnchorLag {
                try await Task.sleep(nanoseconds: UInt64(1_000_000 * attempt))
                continue
            }
        }
    }

    public func write<T>(_ body: (any VaultWriting) throws -> T) async throws -> T {
        var writer: AnchoredWriter?
        let result = try await base.write { tx in
            let snapshot = try anchor.refresh(tx)
            // A write transaction sees the newest committed state: a checkpoint older than the anchor is a rollback.
            guard snapshot == anchor.size else { throw VaultError.stateTampered(table: "ledger_checkpoint", key: "1") }
            let anchored = AnchoredWriter(tx, anchor: anchor, snapshotSize: snapshot, mayLag: false)
            writer = anchored
            return try body(anchored)
        }
        if let appended = writer?.appended, !appended.isEmpty { anchor.applyCommitted(appended) }
        return result
    }
}

/// Thrown inside a read whose snapshot is older than the anchor and whose rows disagree with it: retried.
struct AnchorLag: Error {}
