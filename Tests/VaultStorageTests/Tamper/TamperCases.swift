import Foundation
import VaultLedger
import VaultTestSupport

extension VaultTamperTests {
    enum Expect: Sendable { case detected, harmless }

    /// One change to one table, written once for both backends (`?` placeholders, bound values, one statement per
    /// call; see `TamperConnection`), with what the node must make of it.
    struct Case: Sendable {
        /// The table changed (`TamperConnection.migrationLog` for the migration log, whatever its name).
        let table: String
        let change: String
        let expect: Expect
        let why: String
        /// For a detected case, what one of the detections must contain (see `tampered`), when a specific named
        /// error is what catches it.
        var named: String? = nil
        let sql: @Sendable (TamperConnection, Pristine) throws -> Void

        /// The table's name on `backend`.
        func table(on backend: StorageBackend) -> String {
            table == TamperConnection.migrationLog ? TamperConnection.migrationTable(backend) : table
        }
    }

    /// Flips one bit of the byte at `offset` of one blob: `condition` selects the row, with `args` bound.
    static func flip(_ db: TamperConnection, _ table: String, _ column: String, where condition: String, _ args: [SQLValue] = [], at offset: Int = 10) throws {
        var bytes = try db.bytes("SELECT \(column) FROM \(table) WHERE \(condition) LIMIT 1", args)
        bytes[min(offset, bytes.count - 1)] ^= 0x01
        try db.execute("UPDATE \(table) SET \(column) = ? WHERE \(condition)", [.bytes(bytes)] + args)
    }

    /// What the detection of a row refused by `AnchoredReader` or `StateAuthenticator` says (`VaultError.stateTampered`).
    static func tampered(_ table: String, _ key: String = "") -> String { "stored state was tampered with: \(table) row \(key)" }

    /// SQL for the current key version of the confidential tier.
    static let current = "(SELECT current_version FROM vault_tier WHERE name = 'confidential')"

    /// A live record other than the attested and the updated one.
    static func other(_ p: Pristine) -> String { p.expected.keys.sorted().first { $0 != p.attestable && $0 != p.updated }! }

    /// Every case: the storage cases below and the trusted-state cases (`stateCases`).
    static let cases: [Case] = storageCases + stateCases

