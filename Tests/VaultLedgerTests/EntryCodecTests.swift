import Foundation
import Testing
import VaultTestSupport
import VaultCrypto
@testable import VaultLedger

struct EntryVectors: Decodable {
    struct Good: Decodable { let encoded: String; let leaf_hash: String; let json: JSONValue }
    struct Bad: Decodable { let why: String; let encoded: String; let error: String }
    let entries: [Good]
    let malformed: [Bad]
}

/// Any JSON value, to re-serialize a vector's entry object for EntryJSON.
indirect enum JSONValue: Decodable {
    case object([String: JSONValue]), string(String), number(UInt64)
    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let n = try? c.decode(UInt64.self) { self = .number(n) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else { self = .object(try c.decode([String: JSONValue].self)) }
    }
    var text: String {
        switch self {
        case let .number(n): return String(n)
        case let .string(s): return String(decoding: try! JSONEncoder().encode(s), as: UTF8.self)
        case let .object(o): return "{" + o.map { "\(JSONValue.string($0.key).text):\($0.value.text)" }.joined(separator: ",") + "}"
        }
    }
}

@Suite struct EntryCodecTests {
    @Test func vectorsEncodeDecodeAndHashAsThePythonReference() throws {
        let v = try loadVectors("entries", as: EntryVectors.self)
        for good in v.entries {
            let entry = try EntryJSON.decode(good.json.text)
            #expect(EntryCodec.encode(entry) == hex(good.encoded))
            #expect(try EntryCodec.decode(hex(good.encoded)) == entry)
            #expect(MerkleMath.leafHash(hex(good.encoded)) == hex(good.leaf_hash))
            #expect(try EntryJSON.decode(EntryJSON.encode(entry)) == entry)
        }
    }

    @Test func attributesAreEncodedInKeyByteOrderWhateverTheirInsertionOrder() throws {
        let keys = ["z", "commitment.x", "a_b", "a0", "a.b", "a-b"]
        var attributes: [String: LedgerEntry.Value] = [:]
        for (i, key) in keys.enumerated() { attributes[key] = i % 2 == 0 ? .string("v\(i)") : .u64(UInt64(i)) }
        let entry = try LedgerEntry(type: "record.created", timestampMs: 1, actor: "clerk-1", attributes: attributes)
        #expect(entry.sortedKeys == ["a-b", "a.b", "a0", "a_b", "commitment.x", "z"])
        // The decoder accepts only strictly ascending keys, so a round trip checks the encoder's order too.
        #expect(try EntryCodec.decode(EntryCodec.encode(entry)) == entry)
    }

    @Test func malformedEncodingsAreRejectedWithTypedErrors() throws {
        let v = try loadVectors("entries", as: EntryVectors.self)
        for bad in v.malformed {
            do {
                _ = try EntryCodec.decode(hex(bad.encoded))
                Issue.record("accepted: \(bad.why)")
            } catch let error as LedgerError {
                switch (error, bad.error) {
                case (.unsupportedVersion, "unsupportedVersion"), (.malformedEntry, "malformedEntry"): break
                default: Issue.record("\(bad.why): got \(error)")
                }
            }
        }
    }

    @Test func everyTruncationAndEveryExtraByteIsRejected() throws {
        let entry = try LedgerEntry(type: "attested", timestampMs: 42, actor: "requester/9", attributes: [
            "nonce": .bytes([1, 2, 3]), "predicate": .string("age>=18"), "index": .u64(17),
        ])
        let bytes = EntryCodec.encode(entry)
        for n in 0..<bytes.count {
            #expect(throws: LedgerError.self) { try EntryCodec.decode(Array(bytes.prefix(n))) }
        }
        #expect(throws: LedgerError.malformedEntry(offset: bytes.count, reason: "trailing bytes")) { try EntryCodec.decode(bytes + [0]) }
        #expect(try EntryCodec.decode(bytes) == entry)
    }

    @Test func invalidEntriesCannotBeBuilt() {
        #expect(throws: LedgerError.self) { try LedgerEntry(type: "", timestampMs: 0, actor: "a") }
        #expect(throws: LedgerError.self) { try LedgerEntry(type: "Record.Created", timestampMs: 0, actor: "a") }
        #expect(throws: LedgerError.self) { try LedgerEntry(type: "x", timestampMs: 0, actor: "") }
        #expect(throws: LedgerError.self) { try LedgerEntry(type: "x", timestampMs: 0, actor: "a", attributes: ["Bad Key": .u64(1)]) }
    }
}
