import ArgumentParser
import Foundation
import VaultCore
import VaultNode
import VaultCrypto
import VaultSQLite

/// `civicvault attest`: proves predicates about a record for a requester, under the installed policy, and writes
/// the offline bundle. The record's values never leave the vault.
struct AttestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "attest", abstract: "Make a zero-knowledge attestation bundle.")
    @OptionGroup var node: NodeOptions
    @Option(help: "Record id.") var record: String
    @Option(help: #"A predicate as JSON, e.g. '{"field":"birth_date","age_at_least":18}' (asked on the node's today); repeat for AND."#)
    var predicate: [String]
    @Option(help: "The requester the proof is for.") var requester: String
    @Option(help: "Purpose code, checked by policy.") var purpose: String
    @Option(help: "The requester's nonce in hex (16-64 bytes); random when absent.") var nonce: String?
    @Option(help: "Seconds until the proof expires: default one day, at most 30 days (2592000).") var expiresIn: UInt64 = 86_400
    @Flag(help: "An officer approved this request (for rules that need approval).") var approved = false
    @Option(help: "Write the bundle here (else standard output).") var out: String?

    func validate() throws {
        guard (1...BundleVerifier.maxLifetime).contains(expiresIn) else {
            throw ValidationError("--expires-in must be 1...\(BundleVerifier.maxLifetime) seconds (30 days); the default is one day")
        }
    }

    func run() async throws {
        let specs: [PredicateSpec] = try predicate.map { text in
            do { return try PredicateSpec(strict: try StrictJSON.parse(text), path: "--predicate") } catch {
                throw CLIFailure("predicate \(text) is not valid: \(error)", hint: #"e.g. '{"field":"income","below":30000}'"#)
            }
        }
        let nonceBytes: [UInt8]
        if let nonce {
            guard let bytes = Hex.decode(nonce), (16...64).contains(bytes.count) else { throw CLIFailure("--nonce must be 16-64 bytes of hex", hint: "e.g. $(openssl rand -hex 32)") }
            nonceBytes = bytes
        } else {
            nonceBytes = RandomBytes.generate(32)
        }
        let vault = try await node.open().vault
        do {
            let request = AttestationRequest(
                recordID: record, predicates: specs, requester: requester, nonce: nonceBytes,
                expiry: UInt64(Date().timeIntervalSince1970) + expiresIn, purpose: purpose)
            let made = try await vault.attestUnderPolicy(request, by: node.caller, approved: approved)
            let data = try made.bundle.encoded()
            if let out {
                try data.write(to: URL(fileURLWithPath: out))
                print("wrote \(out) (\(data.count) bytes); logged at ledger index \(made.ledgerIndex)")
            } else {
                print(String(decoding: data, as: UTF8.self))
            }
        } catch { throw CLIFailure.from(error) }
    }
}
