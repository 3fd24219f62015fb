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
    @Option(help: "Print progress to stderr every this many entries.") var progressEvery: UInt64 = 100_000

    func run() async throws {
        let key: NoteVerifierKey
        do {
            let text = try verifierKey ?? keyOptions.directory.readVerifierKey()
            key = try NoteVerifierKey(parsing: text.trimmingCharacters(in: .whitespacesAndNewlines))
        } catch {
            throw CLIFailure.from(error)
        }
        let every = max(progressEvery, 1)
        var nextReport = every
        let summary = try dataOptions.readLedger { reader in
            try LedgerVerifier(verifierKey: key).verify(reader) { done in
                if done >= nextReport {
                    FileHandle.standardError.write(Data("verified \(done) entries...\n".utf8))
                    while nextReport <= done { nextReport += every }
                }
            }
        }
        print("ok: \(summary.treeSize) entries, \(summary.blockCount) blocks, checkpoint \(summary.checkpointSize.map(String.init) ?? "none"), root \(Base64.encode(summary.root))")
    }
}
