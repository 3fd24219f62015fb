import Foundation
import VaultCrypto

/// The citizen's trail on the public ledger: every entry about a citizen carries a tag only that citizen and the
/// node can compute, `tag_n = HMAC-SHA-256(K_citizen, u64be(n))` for the citizen's n-th event (n = 0, 1, 2, ...),
/// with `K_citizen = HMAC-SHA-256(K_trail, pseudonym)` and `K_trail` a subkey of the node's pseudonym key (so
/// K_citizen derives from that key and the national id). Tags of one citizen look random and unrelated to anyone
/// without K_citizen; the citizen (or a browser, with WebCrypto) walks n and checks the log is complete.
///
/// A record's first entry also carries `citizen_box`, its pseudonym sealed under a subkey of the KEK (AAD: the
/// record id), so the node can rebuild every citizen's trail from the verified ledger alone.
public struct CitizenTrail: Sendable {
    let trailKey: SecureBytes
    let boxKey: SecureBytes

    /// The trail keys of the node with `keys`.
    public init(keys: NodeKeys) {
        trailKey = HMACSHA256.deriveKey(from: keys.pseudonymKey, purpose: "citizen-trail")
        boxKey = HMACSHA256.deriveKey(from: keys.derivationRoot, purpose: "citizen-box")
    }

    /// K_citizen of the citizen with `pseudonym`: what `GET /v1/citizens/me/trail-key` gives that citizen.
    public func citizenKey(_ pseudonym: Pseudonym) -> SecureBytes { HMACSHA256.secretMAC(pseudonym.bytes, key: trailKey) }

    /// tag_n of the citizen with `pseudonym`.
    public func tag(_ pseudonym: Pseudonym, _ n: UInt64) -> [UInt8] { Self.tag(key: citizenKey(pseudonym), n) }

    /// tag_n under a citizen key (what the citizen computes).
    public static func tag(key: SecureBytes, _ n: UInt64) -> [UInt8] {
        HMACSHA256.mac((0..<8).map { UInt8((n >> (56 - 8 * UInt64($0))) & 0xff) }, key: key)
    }

    /// The pseudonym of record `recordID`, sealed for its `record.created` entry (random nonce: never the same twice).
    func seal(_ pseudonym: Pseudonym, recordID: String) throws -> [UInt8] {
        try Envelope.seal(pseudonym.bytes, key: boxKey, associatedData: AssociatedData.make(VaultLabels.citizenBox, [recordID]))
    }

    /// A transfer buyer's national id, sealed for the `transfer.opened` entry (only the node opens it, to write the
    /// new title's owner reference when the transfer executes).
    func sealBuyer(_ nationalID: String, transferID: String) throws -> [UInt8] {
        try Envelope.seal(Array(nationalID.utf8), key: boxKey, associatedData: AssociatedData.make(VaultLabels.transferBuyer, [transferID]))
    }

    /// The national id sealed by `sealBuyer`, or nil.
    func openBuyer(_ box: [UInt8], transferID: String) -> String? {
        guard let opened = try? Envelope.open(box, key: boxKey, associatedData: AssociatedData.make(VaultLabels.transferBuyer, [transferID])) else { return nil }
        return String(bytes: opened.unsafeCopy(), encoding: .utf8)
    }

    /// The pseudonym sealed in a `citizen_box`, or nil when it does not open for this record.
    func open(_ box: [UInt8], recordID: String) -> Pseudonym? {
        guard let opened = try? Envelope.open(box, key: boxKey, associatedData: AssociatedData.make(VaultLabels.citizenBox, [recordID])) else { return nil }
        return Pseudonym(bytes: opened.unsafeCopy())
    }
}

extension Vault {
    /// The citizen key (K_citizen) of the citizen with this pseudonym, for the citizen's own token.
    public func trailKey(citizen: Pseudonym, by caller: Caller) async throws -> SecureBytes {
        try await store.read { tx in try authorize(caller, [.citizen], tx, action: "read a trail key") }
        return anchor.trail.citizenKey(citizen)
    }

    /// The index of the entry carrying `tag`, from the verified ledger (brought up to date first).
    public func ledgerIndex(ofTag tag: [UInt8]) async throws -> UInt64? {
        try await store.read { _ in anchor.withState { $0.tags[tag] } }
    }
}
