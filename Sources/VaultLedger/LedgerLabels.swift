/// Versioned domain-separation labels, format versions and sizes of the ledger, in one place
/// (docs/format/entry.md, tree.md, checkpoint.md). Changing any of these changes every hash and signature of the ledger.
public enum LedgerLabels {
    /// Version byte that starts every encoded entry.
    public static let entryVersion: UInt8 = 0x01
    /// Label that follows the entry version byte (fixed length, no length prefix).
    public static let entry = Array("CivicVault/v1/ledger/entry".utf8)
    /// Version byte of an encoded block header.
    public static let blockVersion: UInt8 = 0x01
    /// Label that starts every encoded block header (fixed length, no length prefix).
    public static let block = Array("CivicVault/v1/ledger/block".utf8)
    /// RFC 6962 leaf hash prefix: leaf hash = SHA-256(0x00 || entry bytes).
    public static let leafPrefix: UInt8 = 0x00
    /// RFC 6962 interior node prefix: node hash = SHA-256(0x01 || left || right).
    public static let nodePrefix: UInt8 = 0x01
    /// Length of every hash in the ledger (SHA-256).
    public static let hashByteCount = 32
    /// Every complete subtree at this level or above is stored; levels 1-3 are folded from the 16 leaf
    /// hashes of one leaf tile (level 0 is stored with each entry).
    public static let firstStoredLevel = 4
    /// Leaf hashes per leaf tile: 2^firstStoredLevel.
    public static let leafTileWidth = 1 << firstStoredLevel
    /// Largest encoded entry accepted (bytes).
    public static let maxEntryByteCount = 1 << 20
    /// Most attributes one entry may carry.
    public static let maxAttributeCount = 1024
    /// Most signature lines a signed note may carry (as golang.org/x/mod/sumdb/note).
    public static let maxNoteSignatures = 100
    /// The prefix of a signature line of a signed note: U+2014 EM DASH and a space.
    public static let noteSignaturePrefix = "\u{2014} "
}
