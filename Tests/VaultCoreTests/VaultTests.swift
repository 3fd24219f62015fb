import Foundation
import Testing
import VaultCrypto
import VaultLedger
import VaultNode
@testable import VaultCore
import VaultTestSupport

@Suite struct VaultTests {
    @Test(arguments: StorageBackend.available) func clearanceDecidesWhichFieldsAreReadAndRefusalsAreLogged(backend: StorageBackend) async throws {
        let f = try await VaultFixture(backend)
        defer { f.cleanUp() }
        try await f.vault.grant(memberID: "clerk-1", role: .department, clearance: "internal", by: f.officer)
        try await f.vault.grant(memberID: "analyst-1", role: .department, clearance: "confidential", by: f.officer)
        let receipt = try await f.vault.createRecord(type: "citizen", nationalID: "38001010000", input: f.input("38001010000"), by: f.officer)
        let clerk = await Caller(member: try #require(try f.vault.member(id: "clerk-1")))
        let view = try await f.vault.readRecord(id: receipt.recordID, purpose: "benefit-check", by: clerk)
        #expect(view.fields == ["district": .enumeration("north")])
        #expect(view.withheld == ["birth_date", "full_name", "income", "national_id"])
        let analyst = await Caller(member: try #require(try f.vault.member(id: "analyst-1")))
        let full = try await f.vault.readRecord(id: receipt.recordID, purpose: "audit", by: analyst)
        #expect(full.fields["full_name"] == .string("Mari Maasikas"))
        #expect(full.fields["birth_date"] == .date(days: 3652))
        #expect(full.withheld == ["income", "national_id"])
        // The refusal is on the ledger, in the field.read entry of the clerk.
        let log = try await f.vault.accessLog(nationalID: "38001010000")
        #expect(log.map(\.type) == ["record.created", "field.read", "field.read"])
        #expect(log[1].actor == "clerk-1" && log[1].refused == ["birth_date", "full_name", "income", "national_id"] && log[1].purpose == "benefit-check")
        #expect(log[2].fields == ["birth_date", "district", "full_name"])
        // A requester may read nothing: refused before the record is touched, so no token holder can flood the
        // citizen's log with refusals.
        let size = try f.storage.ledger.treeSize()
        await #expect(throws: VaultError.forbidden("role requester may not read records")) {
            try await f.vault.readRecord(id: receipt.recordID, purpose: "loan", by: Caller(id: "bank-1", role: .requester))
        }
        #expect(try f.storage.ledger.treeSize() == size)
        await #expect(try f.vault.accessLog(nationalID: "38001010000").count == 3)
        await #expect(throws: VaultError.invalidPurpose) { try await f.vault.readRecord(id: receipt.recordID, purpose: "Because I want to", by: analyst) }
    }

    @Test(arguments: StorageBackend.available) func aCiphertextCopiedToAnotherRecordOrFieldDoesNotDecrypt(backend: StorageBackend) async throws {
        let f = try await VaultFixture(backend)
        defer { f.cleanUp() }
        let a = try await f.vault.createRecord(type: "citizen", nationalID: "1", input: f.input("1", name: "Alice"), by: f.officer)
        let b = try await f.vault.createRecord(type: "citizen", nationalID: "2", input: f.input("2", name: "Bob"), by: f.officer)
        // Copy Alice's full_name ciphertext over Bob's: Bob's record must fail to read it, not show "Alice".
        try f.test.execute("""
            UPDATE vault_field SET ciphertext = (SELECT ciphertext FROM vault_field WHERE record_id = '\(a.recordID)' AND field = 'full_name')
            WHERE record_id = '\(b.recordID)' AND field = 'full_name'
            """)
        // The ledger's ciphertext_hash names the change before anything is decrypted.
        await #expect(throws: VaultError.stateTampered(table: "vault_field", key: b.recordID)) {
            try await f.vault.readRecord(id: b.recordID, purpose: "audit", by: f.officer)
        }
        // Moving a ciphertext to another field of the same record fails too.
        try f.test.execute("""
            UPDATE vault_field SET ciphertext = (SELECT ciphertext FROM vault_field WHERE record_id = '\(a.recordID)' AND field = 'full_name')
            WHERE record_id = '\(a.recordID)' AND field = 'birth_date'
            """)
        await #expect(throws: VaultError.self) { try await f.vault.readRecord(id: a.recordID, purpose: "audit", by: f.officer) }
    }

