import Foundation
import Testing
import VaultCrypto
import VaultLedger
import VaultNode
@testable import VaultCore
import VaultTestSupport

/// `Vault.importRecords`: a batch is one transaction and one ledger append, all or nothing, and idempotent by key,
/// on every backend.
@Suite struct ImportTests {
    static func items(_ range: Range<Int>, prefix: String = "k") -> [RecordImport] {
        range.map { i in
            let id = String(format: "IMP%05d", i)
            return RecordImport(
                key: "\(prefix)-\(i)", nationalID: id,
                values: ["national_id": .string(id), "full_name": .string("Person \(i)"), "birth_date": .string("1980-01-01"), "income": .integer(Int64(i))])
        }
    }

    static func counts(_ f: VaultFixture) throws -> (records: Int64, fields: Int64, ledger: UInt64) {
        (try f.test.integers("SELECT COUNT(*) FROM vault_record")[0], try f.test.integers("SELECT COUNT(*) FROM vault_field")[0], try f.storage.ledger.treeSize())
    }

    @Test(arguments: StorageBackend.available) func aBatchIsOneAppendAllOrNothing(backend: StorageBackend) async throws {
        let f = try await VaultFixture(backend)
        defer { f.cleanUp() }
        let before = try Self.counts(f)
        // Item 6 has an income that is not an integer: nothing of the batch is written, and the error names 6 and income.
        var bad = Self.items(0..<10)
        bad[6] = RecordImport(key: bad[6].key, nationalID: bad[6].nationalID, values: bad[6].values.merging(["income": .string("lots")]) { $1 })
        await #expect(throws: VaultError.importItemInvalid(index: 6, field: "income", reason: VaultError.wrongType(field: "income", expected: "integer").description)) {
            try await f.vault.importRecords(type: "citizen", bad, by: f.officer)
        }
        #expect(try Self.counts(f) == before)
        // A department cleared below the restricted fields: refused the same way, naming the first such field.
        let clerk = Caller(id: "clerk-1", role: .department, clearance: "confidential")
        await #expect(throws: VaultError.importItemInvalid(index: 0, field: "income", reason: VaultError.writeAboveClearance(field: "income", tier: "restricted").description)) {
            try await f.vault.importRecords(type: "citizen", Self.items(0..<5), by: clerk)
        }
        #expect(try Self.counts(f) == before)
        // A missing required field names it; a bad key names `key`; an unknown type writes nothing.
        var missing = Self.items(0..<3)
        missing[2] = RecordImport(key: "k-2", nationalID: "X", values: ["national_id": .string("X")])
        await #expect(throws: VaultError.importItemInvalid(index: 2, field: "full_name", reason: VaultError.missingField("full_name").description)) {
            try await f.vault.importRecords(type: "citizen", missing, by: f.officer)
        }
        await #expect(throws: VaultError.importItemInvalid(index: 0, field: "key", reason: "a key is 1-128 bytes of printable ASCII")) {
            try await f.vault.importRecords(type: "citizen", [RecordImport(key: "with space", nationalID: "X", values: [:])], by: f.officer)
        }
        #expect(try Self.counts(f) == before)

        // A good batch: ten records, ten consecutive entries, one signed block.
        let blocks = try f.storage.ledger.verify { _ in }.blockCount
        let done = try await f.vault.importRecords(type: "citizen", Self.items(0..<10), by: f.officer)
        #expect(done.map(\.status) == Array(repeating: .created, count: 10))
        #expect(done.map(\.receipt.ledgerIndex) == Array(before.ledger..<before.ledger + 10))
        #expect(try f.storage.ledger.verify { _ in }.blockCount == blocks + 1)
        let after = try Self.counts(f)
        #expect(after.records == before.records + 10 && after.ledger == before.ledger + 10)
        // Each record holds its own values, readable like any other.
        let view = try await f.vault.readRecord(id: done[7].receipt.recordID, purpose: "audit", by: f.officer)
        #expect(view.fields["full_name"] == .string("Person 7") && view.fields["income"] == .integer(7))
        #expect(try await f.vault.records(ofCitizen: "IMP00007", by: f.officer).map(\.id) == [done[7].receipt.recordID])
        let summary = try f.storage.ledger.verify { _ in }
        #expect(summary.treeSize == after.ledger + 1, "\(summary)")  // the read above is logged too
    }

    @Test(arguments: StorageBackend.available) func aRerunAfterAPartialImportMakesNoDuplicates(backend: StorageBackend) async throws {
        let f = try await VaultFixture(backend)
        defer { f.cleanUp() }
        let first = try await f.vault.importRecords(type: "citizen", Self.items(0..<5), by: f.officer)
        let size = try f.storage.ledger.treeSize()
        // The whole file again: the first five are found, not written; the rest are created.
        let all = try await f.vault.importRecords(type: "citizen", Self.items(0..<12), by: f.officer)
        #expect(all.map(\.status) == Array(repeating: .existing, count: 5) + Array(repeating: .created, count: 7))
        #expect(Array(all.prefix(5).map(\.receipt)) == first.map(\.receipt))
        #expect(try f.storage.ledger.treeSize() == size + 7)
        #expect(try Self.counts(f).records == 12)
        // Once more: nothing is written at all.
        let again = try await f.vault.importRecords(type: "citizen", Self.items(0..<12), by: f.officer)
        #expect(again.allSatisfy { $0.status == .existing } && again.map(\.receipt.recordID) == all.map(\.receipt.recordID))
        #expect(try f.storage.ledger.treeSize() == size + 7)
        // An updated record is still found (its latest version and entry are reported).
        let updated = try await f.vault.patchRecord(id: all[1].receipt.recordID, changes: ["income": .integer(99)], by: f.officer)
        let seen = try await f.vault.importRecords(type: "citizen", Self.items(1..<2), by: f.officer)
        #expect(seen == [ImportedRecord(key: "k-1", receipt: updated, status: .existing)])
        // The same key twice in a batch, or a key already used for another citizen, is refused.
        await #expect(throws: VaultError.importItemInvalid(index: 1, field: "key", reason: "the same key as item 0 of this batch")) {
            try await f.vault.importRecords(type: "citizen", Self.items(20..<21) + Self.items(20..<21), by: f.officer)
        }
        let reused = RecordImport(key: "k-3", nationalID: "SOMEONE-ELSE", values: Self.items(3..<4)[0].values)
        await #expect(throws: VaultError.importItemInvalid(index: 0, field: "key", reason: "this key was already imported for another citizen")) {
            try await f.vault.importRecords(type: "citizen", [reused], by: f.officer)
        }
        #expect(try f.storage.ledger.treeSize() == size + 8)
        // A database writer who deletes an imported record cannot make a rerun import it twice: the ledger has it.
        let victim = all[9].receipt.recordID
        for table in ["vault_field", "vault_data_key", "vault_opening"] { try f.test.execute("DELETE FROM \(table) WHERE record_id = '\(victim)'") }
        #expect(try f.test.execute("DELETE FROM vault_record WHERE id = '\(victim)'") == 1)
        await #expect(throws: VaultError.stateTampered(table: "vault_record", key: victim)) {
            try await f.vault.importRecords(type: "citizen", Self.items(9..<10), by: f.officer)
        }
        #expect(try Self.counts(f).records == 11)
    }

    @Test func recordIDsAreKeyedAndLookRandom() async throws {
        let (fa, fb) = (try await VaultFixture(), try await VaultFixture())
        defer { fa.cleanUp(); fb.cleanUp() }
        let (a, b) = (fa.vault, fb.vault)
        let id = a.importRecordID(type: "citizen", key: "k-1")
        #expect(id.hasPrefix("r-") && id.count == 34 && id.dropFirst(2).allSatisfy(\.isHexDigit))
        #expect(id == a.importRecordID(type: "citizen", key: "k-1"))
        #expect(id != b.importRecordID(type: "citizen", key: "k-1"))
        #expect(id != a.importRecordID(type: "citizen", key: "k-2") && id != a.importRecordID(type: "person", key: "k-1"))
    }
}
