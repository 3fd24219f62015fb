import Foundation
import VaultLedger

/// The log node's side of witnessing: accepts cosignatures on its own checkpoints and serves the newest
/// checkpoint that enough configured witnesses cosigned (k of n), which is then final.
public struct WitnessedCheckpoints: Sendable {
    /// Why a submitted cosignature is refused.
    public enum Refusal: Error, Equatable, Sendable, CustomStringConvertible {
        case notOurCheckpoint(String)
        case noKnownCosignature
        /// A line of a configured witness does not verify (the whole submission is refused, as FORMAT says).
        case invalidCosignature(witness: String)

        public var description: String {
            switch self {
            case let .notOurCheckpoint(why): return "not a checkpoint of this log: \(why)"
            case .noKnownCosignature: return "no valid cosignature of a configured witness"
            case let .invalidCosignature(witness): return "the cosignature of configured witness \(witness) does not verify"
            }
        }
    }

    let ledger: any NodeLedger
    /// The configured witnesses.
    public let witnesses: [CosignerKey]
    /// How many of them make a checkpoint final.
    public let threshold: Int

    public init(ledger: any NodeLedger, witnesses: [CosignerKey], threshold: Int) {
        self.ledger = ledger
        self.witnesses = witnesses
        self.threshold = threshold
    }

    /// Stores the valid witness lines of `text` (a checkpoint of ours at some size, with cosignature lines);
    /// returns the tree size and the witnesses now on record for it.
    public func submit(_ text: String) throws -> (treeSize: UInt64, witnesses: [String]) {
        let note: SignedNote, checkpoint: Checkpoint
        do {
            (checkpoint, note) = try ledger.signer.keyChain.openCheckpoint(text)
        } catch { throw Refusal.notOurCheckpoint("\(error)") }
        guard checkpoint.origin == ledger.signer.name else { throw Refusal.notOurCheckpoint("origin \(checkpoint.origin)") }
        let valid: [CosignerKey]
        do { valid = try Cosignature.verify(note, keys: witnesses, threshold: 0) } catch let Cosignature.Failure.invalid(witness) {
            throw Refusal.invalidCosignature(witness: witness)
        }
        guard !valid.isEmpty else { throw Refusal.noKnownCosignature }
        let notInLog = Refusal.notOurCheckpoint("size \(checkpoint.treeSize) with this root is not in the log")
        guard checkpoint.treeSize > 0 else { throw notInLog }
        var names: [String] = []
        let inLog = try ledger.updateCosignedNote(treeSize: checkpoint.treeSize, root: checkpoint.root) { stored in
            var merged = try stored.map { try SignedNote(parsing: $0) }
                ?? SignedNote(text: note.text, signatures: note.signatures.filter { $0.name == ledger.signer.name })
            for line in note.signatures where valid.contains(where: { $0.name == line.name && $0.keyID == line.keyID }) {
                merged = SignedNote(text: merged.text, signatures: merged.signatures.filter { $0.name != line.name } + [line])
            }
            names = merged.signatures.map(\.name).filter { name in witnesses.contains { $0.name == name } }
            return merged.serialized
        }
        guard inLog else { throw notInLog }
        return (checkpoint.treeSize, names)
    }

    /// The newest checkpoint with at least `threshold` valid witness cosignatures, as a note, or nil.
    public func latestFinal() throws -> String? {
        let notes = try ledger.cosignedNotes(limit: 64)
        for text in notes {
            guard let note = try? SignedNote(parsing: text), (try? Cosignature.verify(note, keys: witnesses, threshold: threshold)) != nil else { continue }
            return text
        }
        return nil
    }
}