    @Test(arguments: StorageBackend.available) func rotationKeepsEveryRecordReadableAndOldVersionsCanBeRetired(backend: StorageBackend) async throws {
        let f = try await VaultFixture(backend)
        defer { f.cleanUp() }
        var ids: [String] = []
        for n in 0..<25 { ids.append(try await f.vault.createRecord(type: "citizen", nationalID: "n\(n)", input: f.input("n\(n)", name: "Person \(n)"), by: f.officer).recordID) }
        var reports: [RotationProgress] = []
        let done = try await f.vault.rotate(tier: "confidential", by: f.officer, batchSize: 10) { reports.append($0) }
        #expect(reports.map(\.rewrapped) == [10, 20, 25])
        #expect(done.remaining == 0 && done.version == 2)
        // A rotation interrupted after it began (as by a crash) blocks retiring, and resuming finishes it.
        try await f.vault.beginRotation(tier: "internal", by: f.officer)
        await #expect(throws: VaultError.rotationUnfinished(tier: "internal", remaining: 25)) {
            try await f.vault.retire(tier: "internal", below: 2, by: f.officer)
        }
        await #expect(try f.vault.readRecord(id: ids[0], purpose: "audit", by: f.officer).fields["district"] == .enumeration("north"))
        let resumed = try await f.vault.resumeRotations(by: f.officer, batchSize: 7)
        #expect(resumed == [RotationProgress(tier: "internal", version: 2, rewrapped: 25, remaining: 0)])
        try await f.vault.retire(tier: "internal", below: 2, by: f.officer)
        try await f.vault.retire(tier: "confidential", below: 2, by: f.officer)
        for (i, id) in ids.enumerated() {
            await #expect(try f.vault.readRecord(id: id, purpose: "audit", by: f.officer).fields["full_name"] == .string("Person \(i)"))
        }
        await #expect(try f.vault.tiers().first { $0.name == "confidential" }?.minDecryptionVersion == 2)
        #expect(try f.test.integers("SELECT COUNT(*) AS v FROM vault_tier_key WHERE tier = 'confidential'") == [1])
        #expect(try f.storage.verifyLedger().treeSize > 0)
    }

    @Test(arguments: StorageBackend.available) func aRevokedMemberCanNoLongerReadAndItsTiersAreRotated(backend: StorageBackend) async throws {
        let f = try await VaultFixture(backend)
        defer { f.cleanUp() }
        try await f.vault.grant(memberID: "clerk-2", role: .department, clearance: "confidential", by: f.officer)
        let r = try await f.vault.createRecord(type: "citizen", nationalID: "3", input: f.input("3"), by: f.officer)
        let clerk = await Caller(member: try #require(try f.vault.member(id: "clerk-2")))
        await #expect(try f.vault.readRecord(id: r.recordID, purpose: "audit", by: clerk).fields.count == 3)
        let rotations = try await f.vault.revoke(memberID: "clerk-2", by: f.officer).rotations
        #expect(rotations.map(\.tier) == ["public", "internal", "confidential"])
        await #expect(throws: VaultError.forbidden("member clerk-2 is revoked")) {
            try await f.vault.readRecord(id: r.recordID, purpose: "audit", by: clerk)
        }
        await #expect(try f.vault.readRecord(id: r.recordID, purpose: "audit", by: f.officer).fields.count == 5)
    }

    @Test(arguments: StorageBackend.available) func shreddedRecordsCannotBeReadAndTheLedgerStillVerifies(backend: StorageBackend) async throws {
        let f = try await VaultFixture(backend)
        defer { f.cleanUp() }
        let r = try await f.vault.createRecord(type: "citizen", nationalID: "4", input: f.input("4"), by: f.officer)
        await #expect(throws: VaultError.forbidden("role department may not shred records")) {
            try await f.vault.shred(id: r.recordID, by: Caller(id: "clerk", role: .department, clearance: "restricted"))
        }
        try await f.vault.shred(id: r.recordID, by: f.officer)
        await #expect(throws: VaultError.recordShredded(r.recordID)) { try await f.vault.readRecord(id: r.recordID, purpose: "audit", by: f.officer) }
        await #expect(throws: VaultError.recordShredded(r.recordID)) { try await f.vault.updateRecord(id: r.recordID, input: f.input("4"), by: f.officer) }
        let id = r.recordID
        let left = try f.test.integers("""
            SELECT (SELECT COUNT(*) FROM vault_field WHERE record_id = '\(id)') + (SELECT COUNT(*) FROM vault_data_key WHERE record_id = '\(id)')
                 + (SELECT COUNT(*) FROM vault_opening WHERE record_id = '\(id)') AS v
            """)
        #expect(left == [0])
        let summary = try f.storage.verifyLedger()
        #expect(summary.treeSize == 7)  // 4 tiers + schema + created + shredded
        await #expect(try f.vault.accessLog(nationalID: "4").map(\.type) == ["record.created", "record.shredded"])
    }

    @Test(arguments: StorageBackend.available) func updatesDestroyTheOldVersionAndBindTheNewOne(backend: StorageBackend) async throws {
        let f = try await VaultFixture(backend)
        defer { f.cleanUp() }
        let r = try await f.vault.createRecord(type: "citizen", nationalID: "5", input: f.input("5", income: 100), by: f.officer)
        try f.test.execute("CREATE TABLE saved_cipher AS SELECT ciphertext FROM vault_field WHERE record_id = '\(r.recordID)' AND field = 'income'")
        let u = try await f.vault.updateRecord(id: r.recordID, input: f.input("5", income: 200), by: f.officer)
        #expect(u.version == 2)
        await #expect(try f.vault.readRecord(id: r.recordID, purpose: "audit", by: f.officer).fields["income"] == .integer(200))
        // The old ciphertext, if restored, no longer decrypts (new DEK, new version in the AAD).
        #expect(try f.test.execute("UPDATE vault_field SET ciphertext = (SELECT ciphertext FROM saved_cipher) WHERE record_id = '\(r.recordID)' AND field = 'income'") == 1)
        await #expect(throws: VaultError.self) { try await f.vault.readRecord(id: r.recordID, purpose: "audit", by: f.officer) }
        await #expect(try f.vault.accessLog(nationalID: "5").map(\.type).prefix(2) == ["record.created", "record.updated"])
    }

    @Test(arguments: StorageBackend.available) func badInputIsRefusedBeforeAnythingIsWritten(backend: StorageBackend) async throws {
        let f = try await VaultFixture(backend)
        defer { f.cleanUp() }
        let before = try f.storage.ledger.treeSize()
        var input = f.input("6")
        input["favourite_colour"] = .string("blue")
        await #expect(throws: VaultError.unknownField("favourite_colour")) { try await f.vault.createRecord(type: "citizen", nationalID: "6", input: input, by: f.officer) }
        await #expect(throws: VaultError.unknownRecordType("dog")) { try await f.vault.createRecord(type: "dog", nationalID: "6", input: [:], by: f.officer) }
        await #expect(throws: VaultError.forbidden("role requester may not write records")) {
            try await f.vault.createRecord(type: "citizen", nationalID: "6", input: f.input("6"), by: Caller(id: "bank", role: .requester))
        }
        #expect(try f.storage.ledger.treeSize() == before)
        #expect(try f.test.integers("SELECT COUNT(*) AS v FROM vault_record") == [0])
    }
}