    /// The ledger, the keys, ciphertexts and openings, and the rows they are bound to.
    static let storageCases: [Case] = [
        // ledger_entry
        Case(table: "ledger_entry", change: "flip a byte of entry 5", expect: .detected, why: "leaf hash recomputed") { db, _ in try flip(db, "ledger_entry", "entry", where: "idx = 5") },
        Case(table: "ledger_entry", change: "flip a byte of entry 5 and store its new leaf hash", expect: .detected, why: "subtree/block root") { db, _ in
            try flip(db, "ledger_entry", "entry", where: "idx = 5")
            let bytes = try db.bytes("SELECT entry FROM ledger_entry WHERE idx = 5")
            try db.execute("UPDATE ledger_entry SET leaf_hash = ? WHERE idx = 5", [.bytes(MerkleMath.leafHash(bytes))])
        },
        Case(table: "ledger_entry", change: "flip a byte of leaf_hash 3", expect: .detected, why: "leaf hash recomputed") { db, _ in try flip(db, "ledger_entry", "leaf_hash", where: "idx = 3", at: 0) },
        Case(table: "ledger_entry", change: "delete entry 7", expect: .detected, why: "entry missing") { db, _ in try db.execute("DELETE FROM ledger_entry WHERE idx = 7") },
        Case(table: "ledger_entry", change: "delete the last entry", expect: .detected, why: "the last block covers it") { db, _ in try db.execute("DELETE FROM ledger_entry WHERE idx = (SELECT MAX(idx) FROM ledger_entry)") },
        Case(table: "ledger_entry", change: "swap entries 2 and 6 (bytes and leaf hashes)", expect: .detected, why: "root") { db, _ in
            try db.execute("UPDATE ledger_entry SET idx = 999999 WHERE idx = 2")
            try db.execute("UPDATE ledger_entry SET idx = 2 WHERE idx = 6")
            try db.execute("UPDATE ledger_entry SET idx = 6 WHERE idx = 999999")
        },
        Case(table: "ledger_entry", change: "append an extra entry after the last block", expect: .detected, why: "unexpected entry") { db, _ in
            let bytes = try db.bytes("SELECT entry FROM ledger_entry WHERE idx = 0")
            try db.execute("INSERT INTO ledger_entry (idx, leaf_hash, entry) VALUES ((SELECT MAX(idx) + 1 FROM ledger_entry), ?, ?)", [.bytes(MerkleMath.leafHash(bytes)), .bytes(bytes)])
        },
        // ledger_node
        Case(table: "ledger_node", change: "flip a byte of a stored subtree hash", expect: .detected, why: "subtree recomputed") { db, _ in try flip(db, "ledger_node", "hash", where: "level = 4 AND idx = 0", at: 0) },
        Case(table: "ledger_node", change: "delete a stored subtree hash", expect: .detected, why: "subtree missing") { db, _ in try db.execute("DELETE FROM ledger_node WHERE level = 4 AND idx = 0") },
        Case(table: "ledger_node", change: "insert a hash for a subtree not yet complete", expect: .harmless, why: "never read: the verifier and proofs only use complete subtrees they recompute; the append that completes it fails on the primary key, so nothing wrong is accepted") { db, _ in
            try db.execute("INSERT INTO ledger_node (level, idx, hash) VALUES (4, 1000, ?)", [.bytes([UInt8](repeating: 0, count: 32))])
        },
        // ledger_block
        Case(table: "ledger_block", change: "flip a byte of block 3's header", expect: .detected, why: "signature/header") { db, _ in try flip(db, "ledger_block", "header", where: "height = 3") },
        Case(table: "ledger_block", change: "flip a byte of block 3's signature", expect: .detected, why: "signature") { db, _ in try flip(db, "ledger_block", "signature", where: "height = 3") },
        Case(table: "ledger_block", change: "delete block 4", expect: .detected, why: "block missing") { db, _ in try db.execute("DELETE FROM ledger_block WHERE height = 4") },
        Case(table: "ledger_block", change: "swap blocks 2 and 3", expect: .detected, why: "height/link") { db, _ in
            try db.execute("UPDATE ledger_block SET height = 999999 WHERE height = 2")
            try db.execute("UPDATE ledger_block SET height = 2 WHERE height = 3")
            try db.execute("UPDATE ledger_block SET height = 3 WHERE height = 999999")
        },
        Case(table: "ledger_block", change: "delete the last block only", expect: .detected, why: "its entries are unexpected; checkpoint size") { db, _ in try db.execute("DELETE FROM ledger_block WHERE height = (SELECT MAX(height) FROM ledger_block)") },
        // ledger_checkpoint
        Case(table: "ledger_checkpoint", change: "flip a byte of the signed note", expect: .detected, why: "note signature") { db, _ in
            let note = try db.string("SELECT note FROM ledger_checkpoint")
            try db.execute("UPDATE ledger_checkpoint SET note = ?", [.text(note.replacingOccurrences(of: "\n", with: "\n ", options: [], range: note.range(of: "\n")))])
        },
        Case(table: "ledger_checkpoint", change: "delete the checkpoint", expect: .detected, why: "checkpoint missing") { db, _ in try db.execute("DELETE FROM ledger_checkpoint") },
        Case(table: "ledger_checkpoint", change: "put back the previous (genuinely signed) checkpoint", expect: .detected, why: "size does not match the last block") { db, p in
            try db.execute("UPDATE ledger_checkpoint SET note = ?, tree_size = ?", [.text(p.previousNote), .int(Int64(p.previousSize))])
        },
        Case(table: "ledger_checkpoint", change: "lower tree_size column", expect: .harmless, why: "the column only orders checkpoint updates; readers use the signed note") { db, _ in try db.execute("UPDATE ledger_checkpoint SET tree_size = 1") },
        Case(table: "ledger_checkpoint", change: "roll back the whole tail: last block, its entries and the checkpoint", expect: .detected, why: "consistent with itself, so `ledger verify` alone passes; an auditor's kept checkpoint is larger than the stored tree") { db, p in
            try db.execute("DELETE FROM ledger_block WHERE height = (SELECT MAX(height) FROM ledger_block)")
            try db.execute("DELETE FROM ledger_entry WHERE idx >= ?", [.int(Int64(p.previousSize))])
            try db.execute("DELETE FROM vault_citizen_event WHERE ledger_idx >= ?", [.int(Int64(p.previousSize))])
            try db.execute("UPDATE ledger_checkpoint SET note = ?, tree_size = ?", [.text(p.previousNote), .int(Int64(p.previousSize))])
        },
        // vault_tier / vault_tier_key
        Case(table: "vault_tier", change: "raise min_decryption_version of confidential", expect: .detected, why: "state_tampered: key.retired records it", named: tampered("vault_tier", "confidential")) { db, _ in try db.execute("UPDATE vault_tier SET min_decryption_version = 9 WHERE name = 'confidential'") },
        Case(table: "vault_tier", change: "raise current_version of internal (no such key)", expect: .detected, why: "state_tampered: key.rotated records it", named: tampered("vault_tier", "internal")) { db, _ in try db.execute("UPDATE vault_tier SET current_version = 9 WHERE name = 'internal'") },
        Case(table: "vault_tier", change: "set rotating on restricted", expect: .detected, why: "state_tampered: the ledger's key.rotated/key.rewrapped entries say the tier is not rotating", named: tampered("vault_tier", "restricted")) { db, _ in try db.execute("UPDATE vault_tier SET rotating = ? WHERE name = 'restricted'", [.bool(true)]) },
        Case(table: "vault_tier", change: "rename the confidential tier", expect: .detected, why: "state_tampered: the ledger has no tier secret (and its fields name an unknown tier; was silently withheld from every read)", named: tampered("vault_tier", "secret")) { db, _ in
            try db.execute("UPDATE vault_tier SET name = 'secret' WHERE name = 'confidential'")
        },
        Case(table: "vault_tier", change: "move restricted below confidential (rank -1)", expect: .detected, why: "state_tampered: tier.created records the rank", named: tampered("vault_tier", "restricted")) { db, _ in try db.execute("UPDATE vault_tier SET rank = -1 WHERE name = 'restricted'") },
        Case(table: "vault_tier_key", change: "flip a byte of a wrapped tier key", expect: .detected, why: "AEAD under the KEK") { db, _ in try flip(db, "vault_tier_key", "wrapped", where: "tier = 'confidential' AND version = \(current)", at: 40) },
        Case(table: "vault_tier_key", change: "swap the current wrapped keys of internal and confidential", expect: .detected, why: "AAD binds tier and version") { db, _ in
            let internalCurrent = current.replacingOccurrences(of: "'confidential'", with: "'internal'")
            let a = try db.bytes("SELECT wrapped FROM vault_tier_key WHERE tier = 'internal' AND version = \(internalCurrent)")
            let b = try db.bytes("SELECT wrapped FROM vault_tier_key WHERE tier = 'confidential' AND version = \(current)")
            try db.execute("UPDATE vault_tier_key SET wrapped = ? WHERE tier = 'internal' AND version = \(internalCurrent)", [.bytes(b)])
            try db.execute("UPDATE vault_tier_key SET wrapped = ? WHERE tier = 'confidential' AND version = \(current)", [.bytes(a)])
        },
        Case(table: "vault_tier_key", change: "relabel confidential's current key as wrapped under KEK v2", expect: .detected, why: "keyEncryptionKeyDropped: node.key holds no KEK v2 (a row from another KEK is refused by name)", named: "which node.key does not hold") { db, _ in
            try db.execute("UPDATE vault_tier_key SET kek_version = 2 WHERE tier = 'confidential' AND version = \(current)")
        },
        Case(table: "vault_tier_key", change: "delete confidential's current key", expect: .detected, why: "key missing") { db, _ in try db.execute("DELETE FROM vault_tier_key WHERE tier = 'confidential' AND version = \(current)") },
        Case(table: "vault_tier_key", change: "flip a byte of a superseded key (confidential v1)", expect: .harmless, why: "every DEK was rewrapped to the current version; the old version opens nothing") { db, _ in
            try flip(db, "vault_tier_key", "wrapped", where: "tier = 'confidential' AND version = 1", at: 40)
        },
        // vault_schema
        Case(table: "vault_schema", change: "replace the schema JSON with garbage", expect: .detected, why: "stored schema corrupt") { db, _ in try db.execute("UPDATE vault_schema SET json = ?", [.bytes(Array("{{".utf8))]) },
        Case(table: "vault_schema", change: "move national_id to the public tier", expect: .detected, why: "state_tampered: the schema no longer hashes to schema.registered's schema_hash", named: tampered("vault_schema", "citizen")) { db, _ in
            var schema = try JSONSerialization.jsonObject(with: Data(try db.bytes("SELECT json FROM vault_schema"))) as! [String: Any]
            schema["fields"] = (schema["fields"] as! [[String: Any]]).map { field in
                var f = field
                if f["name"] as? String == "national_id" { f["tier"] = "public" }
                return f
            }
            try db.execute("UPDATE vault_schema SET json = ?", [.bytes([UInt8](try JSONSerialization.data(withJSONObject: schema)))])
        },
        // vault_record
        Case(table: "vault_record", change: "bump a record's version", expect: .detected, why: "state_tampered: the record's entry has the version (the AAD binds it too)", named: tampered("vault_record")) { db, p in try db.execute("UPDATE vault_record SET version = version + 1 WHERE id = ?", [.text(p.attestable)]) },
        Case(table: "vault_record", change: "change a record's type", expect: .detected, why: "state_tampered: the record's entry has the type", named: tampered("vault_record")) { db, p in try db.execute("UPDATE vault_record SET type = 'horse' WHERE id = ?", [.text(p.attestable)]) },
        Case(table: "vault_record", change: "delete a record row", expect: .detected, why: "state_tampered: the ledger shows it was created", named: tampered("vault_record")) { db, p in
            for t in ["vault_field", "vault_data_key", "vault_opening"] { try db.execute("DELETE FROM \(t) WHERE record_id = ?", [.text(p.updated)]) }
            try db.execute("DELETE FROM vault_record WHERE id = ?", [.text(p.updated)])
        },
        Case(table: "vault_record", change: "un-shred a shredded record", expect: .detected, why: "state_tampered on reading it (record.shredded is on the ledger); its keys, fields and openings were destroyed anyway", named: tampered("vault_record")) { db, p in try db.execute("UPDATE vault_record SET shredded = ? WHERE id = ?", [.bool(false), .text(p.shredded)]) },
        Case(table: "vault_record", change: "change a record's schema_version", expect: .harmless,
             why: "read by no code: RecordRow.schemaVersion is only written (a record is read with its type's one stored schema, checked against schema.registered)") { db, p in
            try db.execute("UPDATE vault_record SET schema_version = 7 WHERE id = ?", [.text(p.attestable)])
        },
        Case(table: "vault_record", change: "change a record's created_at_ms", expect: .harmless,
             why: "no decision reads it: it only orders a citizen's records (ORDER BY created_at_ms, id), which AnchoredReader compares as a set with the ledger's") { db, p in
            try db.execute("UPDATE vault_record SET created_at_ms = 0 WHERE id = ?", [.text(p.attestable)])
        },
        Case(table: "vault_record", change: "give a record another citizen's pseudonym", expect: .detected, why: "state_tampered: the record's entry has the pseudonym (reads and attestations refuse it)", named: tampered("vault_record")) { db, p in
            // ORDER BY: the same other record on both backends (row order differs without it).
            try db.execute("UPDATE vault_record SET citizen = (SELECT citizen FROM vault_record WHERE id <> ?1 ORDER BY id LIMIT 1) WHERE id = ?1", [.text(p.attestable)])
        },
        // vault_field
        Case(table: "vault_field", change: "flip a byte of a field ciphertext", expect: .detected, why: "state_tampered: the ciphertexts no longer hash to the entry's ciphertext_hash (AEAD too)", named: tampered("vault_field")) { db, p in try flip(db, "vault_field", "ciphertext", where: "record_id = ? AND field = 'full_name'", [.text(p.attestable)], at: 30) },
        Case(table: "vault_field", change: "swap full_name ciphertexts of two records", expect: .detected, why: "state_tampered: ciphertext_hash (the AAD binds the record id too)", named: tampered("vault_field")) { db, p in
            let other = other(p)
            let a = try db.bytes("SELECT ciphertext FROM vault_field WHERE record_id = ? AND field = 'full_name'", [.text(p.attestable)])
            let b = try db.bytes("SELECT ciphertext FROM vault_field WHERE record_id = ? AND field = 'full_name'", [.text(other)])
            try db.execute("UPDATE vault_field SET ciphertext = ? WHERE record_id = ? AND field = 'full_name'", [.bytes(b), .text(p.attestable)])
            try db.execute("UPDATE vault_field SET ciphertext = ? WHERE record_id = ? AND field = 'full_name'", [.bytes(a), .text(other)])
        },
        Case(table: "vault_field", change: "swap full_name and birth_date ciphertexts of one record", expect: .detected, why: "state_tampered: ciphertext_hash (the AAD binds the field name too)", named: tampered("vault_field")) { db, p in
            let a = try db.bytes("SELECT ciphertext FROM vault_field WHERE record_id = ? AND field = 'full_name'", [.text(p.attestable)])
            let b = try db.bytes("SELECT ciphertext FROM vault_field WHERE record_id = ? AND field = 'birth_date'", [.text(p.attestable)])
            try db.execute("UPDATE vault_field SET ciphertext = ? WHERE record_id = ? AND field = 'full_name'", [.bytes(b), .text(p.attestable)])
            try db.execute("UPDATE vault_field SET ciphertext = ? WHERE record_id = ? AND field = 'birth_date'", [.bytes(a), .text(p.attestable)])
        },
        Case(table: "vault_field", change: "put back the ciphertext of the previous version", expect: .detected, why: "state_tampered: ciphertext_hash (the AAD binds the version, and the old DEK is gone)", named: tampered("vault_field")) { db, p in
            try db.execute("UPDATE vault_field SET ciphertext = ? WHERE record_id = ? AND field = 'full_name'", [.bytes(p.oldFieldCiphertext), .text(p.updated)])
        },
        Case(table: "vault_field", change: "move a field row to another tier", expect: .detected, why: "AAD binds the tier") { db, p in
            try db.execute("UPDATE vault_field SET tier = 'internal' WHERE record_id = ? AND field = 'full_name'", [.text(p.attestable)])
        },
        Case(table: "vault_field", change: "move a field row to a tier that does not exist", expect: .detected, why: "unknown tier is corrupt (was silently withheld)") { db, p in
            try db.execute("UPDATE vault_field SET tier = 'nowhere' WHERE record_id = ? AND field = 'full_name'", [.text(p.attestable)])
        },
        Case(table: "vault_field", change: "delete an optional field row (email)", expect: .detected, why: "state_tampered: the field ciphertexts no longer hash to the entry's ciphertext_hash", named: tampered("vault_field")) { db, p in
            try db.execute("DELETE FROM vault_field WHERE record_id = ? AND field = 'email'", [.text(p.attestable)])
        },
        // vault_data_key
        Case(table: "vault_data_key", change: "flip a byte of a wrapped DEK", expect: .detected, why: "AEAD") { db, p in try flip(db, "vault_data_key", "wrapped", where: "record_id = ? AND tier = 'confidential'", [.text(p.attestable)], at: 40) },
        Case(table: "vault_data_key", change: "swap confidential DEKs of two records", expect: .detected, why: "AAD binds the record id") { db, p in
            let other = other(p)
            let a = try db.bytes("SELECT wrapped FROM vault_data_key WHERE record_id = ? AND tier = 'confidential'", [.text(p.attestable)])
            let b = try db.bytes("SELECT wrapped FROM vault_data_key WHERE record_id = ? AND tier = 'confidential'", [.text(other)])
            try db.execute("UPDATE vault_data_key SET wrapped = ? WHERE record_id = ? AND tier = 'confidential'", [.bytes(b), .text(p.attestable)])
            try db.execute("UPDATE vault_data_key SET wrapped = ? WHERE record_id = ? AND tier = 'confidential'", [.bytes(a), .text(other)])
        },
        Case(table: "vault_data_key", change: "change the tier key version a DEK names", expect: .detected, why: "AAD binds the version") { db, p in
            try db.execute("UPDATE vault_data_key SET tier_key_version = 1 WHERE record_id = ? AND tier = 'confidential'", [.text(p.attestable)])
        },
        Case(table: "vault_data_key", change: "delete a record's confidential DEK", expect: .detected, why: "data key missing (reads used to show the tier's fields as withheld, as if the clearance were too low)") { db, p in
            try db.execute("DELETE FROM vault_data_key WHERE record_id = ? AND tier = 'confidential'", [.text(p.attestable)])
        },
        // vault_opening
        Case(table: "vault_opening", change: "flip a byte of an opening ciphertext", expect: .detected, why: "AEAD") { db, p in try flip(db, "vault_opening", "ciphertext", where: "record_id = ? AND field = 'birth_date'", [.text(p.attestable)], at: 30) },
        Case(table: "vault_opening", change: "replace a commitment with another record's", expect: .detected, why: "the prover refuses an opening that does not open it, or the bundle's statement no longer matches the ledger") { db, p in
            try db.execute("UPDATE vault_opening SET commitment = (SELECT commitment FROM vault_opening WHERE record_id = ?1 AND field = 'birth_date') WHERE record_id = ?2 AND field = 'birth_date'", [.text(other(p)), .text(p.attestable)])
        },
        Case(table: "vault_opening", change: "delete an opening", expect: .detected, why: "attestation refuses") { db, p in try db.execute("DELETE FROM vault_opening WHERE record_id = ? AND field = 'birth_date'", [.text(p.attestable)]) },
        Case(table: "ledger_cosigned", change: "insert a forged cosigned checkpoint", expect: .harmless, why: "a served cosigned note is only final when its witness lines verify against the configured keys; readers verify the log signature and the cosignatures themselves") { db, _ in try db.execute("INSERT INTO ledger_cosigned (tree_size, note) VALUES (3, 'forged')") },
        Case(table: TamperConnection.migrationLog, change: "delete the migration log", expect: .detected, why: "reopening re-runs the migrations, which fail on the existing tables") { db, _ in try db.execute("DELETE FROM \(db.migrationTable)") },
    ]
}
