import Foundation
import Testing
import VaultCrypto
import VaultLedger
import VaultNode
@testable import VaultCore
import VaultTestSupport

/// Writes respect clearance: for every tier and every clearance, a department member may create, patch or replace
/// a field only at or below its clearance; fields above it keep their values (read back by an officer), their
/// commitments stay on the new ledger entry, and attestations on them still verify. On SQLite and PostgreSQL.
@Suite struct WriteClearanceTests {
    static let tiers = ["public", "internal", "confidential", "restricted"]
    static let schema = """
        {"type": "tiered", "version": 1, "fields": [
          {"name": "f_public", "type": "integer", "tier": "public", "attestable": true},
          {"name": "f_internal", "type": "integer", "tier": "internal", "attestable": true},
          {"name": "f_confidential", "type": "integer", "tier": "confidential", "attestable": true},
          {"name": "f_restricted", "type": "integer", "tier": "restricted", "attestable": true}
        ]}
        """
    static func field(_ tier: String) -> String { "f_" + tier }
    static func rank(_ tier: String) -> Int { tiers.firstIndex(of: tier)! }
    /// The value each field is created with (distinct per tier, so a value moved between fields shows).
    static func original(_ tier: String) -> Int64 { Int64(1000 * (rank(tier) + 1)) }
    static let now: UInt64 = 1_795_000_000

    /// A vault with the tiered schema and a department member of every clearance.
    struct Setup {
        let f: VaultFixture
        let verifier: BundleVerifier

        init(_ backend: StorageBackend) async throws {
            f = try await VaultFixture(backend)
            try await f.vault.registerSchema(json: Data(WriteClearanceTests.schema.utf8), by: f.officer)
            for clearance in WriteClearanceTests.tiers {
                try await f.vault.grant(memberID: "dept-\(clearance)", role: .department, clearance: clearance, by: f.officer)
            }
            verifier = BundleVerifier(ledgerKey: try NoteVerifierKey(name: f.keys.name, publicKey: f.keys.signingKey.publicKey))
        }

