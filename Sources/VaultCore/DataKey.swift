import VaultCrypto

/// A record's data key (DEK) for one tier, as stored: sealed under one version of the tier key.
/// Rotation rewraps it under a newer tier key; the field ciphertexts it protects stay untouched.
public struct WrappedDataKey: Sendable, Equatable {
    /// The record.
    public let recordID: String
    /// The tier whose fields this DEK encrypts.
    public let tier: String
    /// The tier key version that wraps it.
    public let tierKeyVersion: Int
    /// Envelope of the DEK, AAD = label || record id || tier || tier key version.
    public let wrapped: [UInt8]

    /// A stored DEK.
    public init(recordID: String, tier: String, tierKeyVersion: Int, wrapped: [UInt8]) {
        self.recordID = recordID
        self.tier = tier
        self.tierKeyVersion = tierKeyVersion
        self.wrapped = wrapped
    }

    /// Seals `dek` for `recordID`/`tier` under `tierKey` (version `tierKeyVersion`).
    public static func wrap(
        _ dek: SecureBytes, recordID: String, tier: String, tierKey: SecureBytes, tierKeyVersion: Int
    ) throws -> WrappedDataKey {
        WrappedDataKey(
            recordID: recordID, tier: tier, tierKeyVersion: tierKeyVersion,
            wrapped: try Envelope.seal(dek, key: tierKey, associatedData: aad(recordID, tier, tierKeyVersion)))
    }

    /// Opens the DEK with the tier key of version `tierKeyVersion`.
    public func unwrap(tierKey: SecureBytes) throws -> SecureBytes {
        do {
            return try Envelope.open(wrapped, key: tierKey, associatedData: Self.aad(recordID, tier, tierKeyVersion))
        } catch {
            throw VaultError.corrupt("data key of record \(recordID) tier \(tier) does not open")
        }
    }

    /// The same DEK sealed under another tier key version (rotation).
    public func rewrapped(from oldKey: SecureBytes, to newKey: SecureBytes, newVersion: Int) throws -> WrappedDataKey {
        let dek = try unwrap(tierKey: oldKey)
        return try Self.wrap(dek, recordID: recordID, tier: tier, tierKey: newKey, tierKeyVersion: newVersion)
    }

    static func aad(_ recordID: String, _ tier: String, _ version: Int) -> [UInt8] {
        AssociatedData.make(VaultLabels.dataKey, [recordID, tier, String(version)])
    }
}
