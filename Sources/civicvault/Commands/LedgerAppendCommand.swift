import ArgumentParser
import Foundation
import VaultCrypto
import VaultCore
import VaultLedger
import VaultSQLite

/// `civicvault ledger append`: appends entries read from standard input, one JSON object a line. Each batch
/// is one durable transaction (one block); its acknowledgement is printed only after it committed.
struct LedgerAppendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "append",
        abstract: "Append entries (JSON lines on stdin); prints {\"first_index\",\"count\",\"tree_size\"} per committed batch.")

    @OptionGroup var dataOptions: DataOptions
    @OptionGroup var keyOptions: KeyOptions

    @Option(help: "Most entries per transaction (a batch also ends when no more input is waiting).")
    var batch: Int = 1000

    func validate() throws {
        guard batch >= 1 else { throw ValidationError("--batch must be at least 1") }
    }

    func run() async throws {
        let keys = try keyOptions.loadNodeKeys()
        let signer: LedgerSigner
        do { signer = try LedgerSigner(name: keys.name, key: keys.signingKey) } catch { throw CLIFailure.from(error) }
        let store = try dataOptions.openLedger(signer: signer)
        let reader = LineReader()
        var pending: [LedgerEntry] = []
        var lineNumber = 0
        var total = 0

        func commit() throws {
            guard !pending.isEmpty else { return }
            let receipt: AppendReceipt
            do { receipt = try store.append(pending) } catch { throw CLIFailure.from(error) }
            pending.removeAll(keepingCapacity: true)
            total += Int(receipt.count)
            let ack = "{\"first_index\":\(receipt.firstIndex),\"count\":\(receipt.count),\"tree_size\":\(receipt.treeSize)}\n"
            FileHandle.standardOutput.write(Data(ack.utf8))
        }

        while let line = try reader.nextLine() {
            lineNumber += 1
            if line.allSatisfy(\.isWhitespace) { continue }
            let entry: LedgerEntry
            do {
                // One reading only: a member twice, a malformed number or text is refused before decoding.
                try StrictJSON.parse(line).requireIntegers("entry", as: UInt64.self)
                entry = try EntryJSON.decode(line)
            } catch {
                try commit()
                let f = CLIFailure.from(error)
                throw CLIFailure("line \(lineNumber): \(f.message)", hint: (f.hint ?? "") + "; lines before it were appended")
            }
            pending.append(entry)
            if pending.count >= batch || !reader.hasBufferedOrReadyInput { try commit() }
        }
        try commit()
        if total == 0 {
            throw CLIFailure("no entries on standard input", hint: #"pipe JSON lines, e.g. echo '{"type":"field.read","timestamp_ms":1,"actor":"a"}' | civicvault ledger append"#)
        }
    }
}
