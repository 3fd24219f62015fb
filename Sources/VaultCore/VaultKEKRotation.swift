import VaultCrypto
import VaultLedger

/// Progress of a KEK rotation: how many tier keys were re-wrapped under the current KEK and how many remain.
public struct KEKRotationProgress: Sendable, Equatable {
    /// The KEK version the tier keys are leaving.
    public let from: Int
    /// The KEK version they are re-wrapped under.
    public let to: Int
    /// Tier keys re-wrapped by this call so far.
    public let rewrapped: Int
    /// Tier keys still under an older KEK.
    public let remaining: Int
}

extension Vault {
    /// Re-wraps every tier key still under an older KEK under the current one (the vault's node keys must hold both:
    /// node.key in the rotating state), in batches of `batchSize`, each batch one transaction. The first batch
    /// appends `kek.rotation_started` and the last `kek.rotated` (attributes `from`, `to`, no key material) in the
    /// same transaction as its rows, so a crash loses at most one batch and a rerun neither repeats nor skips an
    /// entry. A tier key under a KEK the node does not hold fails with `keyEncryptionKeyDropped`.
    @discardableResult
    public func rewrapTierKeys(
        by caller: Caller, batchSize: Int = 100, progress: (KEKRotationProgress) -> Void = { _ in }
    ) async throws -> KEKRotationProgress {
        precondition(batchSize > 0, "KEK rotation batch size must be positive")
        let to = keyring.currentKEKVersion
        guard let from = keys.keyEncryptionKeys.dropLast().last?.version else {
            throw VaultError.invalidSchema("node.key holds one KEK: no KEK rotation is in progress")
        }
        var total = 0
        while true {
            let (done, remaining) = try await store.write { tx -> (Int, Int) in
                try authorize(caller, [.officer], tx, action: "rotate the KEK")
                let batch = try tx.tierKeys(wrappedBelowKEK: to, limit: batchSize)
                if batch.isEmpty { return (0, 0) }
                var entries: [LedgerEntry] = []
                let versions: [String: LedgerEntry.Value] = ["from": .u64(UInt64(from)), "to": .u64(UInt64(to))]
                if try tx.countTierKeys(wrappedUnderKEK: to) == 0 {
                    entries.append(try entry(LedgerEntry.Kind.kekRotationStarted, caller, versions))
                }
                for stored in batch { try tx.updateTierKey(try keyring.rewrapped(stored)) }
                let remaining = try tx.countTierKeys(wrappedBelowKEK: to)
                if remaining == 0 { entries.append(try entry(LedgerEntry.Kind.kekRotated, caller, versions)) }
                if !entries.isEmpty { _ = try tx.appendLedger(entries, citizens: entries.map { _ in nil }) }
                return (batch.count, remaining)
            }
            total += done
            let report = KEKRotationProgress(from: from, to: to, rewrapped: total, remaining: remaining)
            if done == 0 { return report }
            progress(report)
        }
    }

    /// The number of tier keys still wrapped under a KEK older than the current one.
    public func tierKeysUnderPreviousKEK() async throws -> Int {
        try await store.read { try $0.countTierKeys(wrappedBelowKEK: keyring.currentKEKVersion) }
    }
}
