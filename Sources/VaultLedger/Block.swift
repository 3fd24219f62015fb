import VaultCrypto

/// The header of one ledger block: which entries one append sealed, the tree size and root after them, and
/// the hash of the previous header. Its canonical encoding is hashed (block hash) and signed by the node key.
public struct BlockHeader: Equatable, Sendable {
    /// The previous block hash of block 0.
    public static let genesisPrevious = [UInt8](repeating: 0, count: LedgerLabels.hashByteCount)
    /// Encoded header length in bytes.
    public static let encodedByteCount = LedgerLabels.block.count + 1 + 8 + 32 + 8 + 8 + 8 + 8 + 32

    /// 0 for the first block, then +1.
    public let height: UInt64
    /// The block hash of block `height - 1` (32 zero bytes for block 0).
    public let previousHash: [UInt8]
    /// When the block was sealed, ms since the Unix epoch.
    public let timestampMs: UInt64
    /// Index of the first entry of the block (the tree size before it).
    public let firstIndex: UInt64
    /// Number of entries in the block (at least 1).
    public let entryCount: UInt64
    /// Tree size after the block: firstIndex + entryCount.
    public let treeSize: UInt64
    /// RFC 6962 root of the tree of `treeSize` entries.
    public let root: [UInt8]

    public init(height: UInt64, previousHash: [UInt8], timestampMs: UInt64, firstIndex: UInt64, entryCount: UInt64, treeSize: UInt64, root: [UInt8]) {
        self.height = height
        self.previousHash = previousHash
        self.timestampMs = timestampMs
        self.firstIndex = firstIndex
        self.entryCount = entryCount
        self.treeSize = treeSize
        self.root = root
    }

    /// label || version || height || previous hash || timestamp || first index || entry count || tree size || root.
    public var encoded: [UInt8] {
        var out = LedgerLabels.block
        out.reserveCapacity(Self.encodedByteCount)
        out.append(LedgerLabels.blockVersion)
        EntryCodec.putU64(height, into: &out)
        out += previousHash
        EntryCodec.putU64(timestampMs, into: &out)
        EntryCodec.putU64(firstIndex, into: &out)
        EntryCodec.putU64(entryCount, into: &out)
        EntryCodec.putU64(treeSize, into: &out)
        out += root
        return out
    }

    /// SHA-256 of the encoded header: what the next block links to.
    public var hash: [UInt8] { SHA256.hash(encoded) }

    /// Decodes a header strictly (exact length, label, version, 32-byte hashes).
    public init(decoding bytes: [UInt8]) throws {
        guard bytes.count == Self.encodedByteCount else { throw LedgerError.malformedBlock("header has \(bytes.count) bytes, want \(Self.encodedByteCount)") }
        var r = EntryCodec.Reader(bytes: bytes)
        guard try r.take(LedgerLabels.block.count) == LedgerLabels.block else { throw LedgerError.malformedBlock("wrong domain label") }
        let version = try r.u8()
        guard version == LedgerLabels.blockVersion else { throw LedgerError.unsupportedVersion(version) }
        self.height = try r.u64()
        self.previousHash = try r.take(32)
        self.timestampMs = try r.u64()
        self.firstIndex = try r.u64()
        self.entryCount = try r.u64()
        self.treeSize = try r.u64()
        self.root = try r.take(32)
    }
}

/// A block header with the node's Ed25519 signature over its encoding.
public struct SignedBlock: Equatable, Sendable {
    public let header: BlockHeader
    /// Ed25519 signature of `header.encoded` (64 bytes).
    public let signature: [UInt8]

    public init(header: BlockHeader, signature: [UInt8]) {
        self.header = header
        self.signature = signature
    }

    /// Seals `header` with `key`.
    public static func sign(_ header: BlockHeader, with key: Ed25519SigningKey) -> SignedBlock {
        SignedBlock(header: header, signature: key.sign(header.encoded))
    }

    /// True when the signature verifies under `publicKey`.
    public func hasValidSignature(_ publicKey: Ed25519PublicKey) -> Bool {
        publicKey.isValidSignature(signature, for: header.encoded)
    }
}
