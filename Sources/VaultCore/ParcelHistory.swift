import Foundation
import VaultCrypto
import VaultLedger

/// A parcel's public history as `GET /v1/public/parcels/{parcel}` serves it (docs/format/parcel-history.md): the
/// public fields of its current title, the ledger entries of its history with inclusion proofs, and the signed
/// checkpoint. `verify` checks it offline with the node's verifier key alone: the checkpoint's signature, every
/// entry's inclusion, that the entries form the parcel's chain (registered, then each executed transfer naming
/// the previous title), that the last title's record entry is there, and that the fields hash to what the last
/// chain entry recorded. It never names the owner: titles are records whose entries carry tags, not ids.
public struct ParcelHistory: Sendable, Equatable, Encodable {
    public struct Entry: Sendable, Equatable, Encodable {
        public let index: UInt64
        /// The entry's canonical bytes, base64.
        public let entry: String
        /// The inclusion proof's hashes, base64.
        public let proof: [String]
    }

    public let parcel: String
    /// The current title record.
    public let record: String
    /// The public-tier fields of the current title (empty when it is shredded).
    public let fields: [String: JSONValue]
    /// The signed checkpoint note the proofs are against.
    public let checkpoint: String
    public let entries: [Entry]

    public init(parcel: String, record: String, fields: [String: JSONValue], checkpoint: String, entries: [Entry]) {
        self.parcel = parcel
        self.record = record
        self.fields = fields
        self.checkpoint = checkpoint
        self.entries = entries
    }

    /// What a verified history says.
    public struct Verified: Sendable, Equatable {
        public let parcel: String
        public let record: String
        public let treeSize: UInt64
        /// The chain, oldest first: "registered at 12 (title r-...)", "transferred at 40 under rule ... (title r-...)".
        public let events: [String]
        public let transfers: Int
    }

