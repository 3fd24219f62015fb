import ArgumentParser
import Foundation
import VaultCore
import VaultCrypto

/// `civicvault certificate verify <cert.json> --ledger-key <key> --verifier <id> --nonce <hex> [--status <file>]`:
/// checks a paperless certificate offline; with the status from `GET /v1/public/certificates/{id}`, also that it
/// was not revoked as of that status's checkpoint.
struct CertificateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "certificate", abstract: "Check a paperless certificate offline.", subcommands: [Verify.self])

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Verify a certificate (and its status) offline.")
        @Argument(help: "The certificate (JSON).") var file: String
        @Option(help: "The node's note verifier key (<name>+<id>+<base64>), or a file containing it (e.g. node.pub).") var ledgerKey: String
        @Option(help: "Your verifier id: the certificate must be issued to it.") var verifier: String
        @Option(help: "The nonce you gave the holder (hex).") var nonce: String
        @Option(help: "The certificate's status (JSON from GET /v1/public/certificates/{id}); without it revocation is not checked.") var status: String?

        func run() async throws {
            guard let data = FileManager.default.contents(atPath: file) else { throw CLIFailure("cannot read \(file)", hint: "check the path") }
            guard let nonceBytes = Hex.decode(nonce) else { throw CLIFailure("the nonce is not hex", hint: "give the nonce you sent, in hex") }
            let key = try KeyText.ledger(ledgerKey)
            do {
                let statusValue = try status.map { path -> CertificateStatus in
                    guard let bytes = FileManager.default.contents(atPath: path) else { throw CLIFailure("cannot read \(path)", hint: "check the path") }
                    return try CertificateStatus.decode(bytes)
                }
                let verified = try Certificate.decode(data).verify(
                    ledgerKey: key, now: UInt64(Date().timeIntervalSince1970), verifier: verifier, nonce: nonceBytes, status: statusValue)
                print("certificate \(verified.certificate) verified: issued by \(verified.issuer) about record \(verified.recordID) (\(verified.recordType))")
                for name in verified.disclosed.keys.sorted() { print("  \(name) = \(verified.disclosed[name]!)") }
                if verified.revocationChecked {
                    print("not revoked as of checkpoint \(verified.statusTreeSize ?? 0)")
                } else {
                    FileHandle.standardError.write(Data("warning: revocation not checked (give --status)\n".utf8))
                }
            } catch let failure as CLIFailure { throw failure } catch let failure as BundleVerifier.Failure {
                throw CLIFailure(failure.description, hint: "the certificate was altered, or is for another verifier or nonce, or expired")
            } catch { throw CLIFailure.from(error) }
        }
    }
}
