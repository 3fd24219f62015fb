import ArgumentParser
import Foundation
import VaultCrypto
import VaultLedger
import VaultSQLite

/// `civicvault ledger verify`: recomputes every leaf, stored subtree, block link, signature and root and the
/// checkpoint from the database, with the node's public key (node.pub) or `--verifier-key`. Prints the
/// first failure as `error: entry 17: leaf hash mismatch` and exits 1; on success prints one summary line.
struct LedgerVerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "verify", abstract: "Verify the whole stored ledger.")

    @OptionGroup var dataOptions: DataOptions
    @OptionGroup var keyOptions: KeyOptions
    @Option(help: "Verifier key string <name>+<id>+<key> (default: node.pub in --keys).") var verifierKey: String?
    @Option(help: "The log's key chain (docs/format/key-chain.md; default: ledger.keys in --keys when it exists and no --verifier-key is given).") var keyChain: String?
    @Option(help: "Print progress to stderr every this many entries.") var progressEvery: UInt64 = 100_000
    @Option(name: .customLong("checkpoint"), help: "A signed checkpoint seen earlier (file); the log must still contain it (repeatable).")
    var earlierCheckpoints: [String] = []

    func run() async throws {
        let key: NoteVerifierKey
        do {
            let text = try verifierKey ?? keyOptions.directory.readVerifierKey()
            key = try NoteVerifierKey(parsing: text.trimmingCharacters(in: .whitespacesAndNewlines))
        } catch {
            throw CLIFailure.from(error)
        }
        let chainPath = keyChain ?? (verifierKey == nil && FileManager.default.fileExists(atPath: keyOptions.directory.keyChainFilePath) ? keyOptions.directory.keyChainFilePath : nil)
        let chain = try KeyText.keyChain(chainPath, trusting: key)
        let every = max(progressEvery, 1)
        var nextReport = every
        var earlier: [(path: String, checkpoint: Checkpoint)] = []
        for path in earlierCheckpoints {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw CLIFailure("cannot read the checkpoint file \(path)", hint: "check the path")
            }
            do {
                earlier.append((path, try chain.openCheckpoint(String(decoding: data, as: UTF8.self)).0))
            } catch {
                throw CLIFailure("checkpoint \(path): \(CLIFailure.from(error).message)", hint: "it must be a checkpoint note signed by this node's key")
            }
        }
        let summary = try dataOptions.readLedger { reader in
            let summary = try LedgerVerifier(keyChain: chain).verify(reader) { done in
                if done >= nextReport {
                    FileHandle.standardError.write(Data("verified \(done) entries...\n".utf8))
                    while nextReport <= done { nextReport += every }
                }
            }
            // Every verified row now backs the tree, so an earlier checkpoint is consistent with the log
            // exactly when the tree of its size has its root.
            for (path, checkpoint) in earlier {
                guard checkpoint.treeSize <= summary.treeSize else {
                    throw CLIFailure("checkpoint \(path): size \(checkpoint.treeSize) is beyond the log's \(summary.treeSize) entries",
                                     hint: "the log lost entries it had signed: restore it from a backup")
                }
                guard try reader.root(treeSize: checkpoint.treeSize) == checkpoint.root else {
                    throw CLIFailure("checkpoint \(path): the log's root at size \(checkpoint.treeSize) differs",
                                     hint: "the log was rewritten after that checkpoint was signed")
                }
            }
            return summary
        }
        if !earlier.isEmpty { print("ok: consistent with \(earlier.count) earlier checkpoint(s)") }
        if chain.links.count > 1 { print("ok: \(chain.links.count) ledger keys, each block and checkpoint signed by the key in force at its size") }
        print("ok: \(summary.treeSize) entries, \(summary.blockCount) blocks, checkpoint \(summary.checkpointSize.map(String.init) ?? "none"), root \(Base64.encode(summary.root))")
    }
}
