import ArgumentParser
import Foundation
import VaultCore
import VaultCrypto
import VaultLedger

/// `civicvault verify <bundle.json> --ledger-key <key> --requester <id> --nonce <hex>`: checks an attestation
/// bundle offline (no database, no network) and prints what it proves: the record, the claims in words, the
/// purpose, the dates the claims refer to and the expiry. Exit 0 only when every check holds; otherwise names the
/// check that failed. The requester and nonce you issued are required, so a copied bundle is refused, unless
/// `--no-replay-check` says you accept one (with a warning).
struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "verify", abstract: "Verify an attestation bundle offline.")
    @Argument(help: "The bundle file.") var bundle: String
    @Option(help: "The node's note verifier key (<name>+<id>+<base64>), or a file containing it (e.g. node.pub).") var ledgerKey: String
    @Option(help: "The log's key chain (saved from GET /v1/ledger/keys, or its ledger.keys), checked from --ledger-key: needed once the log has rotated its key.") var keyChain: String?
    @Option(help: "The requester the bundle must be made for (you).") var requester: String?
    @Option(help: "The nonce you sent with the request (hex).") var nonce: String?
    @Option(help: "Insist the proof is about this record id.") var record: String?
    @Flag(help: "Accept any requester and nonce (a copied or replayed bundle verifies too).") var noReplayCheck = false
    @Option(help: "Verify as of this time (seconds since 1970), default now.") var now: UInt64?
    @Option(help: "A witness's cosigner key or a file holding one; repeat.") var witnessKey: [String] = []
    @Option(help: "How many of the --witness-key witnesses must have cosigned the bundle's checkpoint.") var threshold: Int = 0

    func validate() throws {
        guard threshold >= 0, threshold <= witnessKey.count else { throw ValidationError("--threshold must be between 0 and the number of --witness-key options") }
        if noReplayCheck {
            guard requester == nil, nonce == nil else { throw ValidationError("--no-replay-check goes without --requester and --nonce") }
        } else {
            guard requester != nil, nonce != nil else {
                throw ValidationError("give --requester and --nonce (the ones you sent), or --no-replay-check to accept a replayed bundle")
            }
        }
    }

    func run() async throws {
        let chain = try KeyText.keyChain(keyChain, trusting: try KeyText.ledger(ledgerKey))
        let witnesses = try witnessKey.map { try KeyText.cosigner($0) }
        guard let data = FileManager.default.contents(atPath: bundle) else { throw CLIFailure("cannot read \(bundle)", hint: "check the path") }
        let expectation: BundleVerifier.Expectation
        if let requester, let nonce {
            guard let bytes = Hex.decode(nonce) else { throw CLIFailure("--nonce is not hex", hint: "give the nonce you sent, in hex") }
            expectation = .replay(requester: requester, nonce: bytes, record: record)
        } else {
            FileHandle.standardError.write(Data("warning: --no-replay-check: requester and nonce are not checked, so this bundle may be a copy made for someone else\n".utf8))
            expectation = .noReplayCheck(record: record)
        }
        do {
            let verified = try BundleVerifier(keyChain: chain, witnesses: witnesses, witnessThreshold: threshold).verify(
                try AttestationBundle.decode(data), now: now ?? UInt64(Date().timeIntervalSince1970), expecting: expectation)
            print(Self.report(verified, witnesses: threshold))
        } catch {
            throw CLIFailure("bundle does not verify: \(error.check): \(error.detail)", hint: "ask the requester for a fresh bundle; do not trust this one")
        }
    }

    /// What a verified bundle proves, one fact a line.
    static func report(_ v: BundleVerifier.Verified, witnesses: Int) -> String {
        let expiry = ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: TimeInterval(v.expiry)))
        return """
            ok: every check holds
              record:     \(v.recordID) version \(v.recordVersion) (\(v.recordType))
            \(v.claims.map { "  claim:      \($0)" }.joined(separator: "\n"))
              dates:      \(v.dates.isEmpty ? "none" : v.dates.joined(separator: ", "))
              purpose:    \(v.purpose ?? "not bound (version 1 bundle)")
              requester:  \(v.requester)\(v.replayChecked ? " (requester and nonce checked)" : " (NOT checked: --no-replay-check)")
              expires:    \(expiry) (\(v.expiry))
              ledger:     entry \(v.ledgerIndex) in a signed tree of \(v.treeSize)\(witnesses > 0 ? ", cosigned by at least \(witnesses) witnesses" : "")
            """
    }
}
