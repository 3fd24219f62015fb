/// Everything that can go wrong in VaultLedger; cases name the entry index, block height or check that failed.
public enum LedgerError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A note key name contains whitespace or '+', or is empty.
    case invalidKeyName(String)
    /// A verifier key string is malformed or its key id does not match.
    case invalidVerifierKey(String)

    public var description: String {
        switch self {
        case let .invalidKeyName(name): return "invalid note key name \"\(name)\" (no spaces or '+')"
        case let .invalidVerifierKey(text): return "invalid verifier key \"\(text)\""
        }
    }
}
