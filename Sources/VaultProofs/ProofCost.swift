/// The exact numbers of group operations that proving and verifying a statement perform (docs/notes/proofs.md §8).
///
/// Derived from the protocols, checked against live counts by the tests, and used by `civicvault-bench proofs`
/// to time the libsodium floor.
public enum ProofCost {
    /// Operations of `Prover.prove` for `statement`.
    public static func prove(_ statement: Statement) -> OperationCount {
        statement.clauses.reduce(OperationCount(hashes: 1)) { total, clause in
            switch clause.predicate {
            case .knowsOpening: return total + OperationCount(variableBase: 1, fixedBase: 1, additions: 1)
            case .equals, .equalsCommitment: return total + OperationCount(variableBase: 1)
            case let .inSet(values):
                let k = values.count
                return total + OperationCount(variableBase: k, fixedBase: k - 1, additions: k - 1)
            case let .atLeast(_, n), let .atMost(_, n): return total + rangeProve(n)
            case let .between(_, _, n): return total + rangeProve(n) + rangeProve(n)
            }
        }
    }

    /// Operations of `Verifier.verify` for `statement` (decoding the proof's points included).
    public static func verify(_ statement: Statement) -> OperationCount {
        statement.clauses.reduce(OperationCount(hashes: 1)) { total, clause in
            switch clause.predicate {
            case .knowsOpening, .equals: return total + OperationCount(variableBase: 2, fixedBase: 1, additions: 2)
            case .equalsCommitment: return total + OperationCount(variableBase: 2, additions: 2)
            case let .inSet(values):
                let k = values.count
                return total + OperationCount(variableBase: 2 * k, fixedBase: k, additions: 2 * k)
            case let .atLeast(_, n), let .atMost(_, n): return total + rangeVerify(n)
            case let .between(_, _, n): return total + rangeVerify(n) + rangeVerify(n)
            }
        }
    }

    /// Length of the Fiat-Shamir transcript that the single SHA-512 of prove and of verify hashes.
    public static func transcriptByteCount(_ statement: Statement, context: ProofContext) -> Int {
        func item(_ label: String, _ length: Int) -> Int { 8 + label.utf8.count + length }
        var total = item("domain", ProofLabels.transcriptDomain.count) + item("protocol", ProofLabels.protocolName.count)
        total += item("version", 1) + item("proof-type", 1) + item("statement", statement.encoded.count) + item("context", context.encoded.count)
        let range = { (n: Int) in n * item("B", 32) + 2 * n * item("A0", 32) + 2 * item("T1", 32) }
        for clause in statement.clauses {
            switch clause.predicate {
            case .knowsOpening, .equals, .equalsCommitment: total += item("A", 32)
            case let .inSet(values): total += values.count * item("A", 32)
            case let .atLeast(_, n), let .atMost(_, n): total += range(n)
            case let .between(_, _, n): total += 2 * range(n)
            }
        }
        return total
    }

    /// Per bit: B (1 base, 1 add), real A (1 base), simulated A (1 base, 1 var, 1 add); link T1, T2.
    private static func rangeProve(_ n: Int) -> OperationCount {
        OperationCount(variableBase: n + 2, fixedBase: 3 * n + 2, additions: 2 * n + 2)
    }

    /// Per bit: B decoded, B - P, A0, A1 (2 base, 2 var, 3 adds); Σ B_i (n - 1 adds); link T1, T2.
    private static func rangeVerify(_ n: Int) -> OperationCount {
        OperationCount(variableBase: 2 * n + 4, fixedBase: 2 * n + 2, additions: 4 * n + 3, validations: n)
    }
}
