import Foundation
import VaultCrypto
import VaultLedger
import VaultProofs

/// The offline, self-contained answer to an attestation request (JSON, docs/format/bundle.md): the statement
/// and proof, the context they are bound to, the ledger entry holding the commitments, its inclusion proof and
/// the signed checkpoint. Anyone with the node's verifier key checks it with `BundleVerifier`, without network
/// or database.
///
/// Version 2 (made now) declares each attested field with its range (`fields`) and binds the purpose; version 1
/// bundles (`field_types`, no purpose) made before keep verifying. `decode` reads a bundle one way only.
public struct AttestationBundle: Codable, Equatable, Sendable {
    /// Bundle format version (2; 1 for bundles made before).
    public var version: Int
    /// The record type (schema) whose fields are attested.
    public var record_type: String
    /// Version 1 only: the schema type of each attested field.
    public var field_types: [String: String]?
    /// Version 2: the declaration of each attested field (type, and an integer field's range), exactly the fields
    /// the predicate names, so the statement can be rebuilt.
    public var fields: [String: FieldJSON]?
    /// The canonical predicate JSON (as bound in the context).
    public var predicate: String
    /// Version 2: why it was asked (bound in the context).
    public var purpose: String?
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

    /// An attested field's declaration: `{"type": ...}`, with `minimum` and `maximum` for an integer field.
    public struct FieldJSON: Codable, Equatable, Sendable {
        public var type: String
        public var minimum: Int64?
        public var maximum: Int64?

        public init(_ field: AttestedField) {
            type = field.type
            minimum = field.minimum
            maximum = field.maximum
        }

        /// Canonical JSON: `{"maximum":M,"minimum":m,"type":"integer"}` or `{"type":"..."}`.
        public var canonicalJSON: String {
            var members = [("type", CanonicalJSON.string(type))]
            if let minimum { members.append(("minimum", String(minimum))) }
            if let maximum { members.append(("maximum", String(maximum))) }
            return CanonicalJSON.object(members)
        }
    }

    /// The canonical JSON of a version 2 bundle's `fields` (members sorted by name, each declaration canonical): what
    /// its proof context binds, so every member of the bundle is authenticated.
    public static func canonicalFields(_ fields: [String: FieldJSON]) -> String {
        CanonicalJSON.object(fields.map { ($0.key, $0.value.canonicalJSON) })
    }

    /// The lengths the format fixes, refused as `malformedJSON` (check `format`): `record_type` a record type
    /// (1-64 of A-Z a-z 0-9 . _ -), `requester` and `purpose` 1...1024 UTF-8 bytes, `nonce` 16...64 bytes.
    func checkLengths() throws(VaultError) {
        guard RecordSchema.isRecordType(record_type) else { throw .malformedJSON("record_type is not a record type") }
        guard (1...1024).contains(requester.utf8.count) else { throw .malformedJSON("requester must be 1...1024 UTF-8 bytes") }
        if let purpose, !(1...1024).contains(purpose.utf8.count) { throw .malformedJSON("purpose must be 1...1024 UTF-8 bytes") }
        guard let n = Base64.decode(nonce), (16...64).contains(n.count) else { throw .malformedJSON("nonce must be canonical base64 of 16...64 bytes") }
    }

    /// Current bundle version.
    public static let currentVersion = 2
    /// Versions a verifier accepts.
    public static let knownVersions = 1...2

    /// The members of each version, all required.
    static let members: [Int: Set<String>] = [
        1: ["version", "record_type", "field_types", "predicate", "requester", "nonce", "expiry", "ledger_index", "entry", "inclusion",
            "checkpoint", "statement", "proof"],
        2: ["version", "record_type", "fields", "predicate", "purpose", "requester", "nonce", "expiry", "ledger_index", "entry",
            "inclusion", "checkpoint", "statement", "proof"],
    ]

    /// Pretty, stable JSON of the bundle.
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    /// Reads bundle JSON one way only: strict JSON (no member twice, no unknown or missing member, integers written
    /// as integers and in range, canonical base64), else `BundleVerifier.Failure` with check `format`; a version
    /// other than 1 or 2 fails check `version`.
    public static func decode(_ data: Data) throws(BundleVerifier.Failure) -> AttestationBundle {
        let json: StrictJSON
        do { json = try StrictJSON.parse(Array(data)) } catch { throw .init(check: "format", detail: error.description) }
        return try decode(json)
    }

