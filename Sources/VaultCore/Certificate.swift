import Foundation
import VaultCrypto
import VaultLedger

/// A paperless certificate (docs/format/certificate.md): the fields of a record its citizen chose to disclose, each
/// with its value, proven equal to the value committed on the ledger by an attestation bundle (zero-knowledge
/// equality proofs, purpose `certificate`) bound to the holder's verifier and nonce. Offline-verifiable with the
/// node's verifier key; withheld fields appear nowhere (their commitments are hiding). `certificate` is the
/// index of the `attested` entry that issued it; its revocation is a `certificate.revoked` entry, which a
/// `CertificateStatus` proves.
public struct Certificate: Sendable, Encodable {
    public static let version = 1
    public let version: Int
    /// The ledger index of the `attested` entry that issued it.
    public let certificate: UInt64
    /// The department (actor) that wrote the record version it certifies.
    public let issuer: String
    /// Disclosed field -> value (as compared: enum and string values, decimal integers, YYYY-MM-DD dates).
    public let disclosed: [String: String]
    public let bundle: AttestationBundle

    public init(certificate: UInt64, issuer: String, disclosed: [String: String], bundle: AttestationBundle) {
        version = Self.version
        self.certificate = certificate
        self.issuer = issuer
        self.disclosed = disclosed
        self.bundle = bundle
    }

    /// What a verified certificate says.
    public struct Verified: Sendable, Equatable {
        public let certificate: UInt64
        public let issuer: String
        public let recordID: String
        public let recordType: String
        public let disclosed: [String: String]
        public let expiry: UInt64
        /// True when a status proved it was not revoked as of `statusTreeSize`.
        public let revocationChecked: Bool
        public let statusTreeSize: UInt64?
    }

    /// Reads a certificate strictly (each documented member once, no other, integers as integers).
    public static func decode(_ data: Data) throws -> Certificate {
        let top = try StrictJSON.parse(Array(data)).members(
            "certificate", allowed: ["version", "certificate", "issuer", "disclosed", "bundle"], required: ["version", "certificate", "issuer", "disclosed", "bundle"])
        guard try top["version"]!.integer("version", as: Int.self) == version else { throw VaultError.invalidCertificate("unknown version") }
        guard case let .object(members) = top["disclosed"]! else { throw VaultError.malformedJSON("disclosed must be an object") }
        var disclosed: [String: String] = [:]
        for (name, value) in members { disclosed[name] = try value.string("disclosed.\(name)") }
        return Certificate(
            certificate: try top["certificate"]!.integer("certificate", as: UInt64.self), issuer: try top["issuer"]!.string("issuer"),
            disclosed: disclosed, bundle: try AttestationBundle.decode(top["bundle"]!))
    }

    /// Verifies offline: the bundle (signature, inclusion, proofs, bound to `verifier` and `nonce`, not expired at
    /// `now`), that its purpose is `certificate` and its claims are exactly the disclosed values; with `status`
    /// (fetched from the node or a follower), that the issuing entry is this certificate's and no revocation is
    /// proven (a proven one throws `certificateRevoked`).
    public func verify(ledgerKey: NoteVerifierKey, now: UInt64, verifier: String, nonce: [UInt8], status: CertificateStatus?) throws -> Verified {
        func fail(_ why: String) -> VaultError { .invalidCertificate(why) }
        guard version == Self.version else { throw fail("unknown version \(version)") }
        let verified = try BundleVerifier(ledgerKey: ledgerKey).verify(bundle, now: now, expecting: .replay(requester: verifier, nonce: nonce))
        guard bundle.purpose == Vault.certificatePurpose else { throw fail("the bundle's purpose is not certificate") }
        let specs = try PredicateSpec.parseCanonical(bundle.predicate)
        var proven: [String: String] = [:]
        for spec in specs {
            guard spec.kind == "equals", let value = spec.equals, proven[spec.field] == nil else { throw fail("the bundle proves something other than disclosed values") }
            proven[spec.field] = value
        }
        guard proven == disclosed else { throw fail("the disclosed values are not the ones proven") }
        // The issuer is the actor of the record entry the bundle proves against (authenticated by its inclusion).
        guard let entryBytes = Base64.decode(bundle.entry), let entry = try? EntryCodec.decode(entryBytes), entry.actor == issuer else {
            throw fail("the issuer is not the department that wrote the record")
        }
        var checkedAt: UInt64?
        if let status {
            checkedAt = try status.check(certificate: certificate, bundle: bundle, recordID: verified.recordID, ledgerKey: ledgerKey)
        }
        return Verified(
            certificate: certificate, issuer: issuer, recordID: verified.recordID, recordType: verified.recordType, disclosed: disclosed,
            expiry: verified.expiry, revocationChecked: checkedAt != nil, statusTreeSize: checkedAt)
    }
}

