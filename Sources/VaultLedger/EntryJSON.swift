import Foundation
import VaultCrypto

/// The JSON form of a `LedgerEntry` (docs/format/entry.md, "JSON form"), used by `ledger append` input and
/// `ledger entry` output. Parsing is strict: unknown or missing members, and values of the wrong type, throw.
public enum EntryJSON {
    /// Parses one JSON object into an entry.
    public static func decode(_ text: String) throws -> LedgerEntry {
        do {
            return try JSONDecoder().decode(Wire.self, from: Data(text.utf8)).entry
        } catch let error as LedgerError {
            throw error
        } catch let DecodingError.dataCorrupted(context) {
            throw LedgerError.malformedEntryJSON(context.debugDescription)
        } catch let DecodingError.keyNotFound(key, _) {
            throw LedgerError.malformedEntryJSON("missing \"\(key.stringValue)\"")
        } catch let DecodingError.typeMismatch(_, context) {
            throw LedgerError.malformedEntryJSON("wrong type at \(context.codingPath.map(\.stringValue).joined(separator: "."))")
        } catch {
            throw LedgerError.malformedEntryJSON(String(describing: error))
        }
    }

    /// The compact JSON object of `entry`, members and attribute keys sorted.
    public static func encode(_ entry: LedgerEntry) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = try! encoder.encode(Wire(entry: entry))
        return String(decoding: data, as: UTF8.self)
    }

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ s: String) { stringValue = s }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    static func rejectUnknown(_ container: KeyedDecodingContainer<Key>, allowed: Set<String>) throws {
        for key in container.allKeys where !allowed.contains(key.stringValue) {
            throw LedgerError.malformedEntryJSON("unknown member \"\(key.stringValue)\"")
        }
    }

    struct Wire: Codable {
        let entry: LedgerEntry

        init(entry: LedgerEntry) { self.entry = entry }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: Key.self)
            try rejectUnknown(c, allowed: ["type", "timestamp_ms", "actor", "attributes"])
            let type = try c.decode(String.self, forKey: Key("type"))
            let timestamp = try c.decode(UInt64.self, forKey: Key("timestamp_ms"))
            let actor = try c.decode(String.self, forKey: Key("actor"))
            var attributes: [String: LedgerEntry.Value] = [:]
            if c.contains(Key("attributes")) {
                let a = try c.nestedContainer(keyedBy: Key.self, forKey: Key("attributes"))
                for key in a.allKeys {
                    let v = try a.nestedContainer(keyedBy: Key.self, forKey: key)
                    guard v.allKeys.count == 1, let kind = v.allKeys.first else {
                        throw LedgerError.malformedEntryJSON("attribute \"\(key.stringValue)\" needs exactly one of bytes, string, u64")
                    }
                    switch kind.stringValue {
                    case "bytes":
                        let text = try v.decode(String.self, forKey: kind)
                        guard let bytes = Base64.decode(text) else {
                            throw LedgerError.malformedEntryJSON("attribute \"\(key.stringValue)\": bytes must be canonical padded base64")
                        }
                        attributes[key.stringValue] = .bytes(bytes)
                    case "string": attributes[key.stringValue] = .string(try v.decode(String.self, forKey: kind))
                    case "u64": attributes[key.stringValue] = .u64(try v.decode(UInt64.self, forKey: kind))
                    default: throw LedgerError.malformedEntryJSON("attribute \"\(key.stringValue)\": unknown value kind \"\(kind.stringValue)\"")
                    }
                }
            }
            entry = try LedgerEntry(type: type, timestampMs: timestamp, actor: actor, attributes: attributes)
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: Key.self)
            try c.encode(entry.type, forKey: Key("type"))
            try c.encode(entry.timestampMs, forKey: Key("timestamp_ms"))
            try c.encode(entry.actor, forKey: Key("actor"))
            var a = c.nestedContainer(keyedBy: Key.self, forKey: Key("attributes"))
            for key in entry.sortedKeys {
                var v = a.nestedContainer(keyedBy: Key.self, forKey: Key(key))
                switch entry.attributes[key]! {
                case let .bytes(b): try v.encode(Base64.encode(b), forKey: Key("bytes"))
                case let .string(s): try v.encode(s, forKey: Key("string"))
                case let .u64(n): try v.encode(n, forKey: Key("u64"))
                }
            }
        }
    }
}