    /// Reads a bundle from already parsed strict JSON (e.g. a member of a request body).
    public static func decode(_ json: StrictJSON) throws(BundleVerifier.Failure) -> AttestationBundle {
        guard case let .object(list) = json else { throw .init(check: "format", detail: "a bundle is a JSON object") }
        guard let versionJSON = list.first(where: { $0.name == "version" })?.value else {
            throw .init(check: "format", detail: "missing member \"version\" in bundle")
        }
        let version: Int
        do { version = try versionJSON.interoperableInteger("version", as: Int.self) } catch { throw .init(check: "format", detail: error.description) }
        guard let names = members[version] else { throw .init(check: "version", detail: "unknown bundle version \(version)") }
        do {
            let m = try json.members("bundle", allowed: names, required: names)
            let inclusion = try m["inclusion"]!.members("inclusion", allowed: ["tree_size", "leaf_index", "hashes"], required: ["tree_size", "leaf_index", "hashes"])
            var bundle = AttestationBundle(
                version: version, record_type: try m["record_type"]!.string("record_type"), predicate: try m["predicate"]!.string("predicate"),
                requester: try m["requester"]!.string("requester"), nonce: try m["nonce"]!.string("nonce"),
                expiry: try m["expiry"]!.interoperableInteger("expiry"), ledger_index: try m["ledger_index"]!.interoperableInteger("ledger_index"),
                entry: try m["entry"]!.string("entry"),
                inclusion: InclusionJSON(
                    tree_size: try inclusion["tree_size"]!.interoperableInteger("inclusion.tree_size"),
                    leaf_index: try inclusion["leaf_index"]!.interoperableInteger("inclusion.leaf_index"),
                    hashes: try inclusion["hashes"]!.array("inclusion.hashes").map { h throws(VaultError) in try h.string("inclusion.hashes[]") }),
                checkpoint: try m["checkpoint"]!.string("checkpoint"), statement: try m["statement"]!.string("statement"),
                proof: try m["proof"]!.string("proof"))
            if version == 1 {
                guard case let .object(types) = m["field_types"]! else { throw VaultError.malformedJSON("field_types must be an object") }
                var declared: [String: String] = [:]
                for t in types {
                    guard RecordSchema.isIdentifier(t.name), declared[t.name] == nil else { throw VaultError.malformedJSON("field_types names a field that is not a field name") }
                    declared[t.name] = try t.value.string("field_types.\(t.name)")
                }
                bundle.field_types = declared
            } else {
                bundle.purpose = try m["purpose"]!.string("purpose")
                guard case let .object(declared) = m["fields"]! else { throw VaultError.malformedJSON("fields must be an object") }
                var fields: [String: FieldJSON] = [:]
                for item in declared {
                    guard RecordSchema.isIdentifier(item.name), fields[item.name] == nil else { throw VaultError.malformedJSON("fields names a field that is not a field name") }
                    let path = "fields.\(item.name)"
                    let f = try item.value.members(path, allowed: ["type", "minimum", "maximum"], required: ["type"])
                    fields[item.name] = FieldJSON(AttestedField(
                        type: try f["type"]!.string(path + ".type"),
                        minimum: try f["minimum"].map { j throws(VaultError) in try j.interoperableInteger(path + ".minimum", as: Int64.self) },
                        maximum: try f["maximum"].map { j throws(VaultError) in try j.interoperableInteger(path + ".maximum", as: Int64.self) }))
                }
                bundle.fields = fields
            }
            try bundle.checkLengths()
            for (name, text) in [("nonce", bundle.nonce), ("entry", bundle.entry), ("statement", bundle.statement), ("proof", bundle.proof)]
            where Base64.decode(text) == nil {
                throw VaultError.malformedJSON("\(name) is not canonical base64")
            }
            guard bundle.inclusion.hashes.allSatisfy({ Base64.decode($0)?.count == 32 }) else {
                throw VaultError.malformedJSON("an inclusion hash is not 32 bytes of canonical base64")
            }
            return bundle
        } catch let error as VaultError {
            throw .init(check: "format", detail: error.description)
        } catch {
            throw .init(check: "format", detail: "\(error)")
        }
    }
}
