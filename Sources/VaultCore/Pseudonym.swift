import VaultCrypto

/// The public stand-in for a citizen on the ledger: keyed BLAKE2b-256 of the national id under the node's pseudonym
/// key. Stable for one node, unlinkable to the id without the key.
public struct Pseudonym: Hashable, Sendable {
    /// The 32-byte pseudonym.
    public let bytes: [UInt8]

    /// The pseudonym of `nationalID` under `key`.
    public init(nationalID: String, key: SecureBytes) throws {
        bytes = try BLAKE2b.hash(Array(VaultLabels.pseudonym.utf8) + [0x00] + Array(nationalID.utf8), key: key)
    }

    /// Wraps stored bytes.
    public init(bytes: [UInt8]) { self.bytes = bytes }

    /// Lowercase hex, as shown in logs and the ledger's JSON.
    public var hex: String { Hex.encode(bytes) }
}
