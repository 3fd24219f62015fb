import Foundation
import GRDB
import Testing
import VaultCore
import VaultNode
import VaultCrypto
import VaultLedger
import VaultSQLite

/// Tampering with a real node database, table by table: rows changed, deleted, swapped and inserted, then the
/// node reopened and everything it offers run against the copy: `ledger verify` (the same `LedgerVerifier`),
/// reading every record, attesting, the citizen's access log, tokens and a new write. Each change must be
/// detected with a named error, or change nothing observable; the changes that the node cannot detect today
/// (trusted state that the ledger only records) are listed as such, so docs/RELIABILITY.md stays true.
/// Random byte flips anywhere in the file follow (CIVICVAULT_TAMPER_FLIPS, 40 by default).
@Suite struct VaultTamperTests {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let officer = Caller.operatorCLI(id: "officer-1")
    static let clerk = Caller(id: "clerk-1", role: .department, clearance: "confidential")
    static let bank = Caller(id: "bank-1", role: .requester)

    /// The pristine database and everything a correct node must show about it.
    struct Pristine: Sendable {
        let directory: URL
        let keys: NodeKeys
        var expected: [String: [String: FieldValue]] = [:]  // live record -> values
        var updated = "", shredded = "", attestable = ""
        var citizens: [String: String] = [:]  // record -> national id
        var accessLog: [Int] = []  // ledger indexes of citizen 0's log
        var tokens: [String: TokenRegistry.Grant] = [:]
        var previousNote = "", previousSize: UInt64 = 0, keptNote = ""
        var oldFieldCiphertext: [UInt8] = []
        var file: String { directory.appendingPathComponent("civicvault.sqlite").path }
    }

