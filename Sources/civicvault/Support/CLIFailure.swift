import Foundation
import VaultCrypto
import VaultLedger

/// A failure the CLI reports as `error: <what>` and `hint: <what to do>` on standard error, then exits non-zero.
struct CLIFailure: Error {
    let message: String
    let hint: String?
    var exitCode: Int32 = 1

    init(_ message: String, hint: String? = nil, exitCode: Int32 = 1) {
        self.message = message
        self.hint = hint
        self.exitCode = exitCode
    }

    var rendered: String {
        "error: \(message)\n" + (hint.map { "hint: \($0)\n" } ?? "")
    }

    /// Translates errors from the libraries into CLI failures with hints.
    static func from(_ error: any Error) -> CLIFailure {
        switch error {
        case let f as CLIFailure: return f
        case let f as KeyFile.Failure: return CLIFailure(f.description, hint: f.hint)
        case let f as KeyDirectory.Failure:
            switch f {
            case .alreadyExists: return CLIFailure(f.description, hint: "delete the directory yourself if you really mean to start over")
            case .missing: return CLIFailure(f.description, hint: "create keys with `civicvault init --keys <dir>` (or --dev)")
            case .tooOpen: return CLIFailure(f.description, hint: "run `chmod 600` on it and check who could have read it")
            case .io: return CLIFailure(f.description, hint: "check the path and its permissions")
            }
        case let f as LedgerError: return CLIFailure(f.description, hint: hint(for: f))
        default: return CLIFailure(String(describing: error))
        }
    }

    /// What to do about a ledger error.
    static func hint(for error: LedgerError) -> String {
        switch error {
        case .indexOutOfRange, .invalidTreeSizes, .sizeBeyondLog: return "check the index and sizes against `civicvault ledger checkpoint`"
        case .malformedEntryJSON, .invalidEntry, .malformedEntry:
            return #"each line is {"type":..,"timestamp_ms":..,"actor":..,"attributes":{"k":{"string"|"bytes"|"u64":..}}} (docs/FORMAT.md 3.2)"#
        case .entryMissing, .unexpectedEntry, .leafHashMismatch, .subtreeHashMismatch, .subtreeMissing, .blockMissing, .blockInvalid,
            .checkpointInvalid:
            return "the database was altered or damaged; restore it from a backup and compare with published checkpoints"
        default: return "see docs/FORMAT.md section 3"
        }
    }
}
