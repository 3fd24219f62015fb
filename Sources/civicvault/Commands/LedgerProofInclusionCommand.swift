import ArgumentParser
import VaultCrypto
import VaultLedger
import VaultSQLite

/// `civicvault ledger proof inclusion --index I [--size N]`: the audit path of entry I in the tree of N
/// entries (default: the current size) as `{"tree_size","leaf_index","leaf_hash","hashes"}`, hashes base64.
struct LedgerProofInclusionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "inclusion", abstract: "Print an inclusion proof.")

    @OptionGroup var dataOptions: DataOptions
    @OptionGroup var keyOptions: KeyOptions
    @Option(help: "Index of the entry.") var index: UInt64
    @Option(help: "Tree size (default: the current size).") var size: UInt64?

    func run() async throws {
        let output = try dataOptions.readLedger { reader -> String in
            let n = try size ?? reader.tip().treeSize
            let proof = try reader.inclusionProof(index: index, treeSize: n)
            let leaf = try reader.entry(at: index).leafHash
            let hashes = proof.hashes.map { "\"\(Base64.encode($0))\"" }.joined(separator: ",")
            return "{\"tree_size\":\(n),\"leaf_index\":\(index),\"leaf_hash\":\"\(Base64.encode(leaf))\",\"hashes\":[\(hashes)]}"
        }
        print(output)
    }
}
