import Foundation
import GRDB
import Testing
@testable import VaultCore
import VaultCrypto
import VaultLedger
import VaultNode
import VaultSQLite
import VaultPostgres
import VaultTestSupport

/// Group commit on every backend: writers that queue while the database's writer lock is held share the next
/// transaction; one writer's failure undoes only its own work; every writer is answered only after its batch
/// committed, and the ledger verifies afterwards.
@Suite struct GroupCommitTests {
    static let officer = Caller.operatorCLI(id: "officer-1")

    static func input(_ n: Int) -> [String: JSONValue] {
        ["national_id": .string("GC-\(n)"), "full_name": .string("Person \(n)"), "birth_date": .string("1980-01-01")]
    }

    /// A node with the standard tiers and the citizen schema.
    static func node(_ backend: StorageBackend) async throws -> TestStore {
        let test = try TestStore(backend)
        try await test.vault.createStandardTiersIfNeeded(by: officer)
        try await test.vault.registerSchema(json: Data(contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../schemas/citizen.json").standardized), by: officer)
        return test
    }

    /// Holds the database's writer lock (SQLite's writer, PostgreSQL's advisory writer lock) for `seconds`, on a
    /// connection of its own, so writers queue up behind it.
    static func holdWriterLock(_ test: TestStore, seconds: Double) -> Task<Void, any Error> {
        switch test.backend {
        case .sqlite:
            let database = test.sqlite!.database
            return Task { try await database.write { _ in Thread.sleep(forTimeInterval: seconds) } }
        case .postgres:
            let pool = test.postgres!
            return Task { try await pool.blocking { try pool.maintain { _ in Thread.sleep(forTimeInterval: seconds) } } }
        }
    }

    @Test(arguments: StorageBackend.available) func queuedWritersShareOneTransactionAndAFailureUndoesOnlyItsOwn(backend: StorageBackend) async throws {
        let test = try await Self.node(backend)
        defer { test.cleanUp() }
        let vault = test.vault
        let before = vault.commitCounts
        let treeBefore = try test.ledger.treeSize()

        let hold = Self.holdWriterLock(test, seconds: 0.5)
        try await Task.sleep(nanoseconds: 100_000_000)  // the lock is taken
        struct Planted: Error {}
        let writers = 40
        let outcomes = try await withThrowingTaskGroup(of: (Int, String?).self) { group in
            for n in 0..<writers {
                group.addTask {
                    if n == 17 {
                        // Writes a member row and an entry, then fails: its savepoint must undo both.
                        do {
                            _ = try await vault.store.write { tx in
                                try tx.saveMember(Member(id: "planted-1", role: .officer, clearance: nil, revoked: false))
                                throw Planted()
                            }
                            return (n, nil)
                        } catch { return (n, "\(error)") }
                    }
                    let receipt = try await vault.createRecord(type: "citizen", nationalID: "GC-\(n)", input: Self.input(n), by: Self.officer)
                    return (n, receipt.recordID)
                }
            }
            var all: [Int: String?] = [:]
            for try await (n, value) in group { all[n] = value }
            return all
        }
        try await hold.value

        #expect(outcomes.count == writers)
        #expect(outcomes[17] == "Planted()")
        for n in 0..<writers where n != 17 { #expect(outcomes[n]??.hasPrefix("r-") == true, "writer \(n)") }
        // Everything queued behind the lock went into very few transactions (the first batch may hold only the
        // writers that arrived before the drain started).
        let after = vault.commitCounts
        #expect(after.writers - before.writers == UInt64(writers))
        #expect(after.transactions - before.transactions <= 3, "\(after.transactions - before.transactions) transactions")
        // The failed writer left nothing; every other record is there, readable, and on the ledger.
        #expect(try await vault.member(id: "planted-1") == nil)
        #expect(try test.ledger.treeSize() == treeBefore + UInt64(writers - 1))
        for n in [0, 16, 18, 39] {
            let view = try await vault.readRecord(id: outcomes[n]!!, purpose: "audit", by: Self.officer)
            #expect(view.fields["full_name"] == .string("Person \(n)"))
        }
        _ = try test.store.verifyLedger()
        // Another node (or a restart) replays the same state: nothing was applied that did not commit.
        let reopened = try test.reopened()
        #expect(try await reopened.vault.records(ofCitizen: "GC-39", by: Self.officer).count == 1)
        #expect(try await reopened.vault.member(id: "planted-1") == nil)
    }

    /// Two writers of one batch that conflict decide one after the other: a member revoked by the first cannot write
    /// in the second, which sees the revocation through the state the batch left, not the committed one.
    @Test(arguments: StorageBackend.available) func aBatchOfConcurrentWritersCannotDoubleSpendARevocation(backend: StorageBackend) async throws {
        let test = try await Self.node(backend)
        defer { test.cleanUp() }
        let vault = test.vault
        _ = try await vault.grant(memberID: "clerk-9", role: .department, clearance: "internal", by: Self.officer)
        let hold = Self.holdWriterLock(test, seconds: 0.4)
        try await Task.sleep(nanoseconds: 100_000_000)
        // In one batch: revoke clerk-9, then (queued after it) clerk-9 writes a record with its old token's caller.
        let before = vault.commitCounts
        async let revoked = vault.revoke(memberID: "clerk-9", by: Self.officer)
        try await Task.sleep(nanoseconds: 20_000_000)
        async let acted: Result<RecordReceipt, any Error> = {
            do {
                return .success(try await vault.createRecord(
                    type: "citizen", nationalID: "GC-1", input: Self.input(1), by: Caller(id: "clerk-9", role: .department, clearance: "internal")))
            } catch { return .failure(error) }
        }()
        _ = try await revoked
        let outcome = await acted
        try await hold.value
        // Both writers went into the transaction that followed the lock (the revocation's rotations come later).
        #expect(vault.commitCounts.transactions - before.transactions >= 1)
        guard case let .failure(error) = outcome else { Issue.record("a revoked member acted in the batch after its revocation"); return }
        #expect(error as? VaultError == .forbidden("member clerk-9 is revoked"))
    }
}
