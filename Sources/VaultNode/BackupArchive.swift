import Foundation
import VaultCrypto
import VaultLedger

/// A backup file: the database snapshot of one node and the signed checkpoint it covers (docs/OPERATIONS.md,
/// "Backups"). Layout:
///
///     civicvault-backup/v1\n
///     <manifest: one line of JSON: backend, node, created_ms, checkpoint (the signed note), payload_bytes, payload_sha256>\n
///     <payload_bytes bytes: an SQLite database file, or a pg_dump custom-format archive>
///
/// The file holds only what the database holds (ciphertext, wrapped keys, commitments, hashes): no key material.
/// Keys are backed up apart from data, sealed for the officers (`civicvault keys export`).
public struct BackupArchive: Equatable, Sendable {
    public static let magic = "civicvault-backup/v1"

    /// Which database the payload is.
    public enum Backend: String, Codable, Sendable {
        case sqlite
        case postgres
    }

    /// What the manifest line says.
    public struct Manifest: Codable, Equatable, Sendable {
        public var backend: Backend
        /// The node's name (checkpoint origin).
        public var node: String
        public var createdMs: UInt64
        /// The signed checkpoint note the snapshot contains (its tree is at least this one).
        public var checkpoint: String
        public var payloadBytes: Int
        /// Lowercase hex SHA-256 of the payload.
        public var payloadSHA256: String

        enum CodingKeys: String, CodingKey {
            case backend, node, checkpoint
            case createdMs = "created_ms"
            case payloadBytes = "payload_bytes"
            case payloadSHA256 = "payload_sha256"
        }
    }

    public var manifest: Manifest
    public var payload: [UInt8]

    /// Why a file is not a usable backup.
    public enum Failure: Error, Equatable, Sendable, CustomStringConvertible {
        case notABackup
        case malformedManifest
        case truncated(expected: Int, actual: Int)
        case payloadHashMismatch

        public var description: String {
            switch self {
            case .notABackup: return "this is not a CivicVault backup (no \(BackupArchive.magic) header)"
            case .malformedManifest: return "the backup's manifest line is malformed"
            case let .truncated(expected, actual): return "the backup is truncated: \(expected) payload bytes announced, \(actual) present"
            case .payloadHashMismatch: return "the backup's payload does not match its SHA-256: the file was altered or damaged"
            }
        }
    }

    /// Assembles an archive, hashing the payload.
    public init(backend: Backend, node: String, createdMs: UInt64, checkpoint: String, payload: [UInt8]) {
        manifest = Manifest(
            backend: backend, node: node, createdMs: createdMs, checkpoint: checkpoint, payloadBytes: payload.count,
            payloadSHA256: Hex.encode(SHA256.hash(payload)))
        self.payload = payload
    }

    /// The file's bytes.
    public func encoded() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array((Self.magic + "\n").utf8) + Array(try encoder.encode(manifest)) + [0x0a] + payload
    }

    /// Reads a backup file, checking its header, manifest, length and payload hash.
    public static func decode(_ bytes: [UInt8]) throws -> BackupArchive {
        let magic = Array((magic + "\n").utf8)
        guard bytes.count >= magic.count, Array(bytes[0..<magic.count]) == magic else { throw Failure.notABackup }
        guard let end = bytes[magic.count...].firstIndex(of: 0x0a) else { throw Failure.malformedManifest }
        let manifest: Manifest
        do { manifest = try JSONDecoder().decode(Manifest.self, from: Data(bytes[magic.count..<end])) } catch { throw Failure.malformedManifest }
        let payload = Array(bytes[(end + 1)...])
        guard payload.count == manifest.payloadBytes else { throw Failure.truncated(expected: manifest.payloadBytes, actual: payload.count) }
        guard ConstantTime.equals(Array(Hex.encode(SHA256.hash(payload)).utf8), Array(manifest.payloadSHA256.utf8)) else {
            throw Failure.payloadHashMismatch
        }
        return BackupArchive(manifest: manifest, payload: payload)
    }

    private init(manifest: Manifest, payload: [UInt8]) {
        self.manifest = manifest
        self.payload = payload
    }
}

