import ArgumentParser
import VaultCrypto
import VaultLedger
import VaultSQLite

/// `civicvault ledger entry --index I`: the stored entry as `{"index","entry":<entry JSON>,"leaf_hash"}`.
struct LedgerEntryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "entry", abstract: "Print one entry and its leaf hash.")

    @OptionGroup var dataOptions: DataOptions
    @OptionGroup var keyOptions: KeyOptions
    @Option(help: "Index of the entry.") var index: UInt64

    func run() async throws {
        let output = try dataOptions.readLedger { reader -> String in
            let size = try reader.tip().treeSize
            guard index < size else { throw LedgerError.indexOutOfRange(index: index, treeSize: size) }
            let stored = try reader.entry(at: index)
            let entry = try EntryCodec.decode(stored.bytes)
            return "{\"index\":\(index),\"entry\":\(EntryJSON.encode(entry)),\"leaf_hash\":\"\(Base64.encode(stored.leafHash))\"}"
        }
        print(output)
    }
}
