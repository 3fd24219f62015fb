import VaultLedger

/// Reads the ledger tables through one session inside a transaction (so what it sees is consistent): proofs,
/// roots, the right edge before an append, and every page `LedgerVerifier` asks for.
struct PostgresLedgerReader: TiledLedgerReader {
    let session: PostgresSession
    let cache: SubtreeHashCache?

    init(_ session: PostgresSession, cache: SubtreeHashCache? = nil) {
        self.session = session
        self.cache = cache
    }

    /// The tip: tree size, next height and last block hash (the empty tip before the first append).
    func tip() throws -> LedgerTip {
        guard let row = try session.rows("SELECT header FROM ledger_block ORDER BY height DESC LIMIT 1").first else { return .empty }
        return LedgerTip(after: try BlockHeader(decoding: try row.bytes("header")))
    }

    func storedHashes(level: Int, from: UInt64, count: Int) throws -> [[UInt8]] {
        let rows = level == 0
            ? try session.rows("SELECT idx, leaf_hash AS hash FROM ledger_entry WHERE idx >= $1 AND idx < $2 ORDER BY idx",
                               [.int(from), .int(from + UInt64(count))])
            : try session.rows("SELECT idx, hash FROM ledger_node WHERE level = $3 AND idx >= $1 AND idx < $2 ORDER BY idx",
                               [.int(from), .int(from + UInt64(count)), .int(level)])
        var out: [[UInt8]] = []
        var expected = Int64(from)
        for row in rows {
            guard try row.int("idx") == expected else { break }
            out.append(try row.bytes("hash"))
            expected += 1
        }
        return out
    }

    /// All asked-for subtrees in one statement (`(level, idx) IN (...)` is one index probe per pair).
    func storedHashes(_ ids: [SubtreeID]) throws -> [SubtreeID: [UInt8]] {
        var out: [SubtreeID: [UInt8]] = [:]
        guard !ids.isEmpty else { return out }
        let pairs = (0..<ids.count).map { "($\(2 * $0 + 1)::integer, $\(2 * $0 + 2)::bigint)" }.joined(separator: ", ")
        let values = ids.flatMap { [PostgresValue.int($0.level), .int($0.index)] }
        for row in try session.rows("SELECT level, idx, hash FROM ledger_node WHERE (level, idx) IN (\(pairs))", values) {
            out[SubtreeID(level: Int(try row.int("level")), index: UInt64(try row.int("idx")))] = try row.bytes("hash")
        }
        return out
    }

    func entries(from: UInt64, limit: Int) throws -> [StoredEntry] {
        try session.rows("SELECT idx, entry, leaf_hash FROM ledger_entry WHERE idx >= $1 ORDER BY idx LIMIT $2", [.int(from), .int(limit)]).map {
            StoredEntry(index: UInt64(try $0.int("idx")), bytes: try $0.bytes("entry"), leafHash: try $0.bytes("leaf_hash"))
        }
    }

    func blocks(from: UInt64, limit: Int) throws -> [StoredBlock] {
        try session.rows("SELECT height, header, signature FROM ledger_block WHERE height >= $1 ORDER BY height LIMIT $2", [.int(from), .int(limit)]).map {
            StoredBlock(height: UInt64(try $0.int("height")), header: try $0.bytes("header"), signature: try $0.bytes("signature"))
        }
    }

    func storedSubtreeHash(level: Int, index: UInt64) throws -> [UInt8]? {
        try session.rows("SELECT hash FROM ledger_node WHERE level = $1 AND idx = $2", [.int(level), .int(index)]).first.map { try $0.bytes("hash") }
    }

    func checkpointNote() throws -> String? {
        try session.rows("SELECT note FROM ledger_checkpoint WHERE id = 1").first.map { try $0.text("note") }
    }
}
