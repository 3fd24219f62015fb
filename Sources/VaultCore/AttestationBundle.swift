import Foundation
import VaultCrypto
import VaultLedger
import VaultProofs

/// The offline, self-contained answer to an attestation request (JSON, docs/FORMAT.md section 6): the statement
/// and proof, the context they are bound to, the ledger entry holding the commitments, its inclusion proof and
/// the signed checkpoint. Anyone with the node's verifier key checks it with `BundleVerifier`, without network
/// or database.
public struct AttestationBundle: Codable, Equatable, Sendable {
    /// Bundle format version (1).
    public var version: Int
    /// The record type (schema) whose fields are attested.
    public var record_type: String
    /// Schema type of each attested field (`date`, `integer`, `enum`, `string`), so the statement can be rebuilt.
    public var field_types: [String: String]
    /// The canonical predicate JSON (as bound in the context).
    public var predicate: String
    /// The requester the proof is for.
    public var requester: String
    /// The requester's nonce (base64, 16-64 bytes).
    public var nonce: String
    /// Expiry, seconds since 1970-01-01 UTC.
    public var expiry: UInt64
    /// Ledger index of the entry holding the commitments.
    public var ledger_index: UInt64
    /// That entry's canonical bytes (base64).
    public var entry: String
    /// Its inclusion proof in the checkpoint's tree.
    public var inclusion: InclusionJSON
    /// The signed checkpoint note, exactly as served.
    public var checkpoint: String
    /// The encoded statement (base64).
    public var statement: String
    /// The proof bytes (base64).
    public var proof: String

    /// An inclusion proof in JSON: tree size, leaf index and base64 hashes.
    public struct InclusionJSON: Codable, Equatable, Sendable {
        public var tree_size: UInt64
        public var leaf_index: UInt64
        public var hashes: [String]
    }

    /// Current bundle version.
    public static let currentVersion = 1

    /// Pretty, stable JSON of the bundle.
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    /// Decodes bundle JSON (unknown versions are refused by the verifier, which names the check).
    public static func decode(_ data: Data) throws -> AttestationBundle {
        do { return try JSONDecoder().decode(AttestationBundle.self, from: data) } catch {
            throw BundleVerifier.Failure(check: "format", detail: "not an attestation bundle")
        }
    }
}