    static func makePristine() throws -> Pristine {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cv-tamper-\(UUID().uuidString)")
        var p = Pristine(directory: dir, keys: NodeKeys.generate(name: "tamper.test/node"))
        let storage = try NodeStorage.open(dataDirectory: dir.path, keys: p.keys)
        let vault = storage.vault
        try vault.createStandardTiersIfNeeded(by: officer)
        _ = try vault.registerSchema(json: Data(contentsOf: repo.appendingPathComponent("schemas/citizen.json")), by: officer)
        _ = try vault.installPolicy(try Policy.parse(Data(contentsOf: repo.appendingPathComponent("Keys/policy.example.json"))), by: officer)
        _ = try vault.grant(memberID: "clerk-1", role: .department, clearance: "confidential", by: officer)
        _ = try vault.grant(memberID: "gone-1", role: .department, clearance: "restricted", by: officer)
        var ids: [String] = []
        for i in 0..<12 {
            let nid = "TAMPER-NID-\(i)"
            let values: [String: JSONValue] = [
                "national_id": .string(nid), "full_name": .string("Tamper Citizen \(i)"), "birth_date": .string("1985-0\(1 + i % 9)-1\(i % 10)"),
                "district": .string(["north", "south", "harbour"][i % 3]), "income": .integer(Int64(20_000 + i)), "email": .string("t\(i)@example.org"),
            ]
            let id = try vault.createRecord(type: "citizen", nationalID: nid, input: values, by: clerk).recordID
            ids.append(id)
            p.citizens[id] = nid
            let schema = try RecordSchema.parse(json: Data(contentsOf: repo.appendingPathComponent("schemas/citizen.json")), tiers: try TierLevels(names: ["public", "internal", "confidential", "restricted"]))
            p.expected[id] = try schema.validate(values)
        }
        p.updated = ids[1]
        p.oldFieldCiphertext = try storage.database.read { db in
            [UInt8](try Data.fetchOne(db, sql: "SELECT ciphertext FROM vault_field WHERE record_id = ? AND field = 'full_name'", arguments: [ids[1]])!)
        }
        var newValues = p.expected[ids[1]]!.mapValues(\.json)
        newValues["full_name"] = .string("Tamper Citizen Renamed")
        _ = try vault.updateRecord(id: ids[1], input: newValues, by: clerk)
        p.expected[ids[1]]!["full_name"] = .string("Tamper Citizen Renamed")
        p.shredded = ids[2]
        try vault.shred(id: ids[2], by: officer)
        p.expected[ids[2]] = nil
        p.attestable = ids[0]
        _ = try vault.readRecord(id: ids[0], purpose: "benefit-check", by: clerk)
        _ = try vault.attestUnderPolicy(attestation(ids[0]), by: bank)
        _ = try vault.requestAttestation(
            AttestationRequest(recordID: ids[3], predicates: [PredicateSpec(field: "district", in: ["north", "harbour"])], requester: "landlord-1",
                               nonce: Array(repeating: 3, count: 32), expiry: 4_000_000_000, purpose: "tenancy"),
            by: Caller(id: "landlord-1", role: .requester))
        _ = try vault.rotate(tier: "confidential", by: officer, batchSize: 4)
        _ = try vault.revoke(memberID: "gone-1", by: officer)
        let registry = storage.tokens
        for (role, actor, clearance) in [(Role.department, "clerk-1", "confidential"), (.officer, "officer-1", "restricted"), (.requester, "bank-1", nil)] {
            let token = try registry.create(role: role, actor: actor, clearance: clearance)
            p.tokens[token] = try registry.resolve(token)
        }
        p.previousNote = try storage.ledger.latestCheckpoint()!
        p.previousSize = try storage.ledger.treeSize()
        _ = try vault.readRecord(id: ids[4], purpose: "audit", by: officer)  // the last block: one entry
        p.keptNote = try storage.ledger.latestCheckpoint()!  // what an auditor keeps elsewhere
        p.accessLog = try vault.accessLog(nationalID: p.citizens[ids[0]]!).map { Int($0.ledgerIndex) }
        try storage.database.writeWithoutTransaction { try $0.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
        return p
    }

    static func attestation(_ id: String) -> AttestationRequest {
        AttestationRequest(
            recordID: id, predicates: [PredicateSpec(field: "birth_date", age_at_least: 18, on: "2026-11-26")], requester: "bank-1",
            nonce: Array(repeating: 9, count: 32), expiry: 4_000_000_000, purpose: "loan-application")
    }

    /// What the reopened node showed: named errors (detections), silent wrong answers, or nothing different.
    struct Observation {
        /// Named errors: the change was caught.
        var detected: [String] = []
        /// Answers that differ and are not errors: a value that changed, more access than granted.
        var wrong: [String] = []
        /// Answers with less in them and no error: fields silently missing, a token with less clearance.
        var missing: [String] = []
        var summary: String {
            if !wrong.isEmpty { return "NOT DETECTED: " + wrong.joined(separator: "; ") }
            if !missing.isEmpty { return "NOT DETECTED (less returned): " + missing.joined(separator: "; ") }
            return detected.isEmpty ? "no observable change" : detected.joined(separator: "; ")
        }
    }

    /// Copies the pristine file, applies `change` with plain SQL, reopens the node and runs everything against it.
    static func evaluate(_ p: Pristine, _ change: (Database) throws -> Void) throws -> Observation {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cv-tamper-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let file = dir.appendingPathComponent("civicvault.sqlite").path
        try FileManager.default.copyItem(atPath: p.file, toPath: file)
        do {
            var config = Configuration()
            config.foreignKeysEnabled = false
            let raw = try DatabaseQueue(path: file, configuration: config)
            try raw.writeWithoutTransaction { db in try change(db) }
            try raw.close()
        }
        return observe(p, file: file, dataDirectory: dir.path)
    }

    static func observe(_ p: Pristine, file: String, dataDirectory: String) -> Observation {
        var o = Observation()
        func named(_ error: any Error) -> String { "\(type(of: error)): \(error)" }
        let storage: NodeStorage
        do { storage = try NodeStorage.open(dataDirectory: dataDirectory, keys: p.keys) } catch {
            o.detected.append("open: \(named(error))")
            return o
        }
        do { _ = try storage.verifyLedger() } catch { o.detected.append("ledger verify: \(named(error))") }
        do {
            let kept = try Checkpoint(parsing: try SignedNote(parsing: p.keptNote).text)
            let size = try storage.ledger.treeSize()
            if size < kept.treeSize {
                o.detected.append("kept checkpoint: size \(kept.treeSize) > stored \(size) (a consistency proof cannot exist)")
            } else if try storage.ledger.read({ try $0.root(treeSize: kept.treeSize) }) != kept.root {
                o.detected.append("kept checkpoint: root of size \(kept.treeSize) differs")
            }
        } catch { o.detected.append("kept checkpoint: \(named(error))") }
        let vault = storage.vault
        for (id, values) in p.expected.sorted(by: { $0.key < $1.key }) {
            do {
                let view = try vault.readRecord(id: id, purpose: "audit", by: officer)
                let changed = values.keys.filter { view.fields[$0] != nil && view.fields[$0] != values[$0] }.sorted()
                let absent = values.keys.filter { view.fields[$0] == nil }.sorted()
                if !changed.isEmpty { o.wrong.append("read \(id) returned other values for \(changed.joined(separator: ","))") }
                if !absent.isEmpty { o.missing.append("read \(id) returned no \(absent.joined(separator: ","))") }
            } catch { o.detected.append("read \(id): \(named(error))") }
        }
        do {
            let view = try vault.readRecord(id: p.shredded, purpose: "audit", by: officer)
            if !view.fields.isEmpty { o.wrong.append("shredded record \(p.shredded) returned values") }
        } catch {}
        do {
            let made = try vault.attestUnderPolicy(attestation(p.attestable), by: bank)
            let verifier = BundleVerifier(ledgerKey: try NoteVerifierKey(name: p.keys.name, publicKey: p.keys.signingKey.publicKey))
            do { _ = try verifier.verify(made.bundle, now: 1_795_000_000) } catch { o.detected.append("bundle verification: \(named(error))") }
        } catch { o.detected.append("attest: \(named(error))") }
        do {
            let log = try vault.accessLog(nationalID: p.citizens[p.attestable]!).map { Int($0.ledgerIndex) }
            // The attestation just made adds one event; anything else is a change.
            if Array(log.prefix(p.accessLog.count)) != p.accessLog { o.wrong.append("citizen access log differs: \(log) vs \(p.accessLog)") }
        } catch { o.detected.append("access log: \(named(error))") }
        let registry = storage.tokens
        for (token, grant) in p.tokens.sorted(by: { $0.key < $1.key }) {
            do {
                let now = try registry.resolve(token)
                let rank = ["public": 0, "internal": 1, "confidential": 2, "restricted": 3]
                if now != grant {
                    let text = "token of \(grant.actor) now resolves to \(now.role.rawValue)/\(now.actor)/\(now.clearance ?? "-")"
                    let less = now.role == grant.role && now.actor == grant.actor && now.citizen == grant.citizen
                        && (now.clearance.flatMap { rank[$0] } ?? -1) < (grant.clearance.flatMap { rank[$0] } ?? -1)
                    if less { o.missing.append(text) } else { o.wrong.append(text) }
                }
            } catch { o.detected.append("token of \(grant.actor): \(named(error))") }
        }
        do {
            _ = try vault.readRecord(id: p.attestable, purpose: "audit", by: Caller(id: "gone-1", role: .department, clearance: "restricted"))
            o.wrong.append("revoked member gone-1 could read")
        } catch {}
        do {
            let view = try vault.readRecord(id: p.attestable, purpose: "audit", by: clerk)
            if view.fields["national_id"] != nil || view.fields["income"] != nil { o.wrong.append("confidential clerk read restricted fields") }
        } catch { o.detected.append("clerk read: \(named(error))") }
        do {
            let id = try vault.createRecord(type: "citizen", nationalID: "TAMPER-NEW", input: [
                "national_id": .string("TAMPER-NEW"), "full_name": .string("New"), "birth_date": .string("1990-01-01"), "income": .integer(1),
                "email": .string("new@example.org"),
            ], by: clerk).recordID
            if try vault.readRecord(id: id, purpose: "audit", by: officer).fields["national_id"] != .string("TAMPER-NEW") { o.wrong.append("new write reads back wrong") }
            if try vault.readRecord(id: id, purpose: "audit", by: clerk).fields["national_id"] != nil { o.wrong.append("confidential clerk read a new record's national_id") }
        } catch { o.detected.append("write: \(named(error))") }
        return o
    }

    enum Expect: Sendable { case detected, harmless, notDetected }

    struct Case: Sendable {
        let table: String
        let change: String
        let expect: Expect
        let why: String
        let sql: @Sendable (Database, Pristine) throws -> Void
    }

    static func flip(_ db: Database, _ table: String, _ column: String, where condition: String, at offset: Int = 10) throws {
        let blob = try Data.fetchOne(db, sql: "SELECT \(column) FROM \(table) WHERE \(condition) LIMIT 1")!
        var bytes = [UInt8](blob)
        bytes[min(offset, bytes.count - 1)] ^= 0x01
        try db.execute(sql: "UPDATE \(table) SET \(column) = ? WHERE \(condition)", arguments: [Data(bytes)])
    }

    /// SQL for the current key version of the confidential tier.
    static let current = "(SELECT current_version FROM vault_tier WHERE name = 'confidential')"

    static let cases: [Case] = [
        // ledger_entry
        Case(table: "ledger_entry", change: "flip a byte of entry 5", expect: .detected, why: "leaf hash recomputed") { db, _ in try flip(db, "ledger_entry", "entry", where: "idx = 5") },
        Case(table: "ledger_entry", change: "flip a byte of entry 5 and store its new leaf hash", expect: .detected, why: "subtree/block root") { db, _ in
            try flip(db, "ledger_entry", "entry", where: "idx = 5")
            let bytes = [UInt8](try Data.fetchOne(db, sql: "SELECT entry FROM ledger_entry WHERE idx = 5")!)
            try db.execute(sql: "UPDATE ledger_entry SET leaf_hash = ? WHERE idx = 5", arguments: [Data(MerkleMath.leafHash(bytes))])
        },
        Case(table: "ledger_entry", change: "flip a byte of leaf_hash 3", expect: .detected, why: "leaf hash recomputed") { db, _ in try flip(db, "ledger_entry", "leaf_hash", where: "idx = 3", at: 0) },
        Case(table: "ledger_entry", change: "delete entry 7", expect: .detected, why: "entry missing") { db, _ in try db.execute(sql: "DELETE FROM ledger_entry WHERE idx = 7") },
        Case(table: "ledger_entry", change: "delete the last entry", expect: .detected, why: "the last block covers it") { db, _ in try db.execute(sql: "DELETE FROM ledger_entry WHERE idx = (SELECT MAX(idx) FROM ledger_entry)") },
        Case(table: "ledger_entry", change: "swap entries 2 and 6 (bytes and leaf hashes)", expect: .detected, why: "root") { db, _ in
            try db.execute(sql: "UPDATE ledger_entry SET idx = 999999 WHERE idx = 2; UPDATE ledger_entry SET idx = 2 WHERE idx = 6; UPDATE ledger_entry SET idx = 6 WHERE idx = 999999")
        },
        Case(table: "ledger_entry", change: "append an extra entry after the last block", expect: .detected, why: "unexpected entry") { db, _ in
            let bytes = [UInt8](try Data.fetchOne(db, sql: "SELECT entry FROM ledger_entry WHERE idx = 0")!)
            try db.execute(sql: "INSERT INTO ledger_entry (idx, leaf_hash, entry) VALUES ((SELECT MAX(idx) + 1 FROM ledger_entry), ?, ?)", arguments: [Data(MerkleMath.leafHash(bytes)), Data(bytes)])
        },
        // ledger_node
        Case(table: "ledger_node", change: "flip a byte of a stored subtree hash", expect: .detected, why: "subtree recomputed") { db, _ in try flip(db, "ledger_node", "hash", where: "level = 4 AND idx = 0", at: 0) },
        Case(table: "ledger_node", change: "delete a stored subtree hash", expect: .detected, why: "subtree missing") { db, _ in try db.execute(sql: "DELETE FROM ledger_node WHERE level = 4 AND idx = 0") },
        Case(table: "ledger_node", change: "insert a hash for a subtree not yet complete", expect: .harmless, why: "never read: the verifier and proofs only use complete subtrees they recompute; the append that completes it fails on the primary key, so nothing wrong is accepted") { db, _ in
            try db.execute(sql: "INSERT INTO ledger_node (level, idx, hash) VALUES (4, 1000, zeroblob(32))")
        },
        // ledger_block
        Case(table: "ledger_block", change: "flip a byte of block 3's header", expect: .detected, why: "signature/header") { db, _ in try flip(db, "ledger_block", "header", where: "height = 3") },
        Case(table: "ledger_block", change: "flip a byte of block 3's signature", expect: .detected, why: "signature") { db, _ in try flip(db, "ledger_block", "signature", where: "height = 3") },
        Case(table: "ledger_block", change: "delete block 4", expect: .detected, why: "block missing") { db, _ in try db.execute(sql: "DELETE FROM ledger_block WHERE height = 4") },
        Case(table: "ledger_block", change: "swap blocks 2 and 3", expect: .detected, why: "height/link") { db, _ in
            try db.execute(sql: "UPDATE ledger_block SET height = 999999 WHERE height = 2; UPDATE ledger_block SET height = 2 WHERE height = 3; UPDATE ledger_block SET height = 3 WHERE height = 999999")
        },
        Case(table: "ledger_block", change: "delete the last block only", expect: .detected, why: "its entries are unexpected; checkpoint size") { db, _ in try db.execute(sql: "DELETE FROM ledger_block WHERE height = (SELECT MAX(height) FROM ledger_block)") },
        // ledger_checkpoint
        Case(table: "ledger_checkpoint", change: "flip a byte of the signed note", expect: .detected, why: "note signature") { db, _ in
            let note = try String.fetchOne(db, sql: "SELECT note FROM ledger_checkpoint")!
            try db.execute(sql: "UPDATE ledger_checkpoint SET note = ?", arguments: [note.replacingOccurrences(of: "\n", with: "\n ", options: [], range: note.range(of: "\n"))])
        },
        Case(table: "ledger_checkpoint", change: "delete the checkpoint", expect: .detected, why: "checkpoint missing") { db, _ in try db.execute(sql: "DELETE FROM ledger_checkpoint") },
        Case(table: "ledger_checkpoint", change: "put back the previous (genuinely signed) checkpoint", expect: .detected, why: "size does not match the last block") { db, p in
            try db.execute(sql: "UPDATE ledger_checkpoint SET note = ?, tree_size = ?", arguments: [p.previousNote, Int64(p.previousSize)])
        },
        Case(table: "ledger_checkpoint", change: "lower tree_size column", expect: .harmless, why: "the column only orders checkpoint updates; readers use the signed note") { db, _ in try db.execute(sql: "UPDATE ledger_checkpoint SET tree_size = 1") },
        Case(table: "ledger_checkpoint", change: "roll back the whole tail: last block, its entries and the checkpoint", expect: .detected, why: "consistent with itself, so `ledger verify` alone passes; an auditor's kept checkpoint is larger than the stored tree") { db, p in
            try db.execute(sql: "DELETE FROM ledger_block WHERE height = (SELECT MAX(height) FROM ledger_block)")
            try db.execute(sql: "DELETE FROM ledger_entry WHERE idx >= ?", arguments: [Int64(p.previousSize)])
            try db.execute(sql: "DELETE FROM vault_citizen_event WHERE ledger_idx >= ?", arguments: [Int64(p.previousSize)])
            try db.execute(sql: "UPDATE ledger_checkpoint SET note = ?, tree_size = ?", arguments: [p.previousNote, Int64(p.previousSize)])
        },
        // vault_tier / vault_tier_key
        Case(table: "vault_tier", change: "raise min_decryption_version of confidential", expect: .detected, why: "reads refuse retired versions") { db, _ in try db.execute(sql: "UPDATE vault_tier SET min_decryption_version = 9 WHERE name = 'confidential'") },
        Case(table: "vault_tier", change: "raise current_version of internal (no such key)", expect: .detected, why: "writes need the key") { db, _ in try db.execute(sql: "UPDATE vault_tier SET current_version = 9 WHERE name = 'internal'") },
        Case(table: "vault_tier", change: "set rotating on restricted", expect: .harmless, why: "a rotation with nothing left to rewrap finishes on the next resume; reads name each DEK's version") { db, _ in try db.execute(sql: "UPDATE vault_tier SET rotating = 1 WHERE name = 'restricted'") },
        Case(table: "vault_tier", change: "move restricted below confidential (rank -1)", expect: .notDetected, why: "tier order is trusted state; tier.created entries record the ranks") { db, _ in try db.execute(sql: "UPDATE vault_tier SET rank = -1 WHERE name = 'restricted'") },
        Case(table: "vault_tier_key", change: "flip a byte of a wrapped tier key", expect: .detected, why: "AEAD under the KEK") { db, _ in try flip(db, "vault_tier_key", "wrapped", where: "tier = 'confidential' AND version = \(current)", at: 40) },
        Case(table: "vault_tier_key", change: "swap the current wrapped keys of internal and confidential", expect: .detected, why: "AAD binds tier and version") { db, _ in
            let a = try Data.fetchOne(db, sql: "SELECT wrapped FROM vault_tier_key WHERE tier = 'internal' AND version = \(current)".replacingOccurrences(of: "'confidential'", with: "'internal'"))!
            let b = try Data.fetchOne(db, sql: "SELECT wrapped FROM vault_tier_key WHERE tier = 'confidential' AND version = \(current)")!
            try db.execute(sql: "UPDATE vault_tier_key SET wrapped = ? WHERE tier = 'internal' AND version = \(current)".replacingOccurrences(of: "'confidential'", with: "'internal'"), arguments: [b])
            try db.execute(sql: "UPDATE vault_tier_key SET wrapped = ? WHERE tier = 'confidential' AND version = \(current)", arguments: [a])
        },
        Case(table: "vault_tier_key", change: "delete confidential's current key", expect: .detected, why: "key missing") { db, _ in try db.execute(sql: "DELETE FROM vault_tier_key WHERE tier = 'confidential' AND version = \(current)") },
        Case(table: "vault_tier_key", change: "flip a byte of a superseded key (confidential v1)", expect: .harmless, why: "every DEK was rewrapped to the current version; the old version opens nothing") { db, _ in
            try flip(db, "vault_tier_key", "wrapped", where: "tier = 'confidential' AND version = 1", at: 40)
        },
        // vault_schema
        Case(table: "vault_schema", change: "replace the schema JSON with garbage", expect: .detected, why: "stored schema corrupt") { db, _ in try db.execute(sql: "UPDATE vault_schema SET json = x'7b7b'") },
        Case(table: "vault_schema", change: "move national_id to the public tier", expect: .notDetected, why: "applies to new writes only; the ledger's schema.registered entry keeps the hash") { db, _ in
            var schema = try JSONSerialization.jsonObject(with: try Data.fetchOne(db, sql: "SELECT json FROM vault_schema")!) as! [String: Any]
            schema["fields"] = (schema["fields"] as! [[String: Any]]).map { field in
                var f = field
                if f["name"] as? String == "national_id" { f["tier"] = "public" }
                return f
            }
            try db.execute(sql: "UPDATE vault_schema SET json = ?", arguments: [try JSONSerialization.data(withJSONObject: schema)])
        },
        // vault_record
        Case(table: "vault_record", change: "bump a record's version", expect: .detected, why: "AAD binds the record version") { db, p in try db.execute(sql: "UPDATE vault_record SET version = version + 1 WHERE id = ?", arguments: [p.attestable]) },
        Case(table: "vault_record", change: "change a record's type", expect: .detected, why: "no schema for the type") { db, p in try db.execute(sql: "UPDATE vault_record SET type = 'horse' WHERE id = ?", arguments: [p.attestable]) },
        Case(table: "vault_record", change: "delete a record row", expect: .detected, why: "no record (the ledger shows it was created)") { db, p in
            for t in ["vault_field", "vault_data_key", "vault_opening"] { try db.execute(sql: "DELETE FROM \(t) WHERE record_id = ?", arguments: [p.updated]) }
            try db.execute(sql: "DELETE FROM vault_record WHERE id = ?", arguments: [p.updated])
        },
        Case(table: "vault_record", change: "un-shred a shredded record", expect: .harmless, why: "its keys, fields and openings were destroyed: nothing decrypts") { db, p in try db.execute(sql: "UPDATE vault_record SET shredded = 0 WHERE id = ?", arguments: [p.shredded]) },
        Case(table: "vault_record", change: "give a record another citizen's pseudonym", expect: .detected, why: "attestation looks the record's entry up under its pseudonym and finds none; reads still work, and the record.created entry keeps the true pseudonym") { db, p in
            try db.execute(sql: "UPDATE vault_record SET citizen = (SELECT citizen FROM vault_record WHERE id <> ?1 LIMIT 1) WHERE id = ?1", arguments: [p.attestable])
        },
        // vault_field
        Case(table: "vault_field", change: "flip a byte of a field ciphertext", expect: .detected, why: "AEAD") { db, p in try flip(db, "vault_field", "ciphertext", where: "record_id = '\(p.attestable)' AND field = 'full_name'", at: 30) },
        Case(table: "vault_field", change: "swap full_name ciphertexts of two records", expect: .detected, why: "AAD binds the record id") { db, p in
            let other = p.expected.keys.sorted().first { $0 != p.attestable && $0 != p.updated }!
            let a = try Data.fetchOne(db, sql: "SELECT ciphertext FROM vault_field WHERE record_id = ? AND field = 'full_name'", arguments: [p.attestable])!
            let b = try Data.fetchOne(db, sql: "SELECT ciphertext FROM vault_field WHERE record_id = ? AND field = 'full_name'", arguments: [other])!
            try db.execute(sql: "UPDATE vault_field SET ciphertext = ? WHERE record_id = ? AND field = 'full_name'", arguments: [b, p.attestable])
            try db.execute(sql: "UPDATE vault_field SET ciphertext = ? WHERE record_id = ? AND field = 'full_name'", arguments: [a, other])
        },
        Case(table: "vault_field", change: "swap full_name and birth_date ciphertexts of one record", expect: .detected, why: "AAD binds the field name") { db, p in
            let a = try Data.fetchOne(db, sql: "SELECT ciphertext FROM vault_field WHERE record_id = ? AND field = 'full_name'", arguments: [p.attestable])!
            let b = try Data.fetchOne(db, sql: "SELECT ciphertext FROM vault_field WHERE record_id = ? AND field = 'birth_date'", arguments: [p.attestable])!
            try db.execute(sql: "UPDATE vault_field SET ciphertext = ? WHERE record_id = ? AND field = 'full_name'", arguments: [b, p.attestable])
            try db.execute(sql: "UPDATE vault_field SET ciphertext = ? WHERE record_id = ? AND field = 'birth_date'", arguments: [a, p.attestable])
        },
        Case(table: "vault_field", change: "put back the ciphertext of the previous version", expect: .detected, why: "AAD binds the version, and the old DEK is gone") { db, p in
            try db.execute(sql: "UPDATE vault_field SET ciphertext = ? WHERE record_id = ? AND field = 'full_name'", arguments: [Data(p.oldFieldCiphertext), p.updated])
        },
        Case(table: "vault_field", change: "move a field row to another tier", expect: .detected, why: "AAD binds the tier") { db, p in
            try db.execute(sql: "UPDATE vault_field SET tier = 'internal' WHERE record_id = ? AND field = 'full_name'", arguments: [p.attestable])
        },
        Case(table: "vault_field", change: "delete an optional field row (email)", expect: .notDetected, why: "the read returns the record without it; the ledger's ciphertext_hash covers it") { db, p in
            try db.execute(sql: "DELETE FROM vault_field WHERE record_id = ? AND field = 'email'", arguments: [p.attestable])
        },
        // vault_data_key
        Case(table: "vault_data_key", change: "flip a byte of a wrapped DEK", expect: .detected, why: "AEAD") { db, p in try flip(db, "vault_data_key", "wrapped", where: "record_id = '\(p.attestable)' AND tier = 'confidential'", at: 40) },
        Case(table: "vault_data_key", change: "swap confidential DEKs of two records", expect: .detected, why: "AAD binds the record id") { db, p in
            let other = p.expected.keys.sorted().first { $0 != p.attestable && $0 != p.updated }!
            let a = try Data.fetchOne(db, sql: "SELECT wrapped FROM vault_data_key WHERE record_id = ? AND tier = 'confidential'", arguments: [p.attestable])!
            let b = try Data.fetchOne(db, sql: "SELECT wrapped FROM vault_data_key WHERE record_id = ? AND tier = 'confidential'", arguments: [other])!
            try db.execute(sql: "UPDATE vault_data_key SET wrapped = ? WHERE record_id = ? AND tier = 'confidential'", arguments: [b, p.attestable])
            try db.execute(sql: "UPDATE vault_data_key SET wrapped = ? WHERE record_id = ? AND tier = 'confidential'", arguments: [a, other])
        },
        Case(table: "vault_data_key", change: "change the tier key version a DEK names", expect: .detected, why: "AAD binds the version") { db, p in
            try db.execute(sql: "UPDATE vault_data_key SET tier_key_version = 1 WHERE record_id = ? AND tier = 'confidential'", arguments: [p.attestable])
        },
        Case(table: "vault_data_key", change: "delete a record's confidential DEK", expect: .detected, why: "data key missing (reads used to show the tier's fields as withheld, as if the clearance were too low)") { db, p in
            try db.execute(sql: "DELETE FROM vault_data_key WHERE record_id = ? AND tier = 'confidential'", arguments: [p.attestable])
        },
        // vault_opening
        Case(table: "vault_opening", change: "flip a byte of an opening ciphertext", expect: .detected, why: "AEAD") { db, p in try flip(db, "vault_opening", "ciphertext", where: "record_id = '\(p.attestable)' AND field = 'birth_date'", at: 30) },
        Case(table: "vault_opening", change: "replace a commitment with another record's", expect: .detected, why: "the prover refuses an opening that does not open it, or the bundle's statement no longer matches the ledger") { db, p in
            let other = p.expected.keys.sorted().first { $0 != p.attestable && $0 != p.updated }!
            try db.execute(sql: "UPDATE vault_opening SET commitment = (SELECT commitment FROM vault_opening WHERE record_id = ?1 AND field = 'birth_date') WHERE record_id = ?2 AND field = 'birth_date'", arguments: [other, p.attestable])
        },
        Case(table: "vault_opening", change: "delete an opening", expect: .detected, why: "attestation refuses") { db, p in try db.execute(sql: "DELETE FROM vault_opening WHERE record_id = ? AND field = 'birth_date'", arguments: [p.attestable]) },
        // vault_member, vault_token, vault_policy, vault_approval, vault_citizen_event
        Case(table: "vault_member", change: "un-revoke a revoked member", expect: .notDetected, why: "membership is trusted state; grant.revoked is on the ledger, and every later read by the member would be too") { db, _ in
            try db.execute(sql: "UPDATE vault_member SET revoked = 0 WHERE id = 'gone-1'")
        },
        Case(table: "vault_member", change: "raise a member's clearance column", expect: .harmless, why: "reads use the lower of the token's clearance and this column, so raising it grants nothing") { db, _ in try db.execute(sql: "UPDATE vault_member SET clearance = 'restricted' WHERE id = 'clerk-1'") },
        Case(table: "vault_token", change: "raise a token's clearance", expect: .notDetected, why: "token rows are trusted state (hash, role, clearance); not on the ledger") { db, _ in try db.execute(sql: "UPDATE vault_token SET clearance = 'restricted' WHERE actor = 'clerk-1'") },
        Case(table: "vault_token", change: "revoke every token", expect: .detected, why: "401 token_revoked") { db, _ in try db.execute(sql: "UPDATE vault_token SET revoked = 1") },
        Case(table: "ledger_cosigned", change: "insert a forged cosigned checkpoint", expect: .harmless, why: "a served cosigned note is only final when its witness lines verify against the configured keys; readers verify the log signature and the cosignatures themselves") { db, _ in try db.execute(sql: "INSERT INTO ledger_cosigned (tree_size, note) VALUES (3, 'forged')") },
        Case(table: "vault_policy", change: "replace the policy JSON with garbage", expect: .detected, why: "stored policy corrupt") { db, _ in try db.execute(sql: "UPDATE vault_policy SET json = x'5b5d'") },
        Case(table: "vault_policy", change: "drop every rule", expect: .detected, why: "attestation refused by policy (fails closed)") { db, _ in try db.execute(sql: #"UPDATE vault_policy SET json = CAST('{"version":1,"rules":[]}' AS BLOB)"#) },
        Case(table: "vault_approval", change: "mark the pending approval approved, without a bundle", expect: .harmless, why: "no bundle is made or served by it; the ledger has no request.approved entry") { db, _ in try db.execute(sql: "UPDATE vault_approval SET status = 'approved'") },
        Case(table: "vault_citizen_event", change: "delete a citizen's events", expect: .notDetected, why: "the access log is an index of the ledger; the entries (with the pseudonym) stay") { db, p in
            try db.execute(sql: "DELETE FROM vault_citizen_event WHERE ledger_idx = ?", arguments: [Int64(p.accessLog[0])])
        },
        Case(table: "grdb_migrations", change: "delete the migration log", expect: .detected, why: "reopening re-runs the migrations, which fail on the existing tables") { db, _ in try db.execute(sql: "DELETE FROM grdb_migrations") },
    ]

    @Test func everyTableTamperedIsDetectedOrHarmless() throws {
        let p = try Self.makePristine()
        defer { try? FileManager.default.removeItem(at: p.directory) }
        let baseline = try Self.evaluate(p) { _ in }
        #expect(baseline.detected.isEmpty && baseline.wrong.isEmpty, "pristine copy: \(baseline.summary)")
        var lines: [String] = []
        var tables = Set<String>()
        for c in Self.cases {
            let o = try Self.evaluate(p) { db in try c.sql(db, p) }
            tables.insert(c.table)
            switch c.expect {
            case .detected: #expect(!o.detected.isEmpty && o.wrong.isEmpty && o.missing.isEmpty, "\(c.table): \(c.change): \(o.summary)")
            case .harmless: #expect(o.detected.isEmpty && o.wrong.isEmpty && o.missing.isEmpty, "\(c.table): \(c.change): \(o.summary)")
            case .notDetected: break  // documented gaps: whatever happens is printed below
            }
            lines.append("| \(c.table) | \(c.change) | \(c.expect) | \(o.summary.prefix(220)) | \(c.why) |")
        }
        print("tamper: \(Self.cases.count) changes over \(tables.count) tables\n" + lines.joined(separator: "\n"))
        // Every table of the node has at least one case.
        let all = try DatabaseQueue(path: p.file).read { db in try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'") }
        #expect(Set(all).isSubset(of: tables), "tables without a tamper case: \(Set(all).subtracting(tables).sorted())")
    }

    /// Random single-byte flips anywhere in the file: each is caught (open, verify, read, attest, write) or
    /// changes nothing observable; none makes the node return a wrong value.
    @Test func randomByteFlipsInTheFile() throws {
        let p = try Self.makePristine()
        defer { try? FileManager.default.removeItem(at: p.directory) }
        let size = try FileManager.default.attributesOfItem(atPath: p.file)[.size] as! Int
        let flips = ProcessInfo.processInfo.environment["CIVICVAULT_TAMPER_FLIPS"].flatMap(Int.init) ?? 40
        var rng = SplitMix(state: ProcessInfo.processInfo.environment["CIVICVAULT_FUZZ_SEED"].flatMap(UInt64.init) ?? 0x7A_3BE5)
        var detected = 0, unchanged = 0, less = 0, wrong = 0
        for _ in 0..<flips {
            let offset = Int.random(in: 0..<size, using: &rng), mask = UInt8(1 << Int.random(in: 0..<8, using: &rng))
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cv-flip-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: dir) }
            let file = dir.appendingPathComponent("civicvault.sqlite").path
            var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: p.file)))
            bytes[offset] ^= mask
            try Data(bytes).write(to: URL(fileURLWithPath: file))
            let o = Self.observe(p, file: file, dataDirectory: dir.path)
            #expect(o.wrong.isEmpty, "byte \(offset) ^ \(mask): \(o.summary)")
            if !o.wrong.isEmpty { wrong += 1 } else if !o.missing.isEmpty { less += 1; print("tamper flip \(offset) ^ \(mask): \(o.summary)") }
            else if o.detected.isEmpty { unchanged += 1 } else { detected += 1 }
        }
        print("tamper: \(flips) random byte flips in a \(size)-byte database: \(detected) detected, \(unchanged) without observable effect, \(less) returned less without an error, \(wrong) wrong answers")
    }
}

/// SplitMix64, so the flipped offsets are the same on every run (seed: CIVICVAULT_FUZZ_SEED).
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
