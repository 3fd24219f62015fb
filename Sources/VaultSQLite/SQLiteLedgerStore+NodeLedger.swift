import GRDB
import VaultCore
import VaultLedger
import VaultNode

extension SQLiteLedgerStore: NodeLedger {
    public func entries(from: UInt64, limit: Int) throws -> [StoredEntry] {
        try read { try $0.entries(from: from, limit: limit) }
    }

    public func verify(progress: (UInt64) -> Void) throws -> LedgerVerifier.Summary {
        try read { reader in try LedgerVerifier(keyChain: signer.keyChain).verify(reader, progress: progress) }
    }

    public func root(treeSize: UInt64) throws -> [UInt8] {
        try read { try $0.root(treeSize: treeSize) }
    }

    public func updateCosignedNote(treeSize: UInt64, root: [UInt8], _ merge: (String?) throws -> String) throws -> Bool {
        try writer.blockingWrite { db in
            let reader = SQLiteLedgerReader(db, cache: cache)
            guard treeSize <= (try reader.tip().treeSize), try reader.root(treeSize: treeSize) == root else { return false }
            let stored = try String.fetchOne(db, sql: "SELECT note FROM ledger_cosigned WHERE tree_size = ?", arguments: [Int64(treeSize)])
            try db.execute(sql: "INSERT OR REPLACE INTO ledger_cosigned (tree_size, note) VALUES (?, ?)", arguments: [Int64(treeSize), try merge(stored)])
            return true
        }
    }

    public func cosignedNotes(limit: Int) throws -> [String] {
        try writer.blockingRead { db in try String.fetchAll(db, sql: "SELECT note FROM ledger_cosigned ORDER BY tree_size DESC LIMIT ?", arguments: [limit]) }
    }
}
