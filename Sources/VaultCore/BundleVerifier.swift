import Foundation
import VaultCrypto
import VaultLedger
import VaultProofs

/// Verifies an `AttestationBundle` offline against the ledger's verifier key; names the first check that fails.
///
/// Checks, in order: version, checkpoint signature, context binding to that checkpoint, entry inclusion at the
/// claimed index, entry kind and commitments, statement rebuilt from the predicate, expected requester and
/// nonce, expiry, and finally the zero-knowledge proof.
public struct BundleVerifier: Sendable {
    /// A failed check: its name (`checkpoint-signature`, `inclusion`, `proof`, ...) and what was wrong.
    public struct Failure: Error, Equatable, Sendable, CustomStringConvertible {
        public let check: String
        public let detail: String
        public var description: String { "\(check): \(detail)" }
    }

    /// What a valid bundle proves.
    public struct Verified: Equatable, Sendable {
        public let requester: String
        public let predicate: String
        public let recordType: String
        public let ledgerIndex: UInt64
        public let treeSize: UInt64
        public let expiry: UInt64
    }

    /// The log's note verifier key: it must have signed the checkpoint, whose origin must be its name.
    public let ledgerKey: NoteVerifierKey
    /// Witnesses whose cosignatures count, and how many must have cosigned the checkpoint (0: none needed).
    public let witnesses: [CosignerKey]
    public let witnessThreshold: Int

    public init(ledgerKey: NoteVerifierKey, witnesses: [CosignerKey] = [], witnessThreshold: Int = 0) {
        self.ledgerKey = ledgerKey
        self.witnesses = witnesses
        self.witnessThreshold = witnessThreshold
    }

    /// Verifies `bundle` at time `now` (seconds since 1970 UTC), optionally insisting on a requester and nonce.
    public func verify(_ bundle: AttestationBundle, now: UInt64, requester: String? = nil, nonce: [UInt8]? = nil) throws -> Verified {
        func fail(_ check: String, _ detail: String) -> Failure { Failure(check: check, detail: detail) }
        guard bundle.version == AttestationBundle.currentVersion else { throw fail("version", "unknown bundle version \(bundle.version)") }
        let checkpoint: Checkpoint, note: SignedNote
        do { (checkpoint, note) = try Checkpoint.open(bundle.checkpoint, keys: [ledgerKey], threshold: 1, origin: ledgerKey.name) } catch {
            throw fail("checkpoint-signature", "\(error)")
        }
        if witnessThreshold > 0 {
            do { try Cosignature.verify(note, keys: witnesses, threshold: witnessThreshold) } catch {
                throw fail("witness-cosignatures", "\(error)")
            }
        }
        guard let entryBytes = Base64.decode(bundle.entry), let nonceBytes = Base64.decode(bundle.nonce),
              let statementBytes = Base64.decode(bundle.statement), let proofBytes = Base64.decode(bundle.proof) else {
            throw fail("format", "a base64 field is malformed")
        }
        let hashes = try bundle.inclusion.hashes.map { text -> [UInt8] in
            guard let h = Base64.decode(text), h.count == 32 else { throw fail("format", "an inclusion hash is malformed") }
            return h
        }
        guard bundle.inclusion.leaf_index == bundle.ledger_index, bundle.inclusion.tree_size == checkpoint.treeSize else {
            throw fail("inclusion", "proof is for index \(bundle.inclusion.leaf_index) in size \(bundle.inclusion.tree_size), not index \(bundle.ledger_index) in the checkpoint's size \(checkpoint.treeSize)")
        }
        do {
            try InclusionProof(leafIndex: bundle.ledger_index, treeSize: checkpoint.treeSize, hashes: hashes)
                .verify(leafHash: MerkleMath.leafHash(entryBytes), root: checkpoint.root)
        } catch { throw fail("inclusion", "entry \(bundle.ledger_index) is not in the signed tree: \(error)") }
        let entry: LedgerEntry
        do { entry = try EntryCodec.decode(entryBytes) } catch { throw fail("entry", "\(error)") }
        guard entry.type == LedgerEntry.Kind.recordCreated || entry.type == LedgerEntry.Kind.recordUpdated else {
            throw fail("entry", "entry \(bundle.ledger_index) is a \(entry.type), not a record entry")
        }
        guard case .string(bundle.record_type)? = entry.attributes["type"] else { throw fail("entry", "record type does not match") }
        let specs: [PredicateSpec]
        do { specs = try PredicateSpec.parseCanonical(bundle.predicate) } catch { throw fail("predicate", "\(error)") }
        var commitments: [String: Commitment] = [:]
        for field in PredicateSpec.fields(specs) {
            guard case let .bytes(bytes)? = entry.attributes["commitment." + field], let c = try? Commitment(bytes: bytes) else {
                throw fail("entry", "entry has no valid commitment for \(field)")
            }
            commitments[field] = c
        }
        let statement: Statement
        do { statement = try PredicateSpec.statement(specs, commitments: commitments, fieldTypes: bundle.field_types) } catch {
            throw fail("statement", "\(error)")
        }
        guard statement.encoded == statementBytes else { throw fail("statement", "the statement does not match the predicate and the ledger's commitments") }
        if let requester, requester != bundle.requester { throw fail("requester", "made for \(bundle.requester), not \(requester)") }
        if let nonce, !ConstantTime.equals(nonce, nonceBytes) { throw fail("nonce", "the nonce is not the one expected") }
        let context: ProofContext
        do {
            context = try ProofContext(
                requester: bundle.requester, nonce: nonceBytes, expiry: bundle.expiry, predicate: bundle.predicate,
                ledgerIndex: bundle.ledger_index, checkpointHash: SHA256.hash(Array(bundle.checkpoint.utf8)))
        } catch { throw fail("context", "\(error)") }
        guard now <= bundle.expiry else { throw fail("expiry", "expired at \(bundle.expiry), now \(now)") }
        do { try Verifier.verify(proofBytes, for: statement, context: context, now: now) } catch {
            throw fail("proof", "\(error)")
        }
        return Verified(requester: bundle.requester, predicate: bundle.predicate, recordType: bundle.record_type,
                        ledgerIndex: bundle.ledger_index, treeSize: checkpoint.treeSize, expiry: bundle.expiry)
    }
}
