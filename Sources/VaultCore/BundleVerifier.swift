import Foundation
import VaultCrypto
import VaultLedger
import VaultProofs

/// Verifies an `AttestationBundle` offline against the ledger's verifier key; names the first check that fails.
///
/// Checks, in order (docs/format/bundle.md): `format`, `version`, `expiry`, `checkpoint-signature`,
/// `witness-cosignatures`, `inclusion`, `entry`, `predicate`, `fields`, `commitments`, `statement`, `record`, `requester`,
/// `nonce`, `context`, `proof`. A verifier must say which requester and nonce it expects (the replay check)
/// unless it asks explicitly for none, and may insist on a record id.
public struct BundleVerifier: Sendable {
    /// A failed check: its name (`checkpoint-signature`, `inclusion`, `proof`, ...) and what was wrong.
    public struct Failure: Error, Equatable, Sendable, CustomStringConvertible {
        public let check: String
        public let detail: String
        public var description: String { "\(check): \(detail)" }

        public init(check: String, detail: String) {
            self.check = check
            self.detail = detail
        }
    }

    /// What the verifier insists on besides the proof: the requester and nonce it issued (unless it explicitly
    /// skips the replay check) and, optionally, the record the proof must be about.
    public struct Expectation: Sendable, Equatable {
        public let requester: String?
        public let nonce: [UInt8]?
        public let record: String?

        /// The bundle must be made for `requester` with `nonce` (and about `record`, when given).
        public static func replay(requester: String, nonce: [UInt8], record: String? = nil) -> Expectation {
            Expectation(requester: requester, nonce: nonce, record: record)
        }

        /// No replay check: any requester and nonce are accepted (a copied bundle verifies too).
        public static func noReplayCheck(record: String? = nil) -> Expectation {
            Expectation(requester: nil, nonce: nil, record: record)
        }

        /// Whether requester and nonce are checked.
        public var checksReplay: Bool { requester != nil }
    }

    /// What a valid bundle proves, each part authenticated: the record (from the ledger entry), the claims, for whom,
    /// why, and until when.
    public struct Verified: Equatable, Sendable {
        public let bundleVersion: Int
        public let requester: String
        /// The purpose bound in the proof; nil for a version 1 bundle, which binds none.
        public let purpose: String?
        public let predicate: String
        /// Each claim in words, in predicate order.
        public let claims: [String]
        /// The dates the claims refer to (`on` of age claims), in predicate order, without repeats.
        public let dates: [String]
        public let recordID: String
        public let recordVersion: UInt64
        public let recordType: String
        public let ledgerIndex: UInt64
        public let treeSize: UInt64
        public let expiry: UInt64
        /// Whether requester and nonce were checked against the verifier's expectation.
        public let replayChecked: Bool
    }

    /// The longest a bundle may live: a verifier refuses an expiry further ahead (and a node makes none).
    public static let maxLifetime: UInt64 = 30 * 86_400
    /// Clock skew allowed between the node that made a bundle and its verifier.
    public static let clockSkew: UInt64 = 300

    /// The log's key chain from its trusted first key: the key in force at the checkpoint's tree size must have
    /// signed it, and the checkpoint's origin must be the log's name.
    public let keyChain: LedgerKeyChain
    /// The log's first (trusted) note verifier key.
    public var ledgerKey: NoteVerifierKey { keyChain.root }
    /// Witnesses whose cosignatures count (each line of one of them must verify), and how many distinct ones must
    /// have cosigned the checkpoint (0: none needed).
    public let witnesses: [CosignerKey]
    public let witnessThreshold: Int

    /// A verifier for a log that never rotated its key.
    public init(ledgerKey: NoteVerifierKey, witnesses: [CosignerKey] = [], witnessThreshold: Int = 0) {
        self.init(keyChain: LedgerKeyChain(root: ledgerKey), witnesses: witnesses, witnessThreshold: witnessThreshold)
    }

    /// A verifier following the log's verified key chain (docs/format/key-chain.md).
    public init(keyChain: LedgerKeyChain, witnesses: [CosignerKey] = [], witnessThreshold: Int = 0) {
        self.keyChain = keyChain
        self.witnesses = witnesses
        self.witnessThreshold = witnessThreshold
    }

