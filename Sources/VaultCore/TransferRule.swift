import Foundation
import VaultCrypto
import VaultLedger

/// A declarative, versioned rule saying when a transfer of a title completes (docs/format/transfer-rule.md): the
/// conditions, who gives each (the seller or the buyer through their citizen tokens, or members of a role whose
/// actor ids match a pattern), which integer field must be zero (encumbrances), and how long a transfer may stay
/// open. Installed on the ledger (`rule.changed`, with its canonical JSON and hash); a transfer keeps the version
/// it opened under, and the node executes it itself when the last condition is met.
public struct TransferRule: Sendable, Equatable {
    /// One condition: its id, and who gives it: `seller`, `buyer`, or an actor pattern (exact, or a prefix ending
    /// in `*`) of members of `role`.
    public struct Condition: Sendable, Equatable {
        public let id: String
        public let by: String
        public let role: Role?

        /// True when `by` names a party (a citizen) rather than members.
        public var byParty: Bool { by == "seller" || by == "buyer" }

        func matches(actor: String) -> Bool { by.hasSuffix("*") ? actor.hasPrefix(String(by.dropLast())) : actor == by }
    }

    public let id: String
    public let version: Int
    /// The record type transferred (`title`).
    public let recordType: String
    public let conditions: [Condition]
    /// The integer field that must be 0 for the transfer to execute (nil: none).
    public let unencumbered: String?
    public let expiresHours: Int

    public static let maxConditions = 16
    public static let hours = 1...8760

    /// Parses a rule strictly: each documented member once and no other, integers as integers, ids as codes.
    public static func parse(_ data: Data) throws -> TransferRule {
        func fail(_ why: String) -> VaultError { .invalidTransferRule(why) }
        let top: [String: StrictJSON]
        do {
            top = try StrictJSON.parse(Array(data)).members(
                "rule", allowed: ["id", "version", "record_type", "conditions", "unencumbered", "expires_hours"],
                required: ["id", "version", "record_type", "conditions", "expires_hours"])
        } catch { throw fail(error.description) }
        do {
            let id = try top["id"]!.string("id")
            let version = try top["version"]!.integer("version", as: Int.self)
            let recordType = try top["record_type"]!.string("record_type")
            let hours = try top["expires_hours"]!.integer("expires_hours", as: Int.self)
            let unencumbered = try top["unencumbered"].map { j throws(VaultError) in try j.string("unencumbered") }
            var conditions: [Condition] = []
            for (i, item) in try top["conditions"]!.array("conditions").enumerated() {
                let m = try item.members("conditions[\(i)]", allowed: ["id", "by", "role"], required: ["id", "by"])
                let cid = try m["id"]!.string("conditions[\(i)].id"), by = try m["by"]!.string("conditions[\(i)].by")
                let roleName = try m["role"].map { j throws(VaultError) in try j.string("conditions[\(i)].role") }
                guard RecordSchema.isIdentifier(cid) else { throw fail("condition id \"\(cid.prefix(48))\" must be 1-48 characters of a-z 0-9 _") }
                guard !conditions.contains(where: { $0.id == cid }) else { throw fail("condition \(cid) is declared twice") }
                let role: Role?
                if by == "seller" || by == "buyer" {
                    guard roleName == nil else { throw fail("condition \(cid): a party (\(by)) gives it with their citizen token; drop role") }
                    role = nil
                } else {
                    guard let roleName, let r = Role(rawValue: roleName), r == .department || r == .officer else {
                        throw fail("condition \(cid): by \"\(by.prefix(64))\" needs role department or officer")
                    }
                    let stem = by.hasSuffix("*") ? String(by.dropLast()) : by
                    guard !stem.isEmpty, LedgerEntry.isValidIdentifier(stem) else { throw fail("condition \(cid): by must be seller, buyer, an actor id or a prefix ending in *") }
                    role = r
                }
                conditions.append(Condition(id: cid, by: by, role: role))
            }
            guard LedgerEntry.isValidIdentifier(id) else { throw fail("id must be 1-64 characters of a-z 0-9 . _ -") }
            guard version >= 1 else { throw fail("version must be at least 1") }
            guard RecordSchema.isIdentifier(recordType) || LedgerEntry.isValidIdentifier(recordType) else { throw fail("record_type must be a record type") }
            guard (1...maxConditions).contains(conditions.count) else { throw fail("1...\(maxConditions) conditions") }
            guard self.hours.contains(hours) else { throw fail("expires_hours must be \(self.hours.lowerBound)...\(self.hours.upperBound)") }
            if let unencumbered, !RecordSchema.isIdentifier(unencumbered) { throw fail("unencumbered must name a field") }
            return TransferRule(id: id, version: version, recordType: recordType, conditions: conditions, unencumbered: unencumbered, expiresHours: hours)
        } catch let error as VaultError {
            if case .invalidTransferRule = error { throw error }
            throw fail(error.description)
        }
    }

    /// The canonical JSON (members in a fixed order, no spaces): what the ledger records and hashes.
    public var canonicalJSON: String {
        let conditions = CanonicalJSON.array(self.conditions.map { c in
            CanonicalJSON.object([("id", CanonicalJSON.string(c.id)), ("by", CanonicalJSON.string(c.by))] + (c.role.map { [("role", CanonicalJSON.string($0.rawValue))] } ?? []))
        })
        return CanonicalJSON.object(
            [("id", CanonicalJSON.string(id)), ("version", String(version)), ("record_type", CanonicalJSON.string(recordType)), ("conditions", conditions)]
                + (unencumbered.map { [("unencumbered", CanonicalJSON.string($0))] } ?? []) + [("expires_hours", String(expiresHours))])
    }

    /// SHA-256 of the canonical JSON.
    public var hash: [UInt8] { SHA256.hash(Array(canonicalJSON.utf8)) }

    /// How long a transfer under this rule stays open, in milliseconds.
    public var windowMs: UInt64 { UInt64(expiresHours) * 3_600_000 }

    /// The condition `id`, or nil.
    public func condition(_ id: String) -> Condition? { conditions.first { $0.id == id } }
}
