import Foundation
import GRDB
import VaultCore
import VaultNode

/// Bearer-token rows in the node's SQLite database (table `vault_token`).
public struct SQLiteTokenStore: TokenStore {
    let writer: any DatabaseWriter

    public init(writer: any DatabaseWriter) { self.writer = writer }

    public func insertToken(_ t: StoredToken) throws {
        try writer.blockingWrite { db in
            try db.execute(
                sql: """
                    INSERT INTO vault_token (id, hash, role, actor, clearance, citizen, created_at_ms, expires_at_ms, revoked, mac)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [t.id, Data(t.hash), t.role, t.actor, t.clearance, t.citizen.map { Data($0.bytes) }, Int64(t.createdAtMs),
                            t.expiresAtMs.map { Int64($0) }, t.revoked, Data(t.mac)])
        }
    }

    public func token(hash: [UInt8]) throws -> StoredToken? {
        try writer.blockingRead { db in try Row.fetchOne(db, sql: "SELECT * FROM vault_token WHERE hash = ?", arguments: [Data(hash)]).map(Self.token) }
    }

    public func token(id: String) throws -> StoredToken? {
        try writer.blockingRead { db in try Row.fetchOne(db, sql: "SELECT * FROM vault_token WHERE id = ?", arguments: [id]).map(Self.token) }
    }

    static func token(_ row: Row) -> StoredToken {
        StoredToken(
            id: row["id"], hash: [UInt8](row["hash"] as Data), role: row["role"], actor: row["actor"], clearance: row["clearance"],
            citizen: (row["citizen"] as Data?).map { Pseudonym(bytes: [UInt8]($0)) }, createdAtMs: UInt64(bitPattern: row["created_at_ms"] as Int64),
            expiresAtMs: (row["expires_at_ms"] as Int64?).map { UInt64(bitPattern: $0) }, revoked: row["revoked"], mac: [UInt8](row["mac"] as Data))
    }
}
