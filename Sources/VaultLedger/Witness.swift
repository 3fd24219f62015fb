import VaultCrypto

/// What a witness remembers: the last checkpoint it cosigned for one log (the note as received).
public struct WitnessState: Codable, Equatable, Sendable {
    public let origin: String
    public let treeSize: UInt64
    /// Base64 root hash.
    public let root: String
    public let note: String

    public init(origin: String, treeSize: UInt64, root: String, note: String) {
        self.origin = origin
        self.treeSize = treeSize
        self.root = root
        self.note = note
    }
}

/// The witness's rule, purely: a new checkpoint is cosigned only if the log signed it, it does not shrink the
/// log, it does not fork it (same size, other root), and a consistency proof links it to the last cosigned one.
public enum Witness {
    /// Why a witness refuses to cosign; a fork or a shrink is evidence of a misbehaving log.
    public enum Refusal: Error, Equatable, Sendable, CustomStringConvertible {
        case badLogSignature(String)
        case wrongOrigin(expected: String, actual: String)
        case shrunk(from: UInt64, to: UInt64)
        case fork(size: UInt64)
        case inconsistent(from: UInt64, to: UInt64, why: String)

        public var description: String {
            switch self {
            case let .badLogSignature(why): return "the checkpoint is not signed by the log: \(why)"
            case let .wrongOrigin(expected, actual): return "checkpoint of \(actual), expected \(expected)"
            case let .shrunk(from, to): return "LOG MISBEHAVIOUR: the log shrank from \(from) to \(to) entries"
            case let .fork(size): return "LOG MISBEHAVIOUR: two different checkpoints for size \(size) (a fork)"
            case let .inconsistent(from, to, why): return "LOG MISBEHAVIOUR: size \(to) is not consistent with the cosigned size \(from): \(why)"
            }
        }

        /// True for refusals that prove the log misbehaved (as opposed to a bad message).
        public var isMisbehaviour: Bool {
            switch self {
            case .shrunk, .fork, .inconsistent: return true
            case .badLogSignature, .wrongOrigin: return false
            }
        }
    }

    /// Checks `note` against the log key and the previous state; `proof` must link previous.treeSize to the new
    /// size (ignored when there is no previous state or the size is unchanged). Returns the parsed note and checkpoint.
    public static func check(
        note text: String, logKey: NoteVerifierKey, previous: WitnessState?, proof: ConsistencyProof?
    ) throws -> (SignedNote, Checkpoint) {
        try check(note: text, keyChain: LedgerKeyChain(root: logKey), previous: previous, proof: proof)
    }

    /// Checks `note` under the key `keyChain` puts in force at its tree size (docs/format/key-chain.md). A key
    /// announced after the previous cosigned size and at or before the new one also needs its announcing
    /// checkpoint linked to the new one: `rotationProofs[size]` from that size (unused when it is the new size).
    public static func check(
        note text: String, keyChain: LedgerKeyChain, previous: WitnessState?, proof: ConsistencyProof?,
        rotationProofs: [UInt64: ConsistencyProof] = [:]
    ) throws -> (SignedNote, Checkpoint) {
        let note: SignedNote, checkpoint: Checkpoint
        do {
            let parsed = try Checkpoint(parsing: try SignedNote(parsing: text).text)
            guard parsed.origin == keyChain.origin else { throw Refusal.wrongOrigin(expected: keyChain.origin, actual: parsed.origin) }
            (checkpoint, note) = try keyChain.openCheckpoint(text)
        } catch let refusal as Refusal { throw refusal } catch { throw Refusal.badLogSignature("\(error)") }
        for link in keyChain.links.dropFirst() where link.signsAfter > (previous?.treeSize ?? 0) && link.signsAfter <= checkpoint.treeSize {
            guard let announced = link.announcement.flatMap({ try? Checkpoint(parsing: SignedNote(parsing: $0.checkpoint).text) }) else {
                throw Refusal.inconsistent(from: link.signsAfter, to: checkpoint.treeSize, why: "the key chain's announcing checkpoint is unreadable")
            }
            if link.signsAfter == checkpoint.treeSize {
                guard announced.root == checkpoint.root else { throw Refusal.fork(size: checkpoint.treeSize) }
                continue
            }
            guard let linkProof = rotationProofs[link.signsAfter], linkProof.oldSize == link.signsAfter, linkProof.treeSize == checkpoint.treeSize else {
                throw Refusal.inconsistent(from: link.signsAfter, to: checkpoint.treeSize, why: "no consistency proof from the key rotation's checkpoint")
            }
            do { try linkProof.verify(oldRoot: announced.root, newRoot: checkpoint.root) } catch {
                throw Refusal.inconsistent(from: link.signsAfter, to: checkpoint.treeSize, why: "key rotation checkpoint: \(error)")
            }
        }
        guard let previous else { return (note, checkpoint) }
        let newRoot = Base64.encode(checkpoint.root)
        if checkpoint.treeSize < previous.treeSize { throw Refusal.shrunk(from: previous.treeSize, to: checkpoint.treeSize) }
        if checkpoint.treeSize == previous.treeSize {
            guard newRoot == previous.root else { throw Refusal.fork(size: checkpoint.treeSize) }
            return (note, checkpoint)
        }
        guard previous.treeSize > 0 else { return (note, checkpoint) }
        guard let proof, proof.oldSize == previous.treeSize, proof.treeSize == checkpoint.treeSize,
              let oldRoot = Base64.decode(previous.root)
        else { throw Refusal.inconsistent(from: previous.treeSize, to: checkpoint.treeSize, why: "no consistency proof for these sizes") }
        do { try proof.verify(oldRoot: oldRoot, newRoot: checkpoint.root) } catch {
            throw Refusal.inconsistent(from: previous.treeSize, to: checkpoint.treeSize, why: "\(error)")
        }
        return (note, checkpoint)
    }
}
