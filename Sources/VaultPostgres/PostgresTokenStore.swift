import VaultCore
import VaultNode

/// Bearer-token rows in the shared PostgreSQL database: a token created on one node is accepted by every node.
public struct PostgresTokenStore: TokenStore {
    let pool: PostgresPool

    public init(pool: PostgresPool) { self.pool = pool }

    public func insertToken(_ t: StoredToken) throws {
        try pool.write { session in
            try session.execute(
                """
                INSERT INTO vault_token (id, hash, role, actor, clearance, citizen, created_at_ms, expires_at_ms, revoked, mac)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
                """,
                [.text(t.id), .bytes(t.hash), .text(t.role), .text(t.actor), .text(t.clearance), .bytes(t.citizen?.bytes), .int(t.createdAtMs),
                 .int(t.expiresAtMs), .bool(t.revoked), .bytes(t.mac)])
        }
    }

    public func token(hash: [UInt8]) throws -> StoredToken? {
        try pool.read { session in try session.rows("SELECT * FROM vault_token WHERE hash = $1", [.bytes(hash)]).first.map(Self.token) }
    }

    public func token(id: String) throws -> StoredToken? {
        try pool.read { session in try session.rows("SELECT * FROM vault_token WHERE id = $1", [.text(id)]).first.map(Self.token) }
    }

    static func token(_ row: PostgresRowReader) throws -> StoredToken {
        StoredToken(
            id: try row.text("id"), hash: try row.bytes("hash"), role: try row.text("role"), actor: try row.text("actor"),
            clearance: try row.optionalText("clearance"), citizen: try row.optionalBytes("citizen").map { Pseudonym(bytes: $0) },
            createdAtMs: UInt64(try row.int("created_at_ms")), expiresAtMs: try row.optionalInt("expires_at_ms").map { UInt64($0) },
            revoked: try row.bool("revoked"), mac: try row.bytes("mac"))
    }
}
