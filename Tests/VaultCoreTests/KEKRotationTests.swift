import Foundation
import Testing
import VaultCrypto
import VaultLedger
import VaultNode
@testable import VaultCore
import VaultTestSupport

/// KEK rotation in the vault, on both backends: a node from before the root/KEK split (root = KEK v1) rotates to
/// KEK v2 in batches; records still read and attest (derived keys are unchanged); a tier-key row put back from
/// before the rotation, or relabelled, is refused by name once the old KEK is dropped.
@Suite struct KEKRotationTests {
    static let officer = Caller.operatorCLI(id: "officer-1")

    @Test(arguments: StorageBackend.available) func rotateInBatchesThenRolledBackRowsAreNamed(backend: StorageBackend) async throws {
        // Keys of payload version 1: one secret is both the derivation root and KEK v1.
        let legacy = try NodeKeys(name: "test.node/kek", signingKey: .generate(), keyEncryptionKey: .random(count: 32), pseudonymKey: .random(count: 32))
        let test = try TestStore(backend, keys: legacy)
        defer { test.cleanUp() }
        let vault = test.vault
        try await vault.createStandardTiersIfNeeded(by: Self.officer)
        try await vault.registerSchema(json: Data(VaultFixture.citizenSchema.utf8), by: Self.officer)
        var ids: [String] = []
        for i in 0..<6 {
            let input: [String: JSONValue] = [
                "national_id": .string("3800101000\(i)"), "full_name": .string("Person \(i)"), "birth_date": .string("1980-01-01"),
                "district": .string("north"), "income": .integer(21000),
            ]
            ids.append(try await vault.createRecord(type: "citizen", nationalID: "3800101000\(i)", input: input, by: Self.officer).recordID)
        }
        try await vault.rotate(tier: "confidential", by: Self.officer, batchSize: 2)
        let tierKeyCount = try test.integers("SELECT COUNT(*) FROM vault_tier_key")[0]
        #expect(tierKeyCount == 5)
        #expect(try test.integers("SELECT COUNT(*) FROM vault_tier_key WHERE kek_version = 1") == [tierKeyCount])
        // What a database writer could put back later: the rows as they were under KEK v1.
        try test.execute("CREATE TABLE kek_backup AS SELECT tier, version, kek_version, wrapped FROM vault_tier_key")

        // Without a second KEK there is nothing to rotate.
        await #expect(throws: VaultError.self) { try await vault.rewrapTierKeys(by: Self.officer) }

        let rotating = try legacy.addingKeyEncryptionKey()
        let during = try test.reopened(keys: rotating).vault
        var reports: [KEKRotationProgress] = []
        let done = try await during.rewrapTierKeys(by: Self.officer, batchSize: 2) { reports.append($0) }
        #expect(done == KEKRotationProgress(from: 1, to: 2, rewrapped: Int(tierKeyCount), remaining: 0))
        #expect(reports.map(\.remaining) == [3, 1, 0])
        #expect(try test.integers("SELECT COUNT(*) FROM vault_tier_key WHERE kek_version = 2") == [tierKeyCount])
        // A rerun finds nothing to do and appends nothing.
        let size = try test.ledger.treeSize()
        #expect(try await during.rewrapTierKeys(by: Self.officer).rewrapped == 0)
        #expect(try test.ledger.treeSize() == size)

        try test.execute("CREATE TABLE kek_after AS SELECT tier, version, kek_version, wrapped FROM vault_tier_key")
        let final = try rotating.droppingPreviousKeyEncryptionKeys()
        #expect(final.derivationRoot == legacy.derivationRoot)
        let after = try test.reopened(keys: final)
        for (i, id) in ids.enumerated() {
            #expect(try await after.vault.readRecord(id: id, purpose: "audit", by: Self.officer).fields["full_name"] == .string("Person \(i)"))
        }
        let request = AttestationRequest(
            recordID: ids[0], predicates: [PredicateSpec(field: "birth_date", age_at_least: 18)], requester: "bank-1",
            nonce: RandomBytes.generate(32), expiry: UInt64(Date().timeIntervalSince1970) + 600, purpose: "loan")
        _ = try await after.vault.attest(request, by: Self.officer) { _, _, _ in "test" }
        let summary = try after.verifyLedger()
        #expect(summary.treeSize > 0)
        // Exactly one start and one end entry, with versions and no key material.
        var kinds: [String] = []
        for index in 0..<(try test.ledger.treeSize()) {
            let entry = try EntryCodec.decode(try test.ledger.entry(at: index).bytes)
            if entry.type.hasPrefix("kek.") {
                kinds.append(entry.type)
                #expect(entry.attributes == ["from": .u64(1), "to": .u64(2)])
            }
        }
        #expect(kinds == [LedgerEntry.Kind.kekRotationStarted, LedgerEntry.Kind.kekRotated])

        // Rolled back: confidential's rows put back as they were under KEK v1, which node.key no longer holds.
        try test.execute("""
            UPDATE vault_tier_key SET kek_version = 1, wrapped = (SELECT b.wrapped FROM kek_backup b
              WHERE b.tier = vault_tier_key.tier AND b.version = vault_tier_key.version) WHERE tier = 'confidential'
            """)
        await #expect(throws: VaultError.keyEncryptionKeyDropped(tier: "confidential", version: 2, kekVersion: 1)) {
            try await after.vault.readRecord(id: ids[1], purpose: "audit", by: Self.officer)
        }
        // Relabelled: the old envelope claiming KEK v2 fails to open (the AAD binds the KEK version), named corrupt.
        try test.execute("UPDATE vault_tier_key SET kek_version = 2 WHERE tier = 'confidential'")
        await #expect(performing: { try await after.vault.readRecord(id: ids[1], purpose: "audit", by: Self.officer) }, throws: { error in
            if case VaultError.corrupt = error { return true } else { return false }
        })
        // Put right again from the rows as re-wrapped, the record reads; relabelled as KEK v1 they are refused by name.
        try test.execute("""
            UPDATE vault_tier_key SET kek_version = 2, wrapped = (SELECT a.wrapped FROM kek_after a
              WHERE a.tier = vault_tier_key.tier AND a.version = vault_tier_key.version) WHERE tier = 'confidential'
            """)
        #expect(try await after.vault.readRecord(id: ids[1], purpose: "audit", by: Self.officer).fields["full_name"] == .string("Person 1"))
        try test.execute("UPDATE vault_tier_key SET kek_version = 1 WHERE tier = 'confidential'")
        await #expect(throws: VaultError.keyEncryptionKeyDropped(tier: "confidential", version: 2, kekVersion: 1)) {
            try await after.vault.readRecord(id: ids[1], purpose: "audit", by: Self.officer)
        }
    }

    @Test func aadBindsTheKEKVersion() throws {
        let legacy = try NodeKeys(name: "n.test/k", signingKey: .generate(), keyEncryptionKey: .random(count: 32), pseudonymKey: .random(count: 32))
        let rotating = try legacy.addingKeyEncryptionKey()
        let ring = TierKeyring(keys: rotating)
        let wrapped = try ring.newKey(tier: "internal", version: 3)
        #expect(wrapped.kekVersion == 2)
        let key = try ring.open(wrapped)
        // Same envelope, KEK v2's key, but the row claims another version: the associated data no longer matches.
        let v1Ring = TierKeyring(keys: legacy)
        let old = try v1Ring.newKey(tier: "internal", version: 3)
        #expect(old.kekVersion == 1)
        #expect(try ring.rewrapped(old).kekVersion == 2)
        #expect(try ring.open(try ring.rewrapped(old)) == (try v1Ring.open(old)))
        #expect(key.count == 32)
        #expect(throws: VaultError.keyEncryptionKeyDropped(tier: "internal", version: 3, kekVersion: 1)) {
            try TierKeyring(keys: try rotating.droppingPreviousKeyEncryptionKeys()).open(old)
        }
        #expect(throws: VaultError.self) { try ring.open(WrappedTierKey(tier: "internal", version: 3, kekVersion: 1, wrapped: wrapped.wrapped)) }
    }
}
