/// Versioned domain-separation labels and format versions of VaultCrypto, in one place (docs/format/envelope.md).
public enum CryptoLabels {
    /// Associated-data prefix of every AEAD envelope, before the caller's associated data.
    public static let envelope = Array("CivicVault/v1/envelope".utf8)
    /// Current envelope version byte.
    public static let envelopeVersion: UInt8 = 0x01
    /// Magic bytes at the start of a node key file.
    public static let keyFileMagic = Array("CVKEYS".utf8)
    /// Current key file version byte.
    public static let keyFileVersion: UInt8 = 0x01
    /// Associated-data label of the key file's encrypted payload.
    public static let keyFilePayload = Array("CivicVault/v1/keyfile".utf8)
}
