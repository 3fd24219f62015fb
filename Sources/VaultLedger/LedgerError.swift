/// Everything that can go wrong in VaultLedger; cases name the entry index, block height or check that failed.
public enum LedgerError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A note key name contains whitespace or '+', or is empty.
    case invalidKeyName(String)
    /// A verifier key string is malformed or its key id does not match.
    case invalidVerifierKey(String)

    // MARK: entries
    /// An encoded entry is malformed at `offset`.
    case malformedEntry(offset: Int, reason: String)
    /// An encoded entry or block starts with a version this code does not know.
    case unsupportedVersion(UInt8)
    /// An entry's contents break a rule (empty type, bad attribute key, too large...).
    case invalidEntry(String)
    /// An entry's JSON form is malformed.
    case malformedEntryJSON(String)

    // MARK: Merkle proofs
    /// A leaf index (or old size) is not inside the tree.
    case indexOutOfRange(index: UInt64, treeSize: UInt64)
    /// Tree sizes that cannot go together (old size larger than the new one, zero sizes...).
    case invalidTreeSizes(old: UInt64, new: UInt64)
    /// A tree size larger than the log was asked for.
    case sizeBeyondLog(size: UInt64, treeSize: UInt64)
    /// A proof has the wrong number of hashes.
    case wrongProofSize(expected: Int, actual: Int)
    /// A hash is not 32 bytes.
    case invalidHashLength(Int)
    /// The root recomputed from a proof differs from the expected root.
    case rootMismatch

    // MARK: blocks, notes, checkpoints
    /// An encoded block header is malformed.
    case malformedBlock(String)
    /// A signed note is malformed (reason says where).
    case malformedNote(String)
    /// A signature line of a known key does not verify.
    case invalidNoteSignature(keyName: String)
    /// Fewer known keys signed the note than the threshold requires.
    case notEnoughSignatures(valid: Int, required: Int)
    /// A checkpoint body is malformed.
    case malformedCheckpoint(String)
    /// A checkpoint's origin is not the expected one.
    case wrongOrigin(expected: String, actual: String)

    // MARK: stored ledger
    /// Entry `index` is absent from the store.
    case entryMissing(index: UInt64)
    /// An entry row exists after the last block's tree size.
    case unexpectedEntry(index: UInt64)
    /// The stored leaf hash of entry `index` is not SHA-256(0x00 || its bytes).
    case leafHashMismatch(index: UInt64)
    /// A stored subtree hash differs from the hash recomputed from its entries.
    case subtreeHashMismatch(level: Int, index: UInt64)
    /// A stored subtree hash needed for a proof is absent.
    case subtreeMissing(level: Int, index: UInt64)
    /// Block `height` is absent from the store.
    case blockMissing(height: UInt64)
    /// Block `height` failed the named check (link, signature, tree size, root...).
    case blockInvalid(height: UInt64, check: String)
    /// The stored checkpoint failed the named check.
    case checkpointInvalid(String)
    /// The store refused or failed an operation.
    case storeFailure(String)

    // MARK: key chain (docs/format/key-chain.md)
    /// A key chain's text is malformed at `line` (1-based).
    case keyChainMalformed(line: Int, reason: String)
    /// The chain's first key is not the key the verifier trusts.
    case keyChainUntrustedRoot
    /// Link `link`'s announcing checkpoint is not signed by the previous key.
    case keyAnnouncementUnsigned(link: Int)
    /// Link `link`'s announcing entry is not the last leaf of that checkpoint's tree (its inclusion proof fails).
    case keyAnnouncementNotIncluded(link: Int)
    /// Link `link`'s entry is not a `log.key_rotated` entry naming this key after the previous one.
    case keyNotAnnounced(link: Int)
    /// Link `link` breaks another rule of the chain (name, reused key, sizes).
    case keyChainBroken(link: Int, reason: String)
    /// A checkpoint or block of `treeSize` is signed by a key of the chain that is not the one in force there.
    case keyNotInForce(treeSize: UInt64, expected: String)

    public var description: String {
        switch self {
        case let .invalidKeyName(name): return "invalid note key name \"\(name)\" (no spaces or '+')"
        case let .invalidVerifierKey(text): return "invalid verifier key \"\(text)\""
        case let .malformedEntry(offset, reason): return "malformed entry at byte \(offset): \(reason)"
        case let .unsupportedVersion(version): return "unsupported format version \(version)"
        case let .invalidEntry(reason): return "invalid entry: \(reason)"
        case let .malformedEntryJSON(reason): return "malformed entry JSON: \(reason)"
        case let .indexOutOfRange(index, size): return "index \(index) is outside a tree of size \(size)"
        case let .invalidTreeSizes(old, new): return "tree sizes \(old) and \(new) do not go together"
        case let .sizeBeyondLog(size, treeSize): return "tree size \(size) is beyond the log's \(treeSize) entries"
        case let .wrongProofSize(expected, actual): return "wrong proof size \(actual), want \(expected)"
        case let .invalidHashLength(count): return "a hash has \(count) bytes, want 32"
        case .rootMismatch: return "the recomputed root does not match"
        case let .malformedBlock(reason): return "malformed block: \(reason)"
        case let .malformedNote(reason): return "malformed signed note: \(reason)"
        case let .invalidNoteSignature(name): return "signature of \(name) does not verify"
        case let .notEnoughSignatures(valid, required): return "\(valid) valid signatures of known keys, need \(required)"
        case let .malformedCheckpoint(reason): return "malformed checkpoint: \(reason)"
        case let .wrongOrigin(expected, actual): return "checkpoint origin \"\(actual)\", want \"\(expected)\""
        case let .entryMissing(index): return "entry \(index) missing"
        case let .unexpectedEntry(index): return "entry \(index): present beyond the last block"
        case let .leafHashMismatch(index): return "entry \(index): leaf hash mismatch"
        case let .subtreeHashMismatch(level, index):
            let first = index << UInt64(level), last = ((index + 1) << UInt64(level)) - 1
            return "entries \(first)-\(last): subtree hash mismatch (level \(level), index \(index))"
        case let .subtreeMissing(level, index): return "subtree hash missing (level \(level), index \(index))"
        case let .blockMissing(height): return "block \(height) missing"
        case let .blockInvalid(height, check): return "block \(height): \(check)"
        case let .checkpointInvalid(check): return "checkpoint: \(check)"
        case let .storeFailure(reason): return "ledger store: \(reason)"
        case let .keyChainMalformed(line, reason): return "key chain line \(line): \(reason)"
        case .keyChainUntrustedRoot: return "the key chain does not start with the trusted ledger key"
        case let .keyAnnouncementUnsigned(link): return "key chain link \(link): the announcing checkpoint is not signed by the previous key"
        case let .keyAnnouncementNotIncluded(link): return "key chain link \(link): the announcement is not the last entry of the previous key's checkpoint"
        case let .keyNotAnnounced(link): return "key chain link \(link): the key is not announced by a log.key_rotated entry from the previous key"
        case let .keyChainBroken(link, reason): return "key chain link \(link): \(reason)"
        case let .keyNotInForce(size, expected): return "tree size \(size) must be signed by \(expected), the key the chain puts in force there"
        }
    }
}