        func clerk(_ clearance: String) async throws -> Caller { Caller(member: try await #require(try f.vault.member(id: "dept-\(clearance)"))) }

        /// A record (created by the officer) with the original value of each of `tiers`.
        func record(_ tiers: [String] = WriteClearanceTests.tiers, citizen: String) async throws -> RecordReceipt {
            try await f.vault.createRecord(
                type: "tiered", nationalID: citizen,
                input: Dictionary(uniqueKeysWithValues: tiers.map { (WriteClearanceTests.field($0), JSONValue.integer(WriteClearanceTests.original($0))) }),
                by: f.officer)
        }

        /// Every value, as an officer reads it.
        func values(_ id: String) async throws -> [String: FieldValue] { try await f.vault.readRecord(id: id, purpose: "audit", by: f.officer).fields }

        /// The `commitment.<field>` attributes of the ledger entry at `index`.
        func commitments(at index: UInt64) throws -> [String: LedgerEntry.Value] {
            try EntryCodec.decode(try f.storage.ledger.entry(at: index).bytes).attributes.filter { $0.key.hasPrefix("commitment.") }
        }

        /// Proves `field == value` for each of `expected` (one bundle) and verifies the bundle offline.
        func attestAndVerify(_ id: String, _ expected: [String: Int64]) async throws {
            guard !expected.isEmpty else { return }
            let nonce = RandomBytes.generate(32)
            let request = AttestationRequest(
                recordID: id, predicates: expected.keys.sorted().map { PredicateSpec(field: $0, at_least: expected[$0]!, at_most: expected[$0]!) },
                requester: "bank-1", nonce: nonce, expiry: WriteClearanceTests.now + 600, purpose: "loan")
            let made = try await f.vault.attest(request, by: f.officer) { _, _, _ in "test" }
            #expect(try verifier.verify(made.bundle, now: WriteClearanceTests.now, expecting: .replay(requester: "bank-1", nonce: nonce)).requester == "bank-1")
        }
    }

    /// Everything a refused or allowed write must leave alone: the fields above `clearance` keep their values and
    /// their commitments (the entry at `after` against the entry at `before`), and attestations on them verify.
    static func checkKept(_ s: Setup, _ id: String, clearance: String, before: UInt64, after: UInt64, label: String) async throws {
        let above = tiers.filter { rank($0) > rank(clearance) }
        let values = try await s.values(id)
        for tier in above { #expect(values[field(tier)] == .integer(original(tier)), "\(label): \(field(tier)) changed") }
        let (old, new) = (try s.commitments(at: before), try s.commitments(at: after))
        for tier in above { #expect(new["commitment." + field(tier)] == old["commitment." + field(tier)], "\(label): commitment of \(field(tier)) changed") }
        try await s.attestAndVerify(id, Dictionary(uniqueKeysWithValues: above.map { (field($0), original($0)) }))
    }

    @Test(arguments: StorageBackend.available) func patchSucceedsExactlyAtOrBelowClearanceAndKeepsTheRest(backend: StorageBackend) async throws {
        let s = try await Setup(backend)
        defer { s.f.cleanUp() }
        for clearance in Self.tiers {
            let clerk = try await s.clerk(clearance)
            for tier in Self.tiers {
                let label = "clearance \(clearance) patching \(tier)"
                let created = try await s.record(citizen: "P-\(clearance)-\(tier)")
                let changed: Int64 = 7_000 + Int64(Self.rank(tier))
                if Self.rank(tier) <= Self.rank(clearance) {
                    let receipt = try await s.f.vault.patchRecord(id: created.recordID, changes: [Self.field(tier): .integer(changed)], by: clerk)
                    #expect(receipt.version == 2, "\(label)")
                    var expected = Dictionary(uniqueKeysWithValues: Self.tiers.map { (Self.field($0), FieldValue.integer(Self.original($0))) })
                    expected[Self.field(tier)] = .integer(changed)
                    await #expect(try s.values(created.recordID) == expected, "\(label)")
                    // The patched field has a fresh commitment; the others keep theirs (and still prove their values).
                    let (old, new) = (try s.commitments(at: created.ledgerIndex), try s.commitments(at: receipt.ledgerIndex))
                    #expect(new.count == 4 && new["commitment." + Self.field(tier)] != old["commitment." + Self.field(tier)], "\(label)")
                    for other in Self.tiers where other != tier { #expect(new["commitment." + Self.field(other)] == old["commitment." + Self.field(other)], "\(label)") }
                    try await Self.checkKept(s, created.recordID, clearance: clearance, before: created.ledgerIndex, after: receipt.ledgerIndex, label: label)
                    try await s.attestAndVerify(created.recordID, [Self.field(tier): changed])
                } else {
                    await #expect(throws: VaultError.writeAboveClearance(field: Self.field(tier), tier: tier), "\(label)") {
                        try await s.f.vault.patchRecord(id: created.recordID, changes: [Self.field(tier): .integer(changed)], by: clerk)
                    }
                    // Naming it to remove it is refused too, and so is a patch naming an allowed and a forbidden field.
                    await #expect(throws: VaultError.writeAboveClearance(field: Self.field(tier), tier: tier), "\(label)") {
                        try await s.f.vault.patchRecord(id: created.recordID, changes: [Self.field(tier): .null], by: clerk)
                    }
                    await #expect(throws: VaultError.writeAboveClearance(field: Self.field(tier), tier: tier), "\(label)") {
                        try await s.f.vault.patchRecord(id: created.recordID, changes: [Self.field(tier): .integer(changed), "f_public": .integer(1)], by: clerk)
                    }
                    await #expect(try s.f.vault.records(ofCitizen: "P-\(clearance)-\(tier)", by: s.f.officer).map(\.version) == [1], "\(label)")
                    try await Self.checkKept(s, created.recordID, clearance: clearance, before: created.ledgerIndex, after: created.ledgerIndex, label: label)
                }
            }
        }
    }

    @Test(arguments: StorageBackend.available) func replaceSucceedsExactlyAtOrBelowClearanceAndNeverDropsOrRepeatsAboveIt(backend: StorageBackend) async throws {
        let s = try await Setup(backend)
        defer { s.f.cleanUp() }
        for clearance in Self.tiers {
            let clerk = try await s.clerk(clearance)
            let within = Self.tiers.filter { Self.rank($0) <= Self.rank(clearance) }
            for tier in Self.tiers {
                let label = "clearance \(clearance) replacing with \(tier)"
                // A record holding only fields within the clearance: a PUT may set a field iff it is within it too.
                let mine = try await s.record(within, citizen: "R-\(clearance)-\(tier)")
                var body = Dictionary(uniqueKeysWithValues: within.map { (Self.field($0), JSONValue.integer(Self.original($0))) })
                body[Self.field(tier)] = .integer(9_000)
                if Self.rank(tier) <= Self.rank(clearance) {
                    await #expect(try s.f.vault.updateRecord(id: mine.recordID, input: body, by: clerk).version == 2, "\(label)")
                    await #expect(try s.values(mine.recordID)[Self.field(tier)] == .integer(9_000), "\(label)")
                } else {
                    await #expect(throws: VaultError.writeAboveClearance(field: Self.field(tier), tier: tier), "\(label)") {
                        try await s.f.vault.updateRecord(id: mine.recordID, input: body, by: clerk)
                    }
                    await #expect(try s.values(mine.recordID)[Self.field(tier)] == nil, "\(label)")
                }
            }
            // A record with every tier: a PUT that drops the fields above the clearance, or repeats them unchanged,
            // or changes them, is refused for the first of them (values are never compared); nothing changes.
            let full = try await s.record(citizen: "F-\(clearance)")
            let above = Self.tiers.filter { Self.rank($0) > Self.rank(clearance) }
            let repeated = Dictionary(uniqueKeysWithValues: Self.tiers.map { (Self.field($0), JSONValue.integer(Self.original($0))) })
            let dropped = repeated.filter { within.map(Self.field).contains($0.key) }
            var changed = repeated
            if let top = above.last { changed[Self.field(top)] = .integer(1) }
            for body in [dropped, repeated, changed] {
                if let first = above.min(by: { Self.field($0) < Self.field($1) }) {
                    await #expect(throws: VaultError.writeAboveClearance(field: Self.field(first), tier: first), "clearance \(clearance): \(body.keys.sorted())") {
                        try await s.f.vault.updateRecord(id: full.recordID, input: body, by: clerk)
                    }
                } else {
                    await #expect(try s.f.vault.updateRecord(id: full.recordID, input: body, by: clerk).version > 1)
                }
            }
            if !above.isEmpty {
                await #expect(try s.f.vault.records(ofCitizen: "F-\(clearance)", by: s.f.officer).map(\.version) == [1])
                try await Self.checkKept(s, full.recordID, clearance: clearance, before: full.ledgerIndex, after: full.ledgerIndex, label: "clearance \(clearance) PUT")
            }
        }
    }

