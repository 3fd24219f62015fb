import VaultLedger

/// The ledger of a log node, whatever the database: what it serves publicly, the key it signs with, a full
/// verification, and the storage of witness cosignatures (one merged note per cosigned tree size).
public protocol NodeLedger: PublicLedger {
    /// Signs blocks and checkpoints under the log's name.
    var signer: LedgerSigner { get }

    /// Verifies every leaf, stored subtree, block and the checkpoint against the signer's verifier key.
    func verify(progress: (UInt64) -> Void) throws -> LedgerVerifier.Summary

    /// The root of the tree of the first `treeSize` entries.
    func root(treeSize: UInt64) throws -> [UInt8]

    /// In one write transaction: if the log has at least `treeSize` entries and their root is `root`, replaces
    /// the stored cosigned note of that size (nil when none) by `merge(stored)` and returns true; returns false,
    /// writing nothing, when that checkpoint is not in the log.
    func updateCosignedNote(treeSize: UInt64, root: [UInt8], _ merge: (String?) throws -> String) throws -> Bool

    /// The stored cosigned notes, newest tree size first, at most `limit`.
    func cosignedNotes(limit: Int) throws -> [String]
}
