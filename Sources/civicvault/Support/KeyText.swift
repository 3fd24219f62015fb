import Foundation
import VaultLedger

/// Reads verifier keys given on the command line, either as the key string or as a file holding it.
enum KeyText {
    static func text(_ argument: String) -> String {
        guard FileManager.default.fileExists(atPath: argument), let data = FileManager.default.contents(atPath: argument) else { return argument }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A log's note verifier key (algorithm 0x01).
    static func ledger(_ argument: String) throws -> NoteVerifierKey {
        do { return try NoteVerifierKey(parsing: text(argument)) } catch {
            throw CLIFailure("not a note verifier key: \(argument)", hint: "use the contents of the node's node.pub (`civicvault keys show`)")
        }
    }

    /// A witness's cosigner key (algorithm 0x04).
    static func cosigner(_ argument: String) throws -> CosignerKey {
        do { return try CosignerKey(parsing: text(argument)) } catch {
            throw CLIFailure("not a cosigner key: \(argument)", hint: "print it on the witness with `civicvault keys show --cosigner`")
        }
    }
}
