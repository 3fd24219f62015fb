import VaultCrypto

/// Authenticates the rows the service trusts and cannot derive from the ledger (bearer tokens, approvals): an
/// HMAC-SHA-256 under a key derived from the node's KEK over the table, the row's primary key and a canonical
/// encoding of every trusted column (docs/format/vault-storage.md, "State MACs"). Whoever can write the database but holds no
/// key can neither forge nor edit such a row; a row that fails is `stateTampered`. Also keys the hash under which
/// bearer tokens are stored, so a database writer cannot mint a token either.
public struct StateAuthenticator: Sendable {
    /// One column value of a row, in the canonical encoding's terms.
    public enum Column: Sendable, Equatable {
        case text(String?)
        case bytes([UInt8]?)
        case integer(Int64?)
    }

    let macKey: SecureBytes
    let tokenKey: SecureBytes

    /// The authenticator of the node whose derivation root is `keys.derivationRoot` (never rotated).
    public init(keys: NodeKeys) {
        macKey = HMACSHA256.deriveKey(from: keys.derivationRoot, purpose: "state-mac")
        tokenKey = HMACSHA256.deriveKey(from: keys.derivationRoot, purpose: "token-hash")
    }

    /// The MAC of the row of `table` whose primary key is `key`, over `columns` in the table's documented order.
    public func mac(table: String, key: String, columns: [Column]) -> [UInt8] {
        HMACSHA256.mac(Self.canonical(table: table, key: key, columns: columns), key: macKey)
    }

    /// Refuses a row whose stored `mac` is not the MAC of its columns (constant-time comparison).
    public func check(_ mac: [UInt8], table: String, key: String, columns: [Column]) throws {
        guard HMACSHA256.verify(mac, Self.canonical(table: table, key: key, columns: columns), key: macKey) else {
            throw VaultError.stateTampered(table: table, key: key)
        }
    }

    /// The keyed hash under which a bearer token's text is stored and looked up.
    public func tokenHash(_ text: String) -> [UInt8] { HMACSHA256.mac(Array(text.utf8), key: tokenKey) }

    /// "CivicVault/v1/state-row" 0x00, then the table, the key and every column: a tag byte (0 null, 1 text,
    /// 2 bytes, 3 integer), then for text and bytes a 4-byte big-endian length and the bytes, for integers 8
    /// big-endian bytes (two's complement). Table and key are encoded as text columns.
    static func canonical(table: String, key: String, columns: [Column]) -> [UInt8] {
        var out = Array("CivicVault/v1/state-row".utf8) + [0x00]
        func put(_ bytes: [UInt8], tag: UInt8) {
            out.append(tag)
            let n = UInt32(bytes.count)
            out += [UInt8(n >> 24), UInt8((n >> 16) & 0xff), UInt8((n >> 8) & 0xff), UInt8(n & 0xff)]
            out += bytes
        }
        put(Array(table.utf8), tag: 1)
        put(Array(key.utf8), tag: 1)
        for column in columns {
            switch column {
            case .text(nil), .bytes(nil), .integer(nil): out.append(0)
            case let .text(s?): put(Array(s.utf8), tag: 1)
            case let .bytes(b?): put(b, tag: 2)
            case let .integer(i?):
                out.append(3)
                let u = UInt64(bitPattern: i)
                for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8((u >> UInt64(shift)) & 0xff)) }
            }
        }
        return out
    }
}
