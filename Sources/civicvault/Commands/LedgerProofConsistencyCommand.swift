import ArgumentParser
import VaultCrypto
import VaultLedger
import VaultSQLite

/// `civicvault ledger proof consistency --old M [--size N]`: the proof that the tree of M entries is a
/// prefix of the tree of N (default: the current size) as `{"old_size","tree_size","hashes"}`, base64.
struct LedgerProofConsistencyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "consistency", abstract: "Print a consistency proof.")

    @OptionGroup var dataOptions: DataOptions
    @OptionGroup var keyOptions: KeyOptions
    @Option(help: "The older tree size.") var old: UInt64
    @Option(help: "The newer tree size (default: the current size).") var size: UInt64?

    func validate() throws {
        guard old >= 1 else { throw ValidationError("--old must be at least 1: every tree is consistent with the empty one") }
        if let size, size < old { throw ValidationError("--size must be at least --old") }
    }

    func run() async throws {
        let output = try dataOptions.readLedger { reader -> String in
            let n = try size ?? reader.tip().treeSize
            let proof = try reader.consistencyProof(oldSize: old, treeSize: n)
            let hashes = proof.hashes.map { "\"\(Base64.encode($0))\"" }.joined(separator: ",")
            return "{\"old_size\":\(old),\"tree_size\":\(n),\"hashes\":[\(hashes)]}"
        }
        print(output)
    }
}
