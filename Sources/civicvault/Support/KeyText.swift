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

    /// The log's key chain from the file at `path` (ledger.keys, or saved from GET /v1/ledger/keys), checked from
    /// `root`, the key the caller trusts; a chain of `root` alone when no file is given.
    static func keyChain(_ path: String?, trusting root: NoteVerifierKey) throws -> LedgerKeyChain {
        guard let path else { return LedgerKeyChain(root: root) }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CLIFailure("cannot read the key chain \(path)", hint: "save it from the node's GET /v1/ledger/keys, or take ledger.keys beside its node.pub")
        }
        return try keyChain(text: String(decoding: data, as: UTF8.self), source: path, trusting: root)
    }

    /// Parses and checks a key chain's text from `source` (a path or URL, for messages).
    static func keyChain(text: String, source: String, trusting root: NoteVerifierKey) throws -> LedgerKeyChain {
        do { return try LedgerKeyChain(parsing: text, trusting: root) } catch let error as LedgerError {
            throw CLIFailure("key chain \(source): \(error)", hint: CLIFailure.hint(for: error))
        }
    }
}
