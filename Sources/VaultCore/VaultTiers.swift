import VaultCrypto
import VaultLedger

/// Progress of a tier key rotation: how many data keys were rewrapped and how many remain.
public struct RotationProgress: Sendable, Equatable {
    public let tier: String
    public let version: Int
    public let rewrapped: Int
    public let remaining: Int
}

extension Vault {
    /// Creates a tier at `rank` with key version 1 (officers only); a `tier.created` ledger entry.
    @discardableResult
    public func createTier(name: String, rank: Int, by caller: Caller) async throws -> UInt64 {
        try await store.write { tx in
            try authorize(caller, [.officer], tx, action: "create tiers")
            guard LedgerEntry.isValidIdentifier(name) else { throw VaultError.invalidSchema("tier name must be a-z 0-9 . _ -") }
            guard rank >= 0 else { throw VaultError.invalidSchema("tier rank must not be negative") }
            let existing = try tx.tiers()
            guard !existing.contains(where: { $0.name == name }) else { throw VaultError.tierExists(name) }
            guard !existing.contains(where: { $0.rank == rank }) else { throw VaultError.invalidSchema("rank \(rank) is taken") }
            try tx.saveTier(TierState(name: name, rank: rank, currentVersion: 1, minDecryptionVersion: 1))
            try tx.insertTierKey(try keyring.newKey(tier: name, version: 1))
            let receipt = try tx.appendLedger(
                [try entry(LedgerEntry.Kind.tierCreated, caller, ["tier": .string(name), "rank": .u64(UInt64(rank)), "version": .u64(1)])],
                citizens: [nil])
            return receipt.firstIndex
        }
    }

    /// Creates the standard tiers (public < internal < confidential < restricted) when none exist yet: all four,
    /// their keys and one ledger append in one transaction, so a crash leaves all or none, and nodes starting
    /// together over one database create them once (the others find them inside their own transaction).
    public func createStandardTiersIfNeeded(by caller: Caller) async throws {
        guard try await store.read({ try $0.tiers() }).isEmpty else { return }
        try await store.write { tx in
            try authorize(caller, [.officer], tx, action: "create tiers")
            guard try tx.tiers().isEmpty else { return }
            var entries: [LedgerEntry] = []
            for tier in TierLevels.standard.ordered {
                try tx.saveTier(TierState(name: tier.name, rank: tier.rank, currentVersion: 1, minDecryptionVersion: 1))
                try tx.insertTierKey(try keyring.newKey(tier: tier.name, version: 1))
                entries.append(try entry(LedgerEntry.Kind.tierCreated, caller, ["tier": .string(tier.name), "rank": .u64(UInt64(tier.rank)), "version": .u64(1)]))
            }
            _ = try tx.appendLedger(entries, citizens: entries.map { _ in nil })
        }
    }

    /// Every tier, lowest first.
    public func tiers() async throws -> [TierState] {
        try await store.read { try $0.tiers() }.sorted { $0.rank < $1.rank }
    }

    /// Every tier, lowest first, for a caller (officers and auditors).
    public func tiers(by caller: Caller) async throws -> [TierState] {
        try await store.read { tx in
            try authorize(caller, [.officer, .auditor], tx, action: "list tiers")
            return try tx.tiers()
        }.sorted { $0.rank < $1.rank }
    }

    /// Starts a rotation of `tier` (new key version; new records use it at once) and rewraps every data key in
    /// batches of `batchSize`, each batch its own transaction, so a crash loses at most one batch of work and
    /// `resumeRotations` finishes it. Reads keep working throughout: each DEK names the version that wraps it.
    @discardableResult
    public func rotate(
        tier name: String, by caller: Caller, batchSize: Int = 500, progress: (RotationProgress) -> Void = { _ in }
    ) async throws -> RotationProgress {
        try await beginRotation(tier: name, by: caller)
        return try await finishRotation(tier: name, by: caller, batchSize: batchSize, progress: progress)
    }

