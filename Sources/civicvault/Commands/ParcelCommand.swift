import ArgumentParser
import Foundation
import VaultCore

/// `civicvault parcel verify <history.json> --ledger-key <key>`: checks a parcel's public history (what
/// `GET /v1/public/parcels/{parcel}` serves) offline, with the node's verifier key and nothing else.
struct ParcelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parcel", abstract: "Check a land parcel's public history offline.", subcommands: [Verify.self])

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Verify a parcel history against its signed checkpoint, offline.")
        @Argument(help: "The history (JSON from GET /v1/public/parcels/{parcel}), or - for standard input.") var file: String
        @Option(help: "The node's note verifier key (<name>+<id>+<base64>), or a file containing it (e.g. node.pub).") var ledgerKey: String

        func run() async throws {
            let data = file == "-" ? FileHandle.standardInput.readDataToEndOfFile() : FileManager.default.contents(atPath: file)
            guard let data else { throw CLIFailure("cannot read \(file)", hint: "check the path") }
            let key = try KeyText.ledger(ledgerKey)
            do {
                let verified = try ParcelHistory.decode(data).verify(ledgerKey: key)
                print("parcel \(verified.parcel): history verified against checkpoint \(verified.treeSize) (\(verified.transfers) transfers); current title \(verified.record)")
                for event in verified.events { print("  \(event)") }
            } catch { throw CLIFailure.from(error) }
        }
    }
}