    @Test(arguments: StorageBackend.available) func createTakesOnlyFieldsAtOrBelowClearance(backend: StorageBackend) async throws {
        let s = try await Setup(backend)
        defer { s.f.cleanUp() }
        let before = try s.f.storage.ledger.treeSize()
        var created = 0
        for clearance in Self.tiers {
            let clerk = try await s.clerk(clearance)
            for tier in Self.tiers {
                let input: [String: JSONValue] = [Self.field(tier): .integer(5)]
                if Self.rank(tier) <= Self.rank(clearance) {
                    let receipt = try await s.f.vault.createRecord(type: "tiered", nationalID: "C-\(clearance)-\(tier)", input: input, by: clerk)
                    await #expect(try s.values(receipt.recordID) == [Self.field(tier): .integer(5)])
                    created += 1
                } else {
                    await #expect(throws: VaultError.writeAboveClearance(field: Self.field(tier), tier: tier)) {
                        try await s.f.vault.createRecord(type: "tiered", nationalID: "C-\(clearance)-\(tier)", input: input, by: clerk)
                    }
                    await #expect(try s.f.vault.records(ofCitizen: "C-\(clearance)-\(tier)", by: s.f.officer).isEmpty)
                }
            }
        }
        #expect(created == 10)  // 1 + 2 + 3 + 4
        #expect(try s.f.storage.ledger.treeSize() == before + UInt64(2 * created))  // each record.created and the officer's field.read; no refusal wrote anything
    }

    @Test(arguments: StorageBackend.available) func patchEdgesAndWhoMayWriteWhat(backend: StorageBackend) async throws {
        let s = try await Setup(backend)
        defer { s.f.cleanUp() }
        let f = s.f
        let r = try await f.vault.createRecord(type: "citizen", nationalID: "38001010000", input: f.input("38001010000"), by: f.officer)
        let clerk = try await s.clerk("confidential")
        let stored = { (field: String) async throws in try await f.test.vaultStore.read { try $0.fields(recordID: r.recordID) }.first { $0.field == field }?.ciphertext }
        let incomeCiphertext = try await stored("income")
        // A confidential clerk renames the citizen: national_id and income (restricted) keep their values.
        let renamed = try await f.vault.patchRecord(id: r.recordID, changes: ["full_name": .string("Mari Renamed"), "district": .null], by: clerk)
        let values = try await s.values(r.recordID)
        #expect(values == [
            "national_id": .string("38001010000"), "full_name": .string("Mari Renamed"), "birth_date": .date(days: 3652), "income": .integer(21000),
        ])
        // The record.updated entry holds commitments (income and birth_date kept, district gone), never values.
        let entry = try EntryCodec.decode(try f.storage.ledger.entry(at: renamed.ledgerIndex).bytes)
        #expect(entry.type == LedgerEntry.Kind.recordUpdated && entry.actor == "dept-confidential")
        #expect(Set(entry.attributes.keys.filter { $0.hasPrefix("commitment.") }) == ["commitment.birth_date", "commitment.income"])
        #expect(entry.attributes["commitment.income"] == (try s.commitments(at: r.ledgerIndex))["commitment.income"])
        let bytes = String(decoding: try f.storage.ledger.entry(at: renamed.ledgerIndex).bytes, as: UTF8.self)
        for plaintext in ["Mari", "38001010000", "21000"] { #expect(!bytes.contains(plaintext)) }
        // The kept values were re-encrypted for the new version, and the kept opening still proves the value.
        let rewritten = try await stored("income")
        #expect(rewritten != incomeCiphertext)
        try await s.attestAndVerify(r.recordID, ["income": 21000])
        // Required fields cannot be removed; unknown fields are refused before clearance; nothing was written.
        await #expect(throws: VaultError.missingField("full_name")) { try await f.vault.patchRecord(id: r.recordID, changes: ["full_name": .null], by: clerk) }
        await #expect(throws: VaultError.unknownField("shoe_size")) {
            try await f.vault.patchRecord(id: r.recordID, changes: ["shoe_size": .integer(9), "income": .integer(1)], by: clerk)
        }
        await #expect(throws: VaultError.wrongType(field: "birth_date", expected: "date (YYYY-MM-DD)")) {
            try await f.vault.patchRecord(id: r.recordID, changes: ["birth_date": .integer(9)], by: clerk)
        }
        // A downgraded member writes with its member record's clearance, not its caller's.
        try await f.vault.grant(memberID: "dept-restricted", role: .department, clearance: "internal", by: f.officer)
        let stale = Caller(id: "dept-restricted", role: .department, clearance: "restricted")
        await #expect(throws: VaultError.writeAboveClearance(field: "full_name", tier: "confidential")) {
            try await f.vault.patchRecord(id: r.recordID, changes: ["full_name": .string("X")], by: stale)
        }
        // A department member without a clearance writes nothing; an officer without one writes everything.
        let none = Caller(id: "dept-none", role: .department, clearance: nil)
        await #expect(throws: VaultError.writeAboveClearance(field: "district", tier: "internal")) {
            try await f.vault.patchRecord(id: r.recordID, changes: ["district": .string("south")], by: none)
        }
        await #expect(try f.vault.patchRecord(id: r.recordID, changes: ["income": .integer(30000)], by: f.officer).version == 3)
        await #expect(try s.values(r.recordID)["income"] == .integer(30000))
        await #expect(throws: VaultError.forbidden("role requester may not write records")) {
            try await f.vault.patchRecord(id: r.recordID, changes: ["district": .string("north")], by: Caller(id: "bank-1", role: .requester))
        }
        await #expect(try f.vault.records(ofCitizen: "38001010000", by: f.officer).map(\.version) == [3])
        try await f.vault.shred(id: r.recordID, by: f.officer)
        await #expect(throws: VaultError.recordShredded(r.recordID)) { try await f.vault.patchRecord(id: r.recordID, changes: [:], by: clerk) }
        await #expect(throws: VaultError.recordNotFound("r-none")) { try await f.vault.patchRecord(id: "r-none", changes: [:], by: clerk) }
        #expect(try f.storage.verifyLedger().treeSize > 0)
    }
}