    /// SHA-256 over a label and the canonical JSON (sorted keys) of the public fields.
    public static func publicHash(_ fields: [String: JSONValue]) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let json = (try? encoder.encode(fields)) ?? Data()
        return SHA256.hash(Array("CivicVault/v1/parcel-public\n".utf8) + Array(json))
    }

    /// Reads a history strictly (each documented member once, no other, integers as integers).
    public static func decode(_ data: Data) throws(VaultError) -> ParcelHistory {
        let top = try StrictJSON.parse(Array(data)).members(
            "history", allowed: ["parcel", "record", "fields", "checkpoint", "entries"], required: ["parcel", "record", "fields", "checkpoint", "entries"])
        guard case let .object(members) = top["fields"]! else { throw .malformedJSON("fields must be an object") }
        var fields: [String: JSONValue] = [:]
        for (name, value) in members {
            switch value {
            case let .string(s): fields[name] = .string(s)
            case .number: fields[name] = .integer(try value.integer("fields.\(name)", as: Int64.self))
            default: throw .malformedJSON("fields.\(name) must be a string or an integer")
            }
        }
        let entries = try Self.entries(top["entries"]!)
        return ParcelHistory(
            parcel: try top["parcel"]!.string("parcel"), record: try top["record"]!.string("record"), fields: fields,
            checkpoint: try top["checkpoint"]!.string("checkpoint"), entries: entries)
    }

    /// Reads a strict array of `{"index", "entry", "proof"}` (also a certificate status's entries).
    static func entries(_ json: StrictJSON) throws(VaultError) -> [Entry] {
        try json.array("entries").enumerated().map { i, item throws(VaultError) -> Entry in
            let m = try item.members("entries[\(i)]", allowed: ["index", "entry", "proof"], required: ["index", "entry", "proof"])
            return Entry(
                index: try m["index"]!.integer("entries[\(i)].index", as: UInt64.self), entry: try m["entry"]!.string("entries[\(i)].entry"),
                proof: try m["proof"]!.array("entries[\(i)].proof").map { h throws(VaultError) in try h.string("entries[\(i)].proof") })
        }
    }

    /// Verifies the history offline against `ledgerKey` (see the type's documentation).
    public func verify(ledgerKey: NoteVerifierKey) throws -> Verified {
        func fail(_ why: String) -> VaultError { .invalidParcelHistory(why) }
        let checkpoint: Checkpoint
        do { checkpoint = try Checkpoint.open(self.checkpoint, keys: [ledgerKey], origin: ledgerKey.name).0 } catch {
            throw fail("the checkpoint's signature does not verify with \(ledgerKey.name)")
        }
        var decoded: [(UInt64, LedgerEntry)] = []
        var last: UInt64?
        for item in entries {
            guard last.map({ item.index > $0 }) ?? true else { throw fail("entries must be in ascending index order") }
            last = item.index
            guard item.index < checkpoint.treeSize else { throw fail("entry \(item.index) is beyond the checkpoint's size \(checkpoint.treeSize)") }
            guard let bytes = Base64.decode(item.entry) else { throw fail("entry \(item.index) is not base64") }
            let hashes = try item.proof.map { text throws -> [UInt8] in
                guard let h = Base64.decode(text), h.count == 32 else { throw fail("proof of entry \(item.index) has a malformed hash") }
                return h
            }
            do {
                try InclusionProof(leafIndex: item.index, treeSize: checkpoint.treeSize, hashes: hashes)
                    .verify(leafHash: MerkleMath.leafHash(bytes), root: checkpoint.root)
            } catch { throw fail("entry \(item.index) is not in the signed tree") }
            guard let entry = try? EntryCodec.decode(bytes) else { throw fail("entry \(item.index) does not decode") }
            decoded.append((item.index, entry))
        }
        func string(_ e: LedgerEntry, _ key: String) -> String? { if case let .string(s)? = e.attributes[key] { return s }; return nil }
        func bytes(_ e: LedgerEntry, _ key: String) -> [UInt8]? { if case let .bytes(b)? = e.attributes[key] { return b }; return nil }
        var events: [String] = []
        var title: String?
        var publicHash: [UInt8]?
        var transfers = 0
        let chain = decoded.filter { [LedgerEntry.Kind.parcelRegistered, LedgerEntry.Kind.transferExecuted].contains($0.1.type) }
        for (index, entry) in chain {
            if entry.type == LedgerEntry.Kind.parcelRegistered {
                guard title == nil, string(entry, "parcel") == parcel, let record = string(entry, "record"), let hash = bytes(entry, "public_hash") else {
                    throw fail("entry \(index) is not this parcel's first registration")
                }
                (title, publicHash) = (record, hash)
                events.append("registered at \(index) (title \(record))")
            } else {
                guard let current = title, string(entry, "parcel") == parcel, string(entry, "previous") == current,
                      let record = string(entry, "record"), let hash = bytes(entry, "public_hash") else {
                    throw fail("entry \(index) is not a transfer of this parcel's current title")
                }
                (title, publicHash) = (record, hash)
                transfers += 1
                var version = "?"
                if case let .u64(v)? = entry.attributes["rule_version"] { version = String(v) }
                events.append("transferred at \(index) under rule \(string(entry, "rule") ?? "?") v\(version) (title \(record))")
            }
        }
        for (index, entry) in decoded where !chain.contains(where: { $0.0 == index }) {
            guard [LedgerEntry.Kind.recordCreated, LedgerEntry.Kind.recordUpdated, LedgerEntry.Kind.recordShredded].contains(entry.type) else {
                throw fail("entry \(index) (\(entry.type)) is no part of a parcel's history")
            }
            guard title != nil, string(entry, "record") == title, entry.type == LedgerEntry.Kind.recordShredded || string(entry, "type") == Vault.titleType else {
                throw fail("entry \(index) is about another record than the current title")
            }
            events.append("\(entry.type) of the title at \(index)")
        }
        guard let title, title == record, let publicHash else { throw fail("the chain does not end at title \(record)") }
        guard decoded.contains(where: { string($0.1, "record") == title && $0.1.type.hasPrefix("record.") }) else {
            throw fail("the current title's record entry is missing")
        }
        if !fields.isEmpty, !ConstantTime.equals(Self.publicHash(fields), publicHash) {
            throw fail("the public fields do not hash to what the ledger recorded")
        }
        return Verified(parcel: parcel, record: record, treeSize: checkpoint.treeSize, events: events, transfers: transfers)
    }
}