/// The checks `civicvault restore` makes before a backup may replace a node's data: the snapshot's whole ledger
/// verifies under the node's key; the checkpoint in the manifest is signed by that key and the snapshot's tree
/// contains it; and every newer checkpoint the node (or a witness) has seen is one the snapshot's tree extends,
/// shown by a consistency proof from the seen tree to the snapshot's. So a backup older than history already
/// published (a rollback), or from a fork, is refused.
public enum BackupCheck {
    /// Why a backup is refused.
    public enum Refusal: Error, Equatable, Sendable, CustomStringConvertible {
        /// The manifest's checkpoint is not signed by the node's key (or is not a checkpoint).
        case checkpointNotSigned(String)
        /// The snapshot does not contain the tree the manifest's checkpoint signs.
        case checkpointNotInSnapshot(treeSize: UInt64)
        /// The snapshot's ledger failed verification.
        case ledgerInvalid(String)
        /// A checkpoint already seen is larger than the backup's tree: restoring would roll history back.
        case olderThanSeen(backupSize: UInt64, seenSize: UInt64, source: String)
        /// A checkpoint already seen is not a prefix of the backup's tree (a fork or a rewritten history).
        case inconsistentWithSeen(seenSize: UInt64, source: String)

        public var description: String {
            switch self {
            case let .checkpointNotSigned(why): return "the backup's checkpoint does not verify under the node's key: \(why)"
            case let .checkpointNotInSnapshot(size): return "the backup's database does not contain the tree of its checkpoint (size \(size))"
            case let .ledgerInvalid(why): return "the backup's ledger does not verify: \(why)"
            case let .olderThanSeen(backupSize, seenSize, source):
                return "the backup (tree size \(backupSize)) is older than a checkpoint already seen (size \(seenSize), from \(source)): restoring it would roll history back"
            case let .inconsistentWithSeen(seenSize, source):
                return "the backup's ledger is not consistent with a checkpoint already seen (size \(seenSize), from \(source)): it is a fork or a rewritten history"
            }
        }
    }

    /// What a successful check established.
    public struct Report: Equatable, Sendable {
        public var treeSize: UInt64
        public var checkpointSize: UInt64
        /// How many seen checkpoints were proven to be contained in the backup's tree.
        public var provenConsistent: Int
    }

    /// Verifies `snapshot` (the backup's ledger) against `manifest` and every seen checkpoint `(note, source)`.
    public static func check<S: TiledLedgerReader>(
        _ snapshot: S, manifest: BackupArchive.Manifest, verifierKey: NoteVerifierKey, seen: [(note: String, source: String)]
    ) throws -> Report {
        try check(snapshot, manifest: manifest, keyChain: LedgerKeyChain(root: verifierKey), seen: seen)
    }

    /// Verifies `snapshot` under the log's key chain: every checkpoint under the key in force at its size, and a
    /// backup from before a rotation the chain records is refused (the node now signs with the newer key).
    public static func check<S: TiledLedgerReader>(
        _ snapshot: S, manifest: BackupArchive.Manifest, keyChain: LedgerKeyChain, seen: [(note: String, source: String)]
    ) throws -> Report {
        let own: Checkpoint
        do { own = try keyChain.openCheckpoint(manifest.checkpoint).0 } catch {
            throw Refusal.checkpointNotSigned(String(describing: error))
        }
        let summary: LedgerVerifier.Summary
        do { summary = try LedgerVerifier(keyChain: keyChain).verify(snapshot) } catch {
            throw Refusal.ledgerInvalid(String(describing: error))
        }
        guard own.treeSize <= summary.treeSize, try snapshot.root(treeSize: own.treeSize) == own.root else {
            throw Refusal.checkpointNotInSnapshot(treeSize: own.treeSize)
        }
        // The newest tree the snapshot proves: its own latest signed checkpoint (verified above) or the manifest's.
        let top = summary.checkpointSize ?? own.treeSize
        let topRoot = try snapshot.root(treeSize: top)
        var proven = 0
        for (note, source) in seen {
            let seenCheckpoint: Checkpoint
            do { seenCheckpoint = try keyChain.openCheckpoint(note).0 } catch {
                throw Refusal.checkpointNotSigned("\(source): \(error)")
            }
            guard seenCheckpoint.treeSize <= top else {
                throw Refusal.olderThanSeen(backupSize: top, seenSize: seenCheckpoint.treeSize, source: source)
            }
            if seenCheckpoint.treeSize == top {
                guard ConstantTime.equals(seenCheckpoint.root, topRoot) else { throw Refusal.inconsistentWithSeen(seenSize: seenCheckpoint.treeSize, source: source) }
            } else if seenCheckpoint.treeSize > 0 {
                let proof = try snapshot.consistencyProof(oldSize: seenCheckpoint.treeSize, treeSize: top)
                do { try proof.verify(oldRoot: seenCheckpoint.root, newRoot: topRoot) } catch {
                    throw Refusal.inconsistentWithSeen(seenSize: seenCheckpoint.treeSize, source: source)
                }
            }
            proven += 1
        }
        return Report(treeSize: summary.treeSize, checkpointSize: own.treeSize, provenConsistent: proven)
    }
}
