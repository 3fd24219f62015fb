import VaultCrypto

/// What a node signs its ledger with: the origin / note key name and the Ed25519 key (NodeKeys' name and
/// ledger signing key). Holds the matching verifier key so verification uses the same name and id.
public struct LedgerSigner: Sendable {
    /// The origin of checkpoints and the note key name.
    public let name: String
    /// The Ed25519 signing key.
    public let key: Ed25519SigningKey
    /// The verifier key of `name` and `key`.
    public let verifierKey: NoteVerifierKey
    /// The log's key chain, ending with `verifierKey` (a chain of that key alone when the log never rotated).
    public let keyChain: LedgerKeyChain

    /// Throws when `name` is not a valid note key name, or `keyChain` does not end with `key` under `name`.
    public init(name: String, key: Ed25519SigningKey, keyChain: LedgerKeyChain? = nil) throws {
        self.name = name
        self.key = key
        let verifierKey = try NoteVerifierKey(name: name, publicKey: key.publicKey)
        self.verifierKey = verifierKey
        if let keyChain, keyChain.current != verifierKey {
            throw LedgerError.keyChainBroken(link: keyChain.links.count - 1, reason: "the chain does not end with the node's signing key \(verifierKey)")
        }
        self.keyChain = keyChain ?? LedgerKeyChain(root: verifierKey)
    }

    /// The signed checkpoint note for `treeSize` and `root`.
    public func checkpoint(treeSize: UInt64, root: [UInt8]) throws -> SignedNote {
        try Checkpoint(origin: name, treeSize: treeSize, root: root).sign(name: name, key: key)
    }
}
