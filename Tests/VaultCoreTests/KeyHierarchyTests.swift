import Testing
import VaultCrypto
@testable import VaultCore

/// KEK -> tier key versions -> per-record DEKs -> field envelopes, and every way of moving a ciphertext.
@Suite struct KeyHierarchyTests {
    let keyring = TierKeyring(keyEncryptionKey: .random(count: 32))

    @Test func tierKeysOpenOnlyWhereTheyWereMade() async throws {
        let v1 = try keyring.newKey(tier: "confidential", version: 1)
        let key = try keyring.open(v1)
        #expect(key.count == 32)
        await #expect(throws: VaultError.self) { try await keyring.open(WrappedTierKey(tier: "restricted", version: 1, wrapped: v1.wrapped)) }
        await #expect(throws: VaultError.self) { try await keyring.open(WrappedTierKey(tier: "confidential", version: 2, wrapped: v1.wrapped)) }
        await #expect(throws: VaultError.self) { try await TierKeyring(keyEncryptionKey: .random(count: 32)).open(v1) }
    }

    @Test func fieldCiphertextsCannotBeMoved() async throws {
        let dek = SecureBytes.random(count: 32)
        let value = FieldValue.string("Mari Maasikas")
        let sealed = try FieldCipher.seal(value, recordID: "r1", field: "full_name", tier: "confidential", recordVersion: 1, dek: dek)
        #expect(try FieldCipher.open(sealed, recordID: "r1", field: "full_name", tier: "confidential", recordVersion: 1, dek: dek) == value)
        let moves: [(String, String, String, Int)] = [
            ("r2", "full_name", "confidential", 1), ("r1", "national_id", "confidential", 1),
            ("r1", "full_name", "restricted", 1), ("r1", "full_name", "confidential", 2),
        ]
        for (record, field, tier, version) in moves {
            await #expect(throws: VaultError.corrupt("field \(field) of record \(record) does not decrypt")) {
                try await FieldCipher.open(sealed, recordID: record, field: field, tier: tier, recordVersion: version, dek: dek)
            }
        }
        await #expect(throws: VaultError.self) {
            try await FieldCipher.open(sealed, recordID: "r1", field: "full_name", tier: "confidential", recordVersion: 1, dek: .random(count: 32))
        }
    }

    @Test func rotationRewrapsDataKeysWithoutTouchingFields() async throws {
        let v1 = try keyring.open(try keyring.newKey(tier: "internal", version: 1))
        let v2 = try keyring.open(try keyring.newKey(tier: "internal", version: 2))
        let dek = SecureBytes.random(count: 32)
        let wrapped = try WrappedDataKey.wrap(dek, recordID: "r9", tier: "internal", tierKey: v1, tierKeyVersion: 1)
        let field = try FieldCipher.seal(.integer(7), recordID: "r9", field: "n", tier: "internal", recordVersion: 1, dek: dek)
        let rotated = try wrapped.rewrapped(from: v1, to: v2, newVersion: 2)
        #expect(rotated.tierKeyVersion == 2)
        #expect(try rotated.unwrap(tierKey: v2) == dek)
        await #expect(throws: VaultError.self) { try await rotated.unwrap(tierKey: v1) }
        #expect(try FieldCipher.open(field, recordID: "r9", field: "n", tier: "internal", recordVersion: 1, dek: try rotated.unwrap(tierKey: v2)) == .integer(7))
        // A wrapped DEK relabelled to another record does not open.
        await #expect(throws: VaultError.self) {
            try await WrappedDataKey(recordID: "r10", tier: "internal", tierKeyVersion: 2, wrapped: rotated.wrapped).unwrap(tierKey: v2)
        }
    }

    @Test func pseudonymsAreKeyedAndStable() throws {
        let key = SecureBytes.random(count: 32)
        let a = try Pseudonym(nationalID: "38001010000", key: key)
        #expect(a == (try Pseudonym(nationalID: "38001010000", key: key)))
        #expect(a != (try Pseudonym(nationalID: "38001010001", key: key)))
        #expect(a != (try Pseudonym(nationalID: "38001010000", key: .random(count: 32))))
        #expect(a.bytes.count == 32)
        #expect(!a.hex.contains("38001010000"))
    }

    @Test func tiersAreOrdered() async throws {
        let tiers = TierLevels.standard
        let internalTier = try tiers.tier(named: "internal"), restricted = try tiers.tier(named: "restricted")
        #expect(restricted.canRead(internalTier))
        #expect(!internalTier.canRead(restricted))
        #expect(internalTier.canRead(internalTier))
        await #expect(throws: VaultError.unknownTier("secret")) { try await tiers.tier(named: "secret") }
        await #expect(throws: VaultError.self) { try await TierLevels(names: ["a", "a"]) }
    }
}