/// A certificate's status as `GET /v1/public/certificates/{certificate}` serves it: the issuing `attested` entry
/// and, if revoked, the `certificate.revoked` entry, with inclusion proofs against the signed checkpoint.
public struct CertificateStatus: Sendable, Encodable {
    public let certificate: UInt64
    public let revoked: Bool
    public let checkpoint: String
    public let entries: [ParcelHistory.Entry]

    public init(certificate: UInt64, revoked: Bool, checkpoint: String, entries: [ParcelHistory.Entry]) {
        self.certificate = certificate
        self.revoked = revoked
        self.checkpoint = checkpoint
        self.entries = entries
    }

    public static func decode(_ data: Data) throws -> CertificateStatus {
        let top = try StrictJSON.parse(Array(data)).members(
            "status", allowed: ["certificate", "revoked", "checkpoint", "entries"], required: ["certificate", "revoked", "checkpoint", "entries"])
        guard case let .bool(revoked)? = top["revoked"] else { throw VaultError.malformedJSON("revoked must be a boolean") }
        return CertificateStatus(
            certificate: try top["certificate"]!.integer("certificate", as: UInt64.self), revoked: revoked,
            checkpoint: try top["checkpoint"]!.string("checkpoint"), entries: try ParcelHistory.entries(top["entries"]!))
    }

    /// Checks the status offline for `certificate`: signature, inclusion, the issuing entry binds this bundle's
    /// proof and record; throws `certificateRevoked` when a revocation is proven. Returns the checkpoint's size.
    func check(certificate: UInt64, bundle: AttestationBundle, recordID: String, ledgerKey: NoteVerifierKey) throws -> UInt64 {
        func fail(_ why: String) -> VaultError { .invalidCertificate("status: " + why) }
        guard self.certificate == certificate else { throw fail("it is the status of another certificate") }
        let checkpoint: Checkpoint
        do { checkpoint = try Checkpoint.open(self.checkpoint, keys: [ledgerKey], origin: ledgerKey.name).0 } catch {
            throw fail("the checkpoint's signature does not verify")
        }
        var issued = false
        var revokedAt: UInt64?
        for item in entries {
            guard item.index < checkpoint.treeSize, let bytes = Base64.decode(item.entry) else { throw fail("entry \(item.index) is malformed or beyond the checkpoint") }
            let hashes = try item.proof.map { text throws -> [UInt8] in
                guard let h = Base64.decode(text), h.count == 32 else { throw fail("a proof hash of entry \(item.index) is malformed") }
                return h
            }
            do {
                try InclusionProof(leafIndex: item.index, treeSize: checkpoint.treeSize, hashes: hashes).verify(leafHash: MerkleMath.leafHash(bytes), root: checkpoint.root)
            } catch { throw fail("entry \(item.index) is not in the signed tree") }
            guard let entry = try? EntryCodec.decode(bytes) else { throw fail("entry \(item.index) does not decode") }
            if item.index == certificate {
                guard entry.type == LedgerEntry.Kind.question || entry.type == LedgerEntry.Kind.attested,
                      entry.attributes["purpose"] == .string(Vault.certificatePurpose),
                      entry.attributes["record"] == .string(recordID),
                      case let .bytes(proofHash)? = entry.attributes["proof_hash"], let proof = Base64.decode(bundle.proof),
                      ConstantTime.equals(proofHash, SHA256.hash(proof)) else { throw fail("entry \(item.index) did not issue this certificate") }
                issued = true
            } else if entry.type == LedgerEntry.Kind.certificateRevoked, entry.attributes["certificate"] == .u64(certificate) {
                revokedAt = item.index
            } else {
                throw fail("entry \(item.index) is no part of this certificate's status")
            }
        }
        guard issued else { throw fail("the issuing entry is missing") }
        if let revokedAt { throw VaultError.certificateRevoked(certificate: certificate, at: revokedAt) }
        guard !revoked else { throw fail("it says revoked but proves no revocation") }
        return checkpoint.treeSize
    }
}
