import ArgumentParser
import Foundation
import VaultCore
import VaultCrypto
import VaultLedger

/// `civicvault verify <bundle.json> --ledger-key <key>`: checks an attestation bundle offline (no database, no
/// network). Exit 0 only when every check holds; otherwise names the check that failed.
struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "verify", abstract: "Verify an attestation bundle offline.")
    @Argument(help: "The bundle file.") var bundle: String
    @Option(help: "The node's note verifier key (<name>+<id>+<base64>), or a file containing it (e.g. node.pub).") var ledgerKey: String
    @Option(help: "Insist the bundle was made for this requester.") var requester: String?
    @Option(help: "Insist on this nonce (hex).") var nonce: String?
    @Option(help: "Verify as of this time (seconds since 1970), default now.") var now: UInt64?
    @Option(help: "A witness's cosigner key or a file holding one; repeat.") var witnessKey: [String] = []
    @Option(help: "How many of the --witness-key witnesses must have cosigned the bundle's checkpoint.") var threshold: Int = 0

    func validate() throws {
        guard threshold >= 0, threshold <= witnessKey.count else { throw ValidationError("--threshold must be between 0 and the number of --witness-key options") }
    }

    func run() async throws {
        let key = try KeyText.ledger(ledgerKey)
        let witnesses = try witnessKey.map { try KeyText.cosigner($0) }
        guard let data = FileManager.default.contents(atPath: bundle) else { throw CLIFailure("cannot read \(bundle)", hint: "check the path") }
        var nonceBytes: [UInt8]?
        if let nonce {
            guard let bytes = Hex.decode(nonce) else { throw CLIFailure("--nonce is not hex", hint: "give the nonce you sent, in hex") }
            nonceBytes = bytes
        }
        do {
            let verified = try BundleVerifier(ledgerKey: key, witnesses: witnesses, witnessThreshold: threshold).verify(
                try AttestationBundle.decode(data), now: now ?? UInt64(Date().timeIntervalSince1970), requester: requester, nonce: nonceBytes)
            print("ok: \(verified.predicate) holds for a \(verified.recordType) record (ledger entry \(verified.ledgerIndex) in a tree of \(verified.treeSize)), for \(verified.requester), until \(verified.expiry)")
        } catch let failure as BundleVerifier.Failure {
            throw CLIFailure("bundle does not verify: \(failure.check): \(failure.detail)", hint: "ask the requester for a fresh bundle; do not trust this one")
        } catch { throw CLIFailure.from(error) }
    }
}
