import ArgumentParser
import Foundation
import VaultCrypto
import VaultLedger

extension KeysCommand {
    /// `civicvault keys rotate-log-key`: a new ledger signing key, announced by a `log.key_rotated` entry that the old
    /// key signs (its own block and checkpoint), then `ledger.keys` (the key chain, docs/format/key-chain.md) and
    /// node.key hold the new key. Run it with the node stopped (every node, on a shared database).
    ///
    /// Resumable: the new key is first written to `node.key.next` (same passphrase or shares); a rerun after a crash
    /// takes the key from there, appends the announcement only if the ledger does not end with it yet, then writes
    /// the chain and renames node.key.next over node.key. While node.key.next exists the node refuses to start.
    struct RotateLogKey: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rotate-log-key", abstract: "Replace the ledger signing key, announced on the ledger under the old key.")
        @OptionGroup var keyOptions: KeyOptions
        @OptionGroup var dataOptions: DataOptions
        @Option(help: "Actor id recorded on the announcement.") var actor: String = "operator"

        func run() async throws {
            let directory = keyOptions.directory
            let (keys, resealer) = try keyOptions.loadNodeKeysForRewrite()
            let root = try wrap { try NoteVerifierKey(parsing: try directory.readVerifierKey()) }
            let chainBefore = try directory.readKeyChain().map { try KeyText.keyChain(text: $0, source: directory.keyChainFilePath, trusting: root) }
            let pendingPath = directory.pendingSecretFilePath
            let next: NodeKeys
            if let pending = FileManager.default.contents(atPath: pendingPath) {
                next = try wrap { try resealer.open([UInt8](pending)) }
                print("resuming the rotation to \(try wrap { try NoteVerifierKey(name: keys.name, publicKey: next.signingKey.publicKey) })")
            } else {
                next = try wrap { try keys.replacingSigningKey(.generate()) }
                try wrap { try directory.writePendingKeyFile(try resealer.seal(next)) }
            }
            let newKey = try wrap { try NoteVerifierKey(name: keys.name, publicKey: next.signingKey.publicKey) }
            if let chainBefore, chainBefore.current == newKey {
                // A crash after the chain was written: only the key file is left to replace.
                try wrap { try directory.commitPendingKeyFile() }
                print("ledger key rotation finished: node.key now holds \(newKey)")
                return
            }
            let oldSigner = try wrap { try LedgerSigner(name: keys.name, key: keys.signingKey, keyChain: chainBefore ?? LedgerKeyChain(root: root)) }
            let store = try dataOptions.openLedger(signer: oldSigner)
            let size = try wrap { try store.treeSize() }
            // The announcement is on the ledger when its last entry announces this key (a crash after the append).
            var announced = false
            if size > 0, let last = try? EntryCodec.decode(try wrap { try store.entry(at: size - 1) }.bytes),
               last.type == LedgerKeyChain.announcementType {
                guard last.attributes["key"] == .string(newKey.description) else {
                    throw CLIFailure("the ledger ends with the announcement of another key", hint: "restore node.key.next from the key export, or ask for help: do not append")
                }
                announced = true
            }
            if !announced {
                let entry = try wrap {
                    try LedgerKeyChain.announcementEntry(previous: oldSigner.verifierKey, next: newKey, actor: actor, timestampMs: UInt64(Date().timeIntervalSince1970 * 1000))
                }
                _ = try wrap { try store.append([entry]) }
            }
            let treeSize = try wrap { try store.treeSize() }
            guard let note = try wrap({ try store.latestCheckpoint() }) else { throw CLIFailure("the ledger has no checkpoint", hint: "check --data") }
            let proof = try wrap { try store.inclusionProof(index: treeSize - 1, treeSize: treeSize) }
            let chain = try wrap {
                try oldSigner.keyChain.appending(newKey, announcement: .init(
                    entry: try store.entry(at: treeSize - 1).bytes, inclusion: proof.hashes, checkpoint: note))
            }
            try wrap { try directory.writeKeyChain(chain.description) }
            try wrap { try directory.commitPendingKeyFile() }
            print("ledger key rotated at tree size \(treeSize): blocks and checkpoints after it are signed by \(newKey)")
            print("the key chain is in \(directory.keyChainFilePath) (served at GET /v1/ledger/keys); node.pub still holds the first key")
        }
    }
}