    /// Makes the next key version current and marks the tier as rotating (one transaction, one `key.rotated` entry).
    func beginRotation(tier name: String, by caller: Caller) async throws {
        try await store.write { tx in
            try authorize(caller, [.officer], tx, action: "rotate keys")
            guard var tier = try tx.tiers().first(where: { $0.name == name }) else { throw VaultError.unknownTier(name) }
            let next = tier.currentVersion + 1
            try tx.insertTierKey(try keyring.newKey(tier: name, version: next))
            tier.currentVersion = next
            tier.rotating = true
            try tx.saveTier(tier)
            _ = try tx.appendLedger(
                [try entry(LedgerEntry.Kind.keyRotated, caller, ["tier": .string(name), "version": .u64(UInt64(next))])],
                citizens: [nil])
        }
    }

    /// Finishes every rotation a crash interrupted; returns what each did.
    public func resumeRotations(by caller: Caller, batchSize: Int = 500, progress: (RotationProgress) -> Void = { _ in }) async throws -> [RotationProgress] {
        var done: [RotationProgress] = []
        for tier in try await tiers() where tier.rotating {
            done.append(try await finishRotation(tier: tier.name, by: caller, batchSize: batchSize, progress: progress))
        }
        return done
    }

    func finishRotation(tier name: String, by caller: Caller, batchSize: Int, progress: (RotationProgress) -> Void) async throws -> RotationProgress {
        precondition(batchSize > 0, "rotation batch size must be positive")
        var total = 0
        while true {
            let (done, remaining, version) = try await store.write { tx -> (Int, Int, Int) in
                guard var tier = try tx.tiers().first(where: { $0.name == name }) else { throw VaultError.unknownTier(name) }
                let batch = try tx.dataKeys(tier: name, wrappedBelow: tier.currentVersion, limit: batchSize)
                if batch.isEmpty {
                    if tier.rotating {
                        tier.rotating = false
                        try tx.saveTier(tier)
                        _ = try tx.appendLedger(
                            [try entry("key.rewrapped", caller, ["tier": .string(name), "version": .u64(UInt64(tier.currentVersion))])],
                            citizens: [nil])
                    }
                    return (0, 0, tier.currentVersion)
                }
                let newKey = try tierKey(tx, tier: tier, version: tier.currentVersion)
                var oldKeys: [Int: SecureBytes] = [:]
                for dek in batch {
                    if oldKeys[dek.tierKeyVersion] == nil { oldKeys[dek.tierKeyVersion] = try tierKey(tx, tier: tier, version: dek.tierKeyVersion) }
                    try tx.updateDataKey(try dek.rewrapped(from: oldKeys[dek.tierKeyVersion]!, to: newKey, newVersion: tier.currentVersion))
                }
                return (batch.count, try tx.countDataKeys(tier: name, wrappedBelow: tier.currentVersion), tier.currentVersion)
            }
            total += done
            let report = RotationProgress(tier: name, version: version, rewrapped: total, remaining: remaining)
            if done == 0 { return report }
            progress(report)
        }
    }

    /// Retires key versions below `version` of `tier`: they are deleted and can never decrypt again. Refused while
    /// any data key is still wrapped under them.
    public func retire(tier name: String, below version: Int, by caller: Caller) async throws {
        try await store.write { tx in
            try authorize(caller, [.officer], tx, action: "retire keys")
            guard var tier = try tx.tiers().first(where: { $0.name == name }) else { throw VaultError.unknownTier(name) }
            guard version <= tier.currentVersion else { throw VaultError.invalidSchema("cannot retire the current version") }
            let remaining = try tx.countDataKeys(tier: name, wrappedBelow: version)
            guard remaining == 0 else { throw VaultError.rotationUnfinished(tier: name, remaining: remaining) }
            tier.minDecryptionVersion = max(tier.minDecryptionVersion, version)
            try tx.saveTier(tier)
            try tx.deleteTierKeys(tier: name, below: version)
            _ = try tx.appendLedger(
                [try entry("key.retired", caller, ["tier": .string(name), "below": .u64(UInt64(version))])], citizens: [nil])
        }
    }
}
