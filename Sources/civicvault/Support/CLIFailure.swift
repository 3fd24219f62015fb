import Foundation
import VaultCrypto

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
        default: return CLIFailure(String(describing: error))
        }
    }
}