    /// Verifies `bundle` at time `now` (seconds since 1970 UTC) with what `expectation` insists on.
    public func verify(_ bundle: AttestationBundle, now: UInt64, expecting expectation: Expectation) throws(Failure) -> Verified {
        func fail(_ check: String, _ detail: String) -> Failure { Failure(check: check, detail: detail) }
        // format: the members of the bundle's version, canonical base64.
        let v2 = bundle.version == 2
        guard AttestationBundle.knownVersions.contains(bundle.version) else { throw fail("version", "unknown bundle version \(bundle.version)") }
        guard v2 ? (bundle.fields != nil && bundle.purpose != nil && bundle.field_types == nil)
                 : (bundle.field_types != nil && bundle.fields == nil && bundle.purpose == nil) else {
            throw fail("format", "the members are not those of a version \(bundle.version) bundle")
        }
        do { try bundle.checkLengths() } catch { throw fail("format", error.description) }
        guard let entryBytes = Base64.decode(bundle.entry), let nonceBytes = Base64.decode(bundle.nonce),
              let statementBytes = Base64.decode(bundle.statement), let proofBytes = Base64.decode(bundle.proof) else {
            throw fail("format", "a base64 member is malformed")
        }
        var hashes: [[UInt8]] = []
        for text in bundle.inclusion.hashes {
            guard let h = Base64.decode(text), h.count == 32 else { throw fail("format", "an inclusion hash is malformed") }
            hashes.append(h)
        }
        guard now <= bundle.expiry else { throw fail("expiry", "expired at \(bundle.expiry), now \(now)") }
        guard bundle.expiry - now <= Self.maxLifetime + Self.clockSkew else {
            throw fail("expiry", "expires \(bundle.expiry - now) s from now; a bundle lives at most \(Self.maxLifetime) s")
        }
        let checkpoint: Checkpoint, note: SignedNote
        do { (checkpoint, note) = try keyChain.openCheckpoint(bundle.checkpoint) } catch {
            throw fail("checkpoint-signature", "\(error)")
        }
        if !witnesses.isEmpty || witnessThreshold > 0 {
            do { _ = try Cosignature.verify(note, keys: witnesses, threshold: witnessThreshold) } catch {
                throw fail("witness-cosignatures", "\(error)")
            }
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
        guard case let .string(recordID)? = entry.attributes["record"], case let .string(recordType)? = entry.attributes["type"],
              case let .u64(recordVersion)? = entry.attributes["version"] else {
            throw fail("entry", "the record entry lacks its record, type or version")
        }
        guard recordType.utf8.elementsEqual(bundle.record_type.utf8) else { throw fail("entry", "record type does not match") }
        let declared: [String: AttestedField] = v2
            ? bundle.fields!.mapValues { AttestedField(type: $0.type, minimum: $0.minimum, maximum: $0.maximum) }
            : bundle.field_types!.mapValues { AttestedField(type: $0) }
        let specs: [PredicateSpec]
        do { specs = try PredicateSpec.parseCanonical(bundle.predicate) } catch { throw fail("predicate", "\(error)") }
        let used = PredicateSpec.fields(specs)
        guard Set(used) == Set(declared.keys) else {
            throw fail("fields", "the declared fields (\(declared.keys.sorted().joined(separator: ","))) are not exactly the predicate's (\(used.sorted().joined(separator: ",")))")
        }
        for (name, field) in declared.sorted(by: { $0.key < $1.key }) {
            guard RecordSchema.fieldTypes.contains(field.type) else { throw fail("fields", "\(name) has unknown type \(field.type)") }
            if v2 {
                let ranged = field.minimum != nil && field.maximum != nil
                let safe = StrictJSON.interoperableIntegers
                guard field.type == "integer"
                    ? ranged && field.minimum! <= field.maximum! && safe.contains(field.minimum!) && safe.contains(field.maximum!)
                    : field.minimum == nil && field.maximum == nil else {
                    throw fail("fields", "\(name): an integer field declares minimum <= maximum, other fields neither")
                }
            }
        }
        var commitments: [String: Commitment] = [:]
        for field in used {
            guard case let .bytes(bytes)? = entry.attributes["commitment." + field], let c = try? Commitment(bytes: bytes) else {
                throw fail("commitments", "the entry has no valid commitment for \(field)")
            }
            commitments[field] = c
        }
        let statement: Statement
        do { statement = try PredicateSpec.statement(specs, commitments: commitments, fields: declared, rules: v2 ? .v2 : .v1) } catch {
            throw fail("statement", "\(error)")
        }
        guard statement.encoded == statementBytes else { throw fail("statement", "the statement does not match the predicate and the ledger's commitments") }
        if let record = expectation.record, !record.utf8.elementsEqual(recordID.utf8) { throw fail("record", "the proof is about record \(recordID), not \(record)") }
        if let requester = expectation.requester, !requester.utf8.elementsEqual(bundle.requester.utf8) { throw fail("requester", "made for \(bundle.requester), not \(requester)") }
        if let nonce = expectation.nonce, !ConstantTime.equals(nonce, nonceBytes) { throw fail("nonce", "the nonce is not the one expected") }
        let context: ProofContext
        do {
            context = try ProofContext(
                requester: bundle.requester, nonce: nonceBytes, expiry: bundle.expiry, predicate: bundle.predicate,
                purpose: v2 ? bundle.purpose : nil,
                fields: v2 ? AttestationBundle.canonicalFields(bundle.fields!) : nil, ledgerIndex: bundle.ledger_index, checkpointHash: SHA256.hash(Array(bundle.checkpoint.utf8)))
        } catch { throw fail("context", "\(error)") }
        do { try Verifier.verify(proofBytes, for: statement, context: context, now: now) } catch {
            throw fail("proof", "\(error)")
        }
        var dates: [String] = []
        for spec in specs { if let on = spec.on, !dates.contains(on) { dates.append(on) } }
        return Verified(
            bundleVersion: bundle.version, requester: bundle.requester, purpose: bundle.purpose, predicate: bundle.predicate,
            claims: specs.map(\.words), dates: dates, recordID: recordID, recordVersion: recordVersion, recordType: recordType,
            ledgerIndex: bundle.ledger_index, treeSize: checkpoint.treeSize, expiry: bundle.expiry, replayChecked: expectation.checksReplay)
    }
}
