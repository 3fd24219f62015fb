import Foundation
import Testing
import VaultCrypto
import VaultLedger
import VaultNode
@testable import VaultCore
import VaultTestSupport

/// Approvals are decided once, never by their filer, by k distinct officers: on every backend, under races, and
/// as the ledger and the citizen's log tell it.
@Suite struct ApprovalTests {
    static let policyJSON = """
        {"version": 1, "rules": [
          {"id": "landlords-one", "requesters": ["landlord-1"], "record_type": "citizen", "allow": ["district:in:north|south"], "purposes": ["tenancy"], "approval": true},
          {"id": "landlords-two", "requesters": ["landlord-2"], "record_type": "citizen", "allow": ["district:in:north|south"], "purposes": ["tenancy"], "approvals": 2}
        ]}
        """
    static let district = PredicateSpec(field: "district", in: ["north", "south"])

    struct Setup {
        let f: VaultFixture
        let recordID: String
        let nonce = RandomBytes.generate(32)

        init(_ backend: StorageBackend) async throws {
            f = try await VaultFixture(backend)
            try await f.vault.installPolicy(try Policy.parse(Data(ApprovalTests.policyJSON.utf8)), by: f.officer)
            recordID = try await f.vault.createRecord(type: "citizen", nationalID: "38001010000", input: f.input("38001010000"), by: f.officer).recordID
        }

        /// Files a request of `requester` (by itself, or by `filer`) and returns the pending approval.
        func file(_ requester: String, by filer: Caller? = nil) async throws -> Approval {
            let request = AttestationRequest(
                recordID: recordID, predicates: [ApprovalTests.district], requester: requester, nonce: nonce,
                expiry: UInt64(Date().timeIntervalSince1970) + 600, purpose: "tenancy")
            guard case let .pending(approval) = try await f.vault.requestAttestation(request, by: filer ?? Caller(id: requester, role: .requester)) else {
                throw VaultError.corrupt("expected a pending approval")
            }
            return approval
        }

        /// Every ledger entry, decoded.
        func entries() throws -> [LedgerEntry] {
            try (0..<(try f.storage.ledger.treeSize())).map { try EntryCodec.decode(try f.storage.ledger.entry(at: $0).bytes) }
        }

        /// How many entries of `type` the ledger holds about `approval` (or, for `attested`, the questions of its
        /// requester answered true, as their sealed answers say).
        func count(_ type: String, _ approval: Approval) throws -> Int {
            try entries().filter { entry in
                type == LedgerEntry.Kind.attested
                    ? entry.type == LedgerEntry.Kind.question && entry.attributes["requester"] == .string(approval.request.requester)
                        && f.vault.answer(of: entry)?.outcome == .answeredTrue
                    : entry.type == type && entry.attributes["approval"] == .string(approval.id)
            }.count
        }

        func citizenLogTypes() async throws -> [String] { try await f.vault.accessLog(nationalID: "38001010000").map(\.type) }
    }

    static func officer(_ n: Int) -> Caller { Caller(id: "officer-\(n)", role: .officer) }

    @Test(arguments: StorageBackend.available) func concurrentDecidersDecideOnce(backend: StorageBackend) async throws {
        let s = try await Setup(backend)
        defer { s.f.cleanUp() }
        let approval = try await s.file("landlord-1")
        let vault = s.f.vault
        let deciders = 16
        final class Outcomes: @unchecked Sendable {
            let lock = NSLock()
            var won: [(officer: String, approval: Approval)] = []
            var refused: [any Error] = []
        }
        let outcomes = Outcomes()
        await withTaskGroup(of: Void.self) { group in
            for n in 0..<deciders {
                group.addTask {
                    let officer = Self.officer(100 + n)
                    do {
                        let decided = try await vault.decide(approvalID: approval.id, approve: n % 2 == 0, by: officer)
                        outcomes.lock.withLock { outcomes.won.append((officer.id, decided)) }
                    } catch {
                        outcomes.lock.withLock { outcomes.refused.append(error) }
                    }
                }
            }
        }

        try #require(outcomes.won.count == 1)
        let winner = outcomes.won[0]
        let stored = try await #require(try vault.approval(id: approval.id))
        #expect(stored == winner.approval)
        #expect(stored.decidedBy == winner.officer)
        #expect(outcomes.refused.count == deciders - 1)
        for error in outcomes.refused { #expect(error as? VaultError == .alreadyDecided(approval.id, stored.status)) }
        // The status agrees with the ledger: one attestation and one request.approved, or none and one request.denied.
        let attested = try s.count(LedgerEntry.Kind.attested, approval)
        switch stored.status {
        case .approved:
            #expect(stored.bundle != nil && stored.approvers == [winner.officer])
            #expect(attested == 1)
            #expect(try s.count(LedgerEntry.Kind.requestApproved, approval) == 1)
            #expect(try s.count(LedgerEntry.Kind.requestDenied, approval) == 0)
        case .denied:
            #expect(stored.bundle == nil && stored.approvers.isEmpty)
            #expect(attested == 0)
            #expect(try s.count(LedgerEntry.Kind.requestApproved, approval) == 0)
            #expect(try s.count(LedgerEntry.Kind.requestDenied, approval) == 1)
        case .pending:
            Issue.record("a decision won but the approval is still pending")
        }
        #expect(try s.count(LedgerEntry.Kind.requestApproval, approval) == (stored.status == .approved ? 1 : 0))
    }

    @Test(arguments: StorageBackend.available) func twoOfNNeedsTwoDistinctOfficers(backend: StorageBackend) async throws {
        let s = try await Setup(backend)
        defer { s.f.cleanUp() }
        let approval = try await s.file("landlord-2")
        #expect(approval.required == 2 && approval.filedBy == "landlord-2" && approval.approvers.isEmpty)
        let before = try s.entries().count

        let first = try await s.f.vault.decide(approvalID: approval.id, approve: true, by: Self.officer(1))
        #expect(first.status == .pending && first.approvers == ["officer-1"] && first.bundle == nil)
        #expect(try s.count(LedgerEntry.Kind.attested, approval) == 0)
        await #expect(throws: VaultError.alreadyApproved(approval.id, officer: "officer-1")) {
            try await s.f.vault.decide(approvalID: approval.id, approve: true, by: Self.officer(1))
        }
        await #expect(try s.f.vault.approval(id: approval.id) == first)
        #expect(try s.entries().count == before + 1)  // the refused second approval wrote nothing

        let second = try await s.f.vault.decide(approvalID: approval.id, approve: true, by: Self.officer(2))
        #expect(second.status == .approved && second.approvers == ["officer-1", "officer-2"] && second.decidedBy == "officer-2")
        let bundle = try #require(second.bundle)
        let verifier = BundleVerifier(ledgerKey: try NoteVerifierKey(name: s.f.keys.name, publicKey: s.f.keys.signingKey.publicKey))
        #expect(try verifier.verify(bundle, now: UInt64(Date().timeIntervalSince1970), expecting: .replay(requester: "landlord-2", nonce: s.nonce)).requester == "landlord-2")
        await #expect(try s.f.vault.approval(id: approval.id) == second)
        await #expect(throws: VaultError.alreadyDecided(approval.id, .approved)) {
            try await s.f.vault.decide(approvalID: approval.id, approve: false, by: Self.officer(3))
        }

        // The ledger: each approval with its count, then request.approved and attested in the same transaction.
        let tail = Array(try s.entries().suffix(4))
        #expect(tail.map(\.type) == ["request.approval", "request.approval", "request.approved", "question"])
        #expect(tail.map(\.actor) == ["officer-1", "officer-2", "officer-2", "officer-2"])
        #expect(tail[0].attributes["count"] == .u64(1) && tail[0].attributes["required"] == .u64(2))
        #expect(tail[1].attributes["count"] == .u64(2) && tail[1].attributes["rule"] == .string("landlords-two"))
        #expect(tail[2].attributes["record"] == .string(s.recordID) && tail[2].attributes["requester"] == .string("landlord-2"))
        // And the citizen sees all of it.
        await #expect(try s.citizenLogTypes() == ["record.created", "request.filed", "request.approval", "request.approval", "request.approved", "question"])
    }

    @Test(arguments: StorageBackend.available) func oneDenialDeniesAndIsLogged(backend: StorageBackend) async throws {
        let s = try await Setup(backend)
        defer { s.f.cleanUp() }
        let approval = try await s.file("landlord-2")
        _ = try await s.f.vault.decide(approvalID: approval.id, approve: true, by: Self.officer(1))
        let denied = try await s.f.vault.decide(approvalID: approval.id, approve: false, by: Self.officer(2))
        #expect(denied.status == .denied && denied.decidedBy == "officer-2" && denied.bundle == nil && denied.approvers == ["officer-1"])
        await #expect(throws: VaultError.alreadyDecided(approval.id, .denied)) {
            try await s.f.vault.decide(approvalID: approval.id, approve: true, by: Self.officer(3))
        }
        #expect(try s.count(LedgerEntry.Kind.attested, approval) == 0)
        await #expect(try s.citizenLogTypes() == ["record.created", "request.filed", "request.approval", "request.denied"])
    }

    @Test(arguments: StorageBackend.available) func theFilerNeverDecides(backend: StorageBackend) async throws {
        let s = try await Setup(backend)
        defer { s.f.cleanUp() }
        // An officer files in a requester's name: he may neither approve nor deny it; another officer may.
        let filed = try await s.file("landlord-1", by: Self.officer(1))
        #expect(filed.filedBy == "officer-1" && filed.request.requester == "landlord-1" && filed.required == 1)
        for approve in [true, false] {
            await #expect(throws: VaultError.forbidden("officer-1 filed approval \(filed.id) and may not decide it")) {
                try await s.f.vault.decide(approvalID: filed.id, approve: approve, by: Self.officer(1))
            }
        }
        await #expect(try s.f.vault.approval(id: filed.id)?.status == .pending)
        #expect(try s.count(LedgerEntry.Kind.requestApproval, filed) == 0)
        await #expect(try s.f.vault.decide(approvalID: filed.id, approve: true, by: Self.officer(2)).status == .approved)
        // The requester that filed its own request is no officer; nor can an unknown id be decided.
        let own = try await s.file("landlord-1")
        #expect(own.filedBy == "landlord-1")
        await #expect(throws: VaultError.forbidden("role requester may not decide approvals")) {
            try await s.f.vault.decide(approvalID: own.id, approve: true, by: Caller(id: "landlord-1", role: .requester))
        }
        await #expect(throws: VaultError.approvalNotFound("a-none")) { try await s.f.vault.decide(approvalID: "a-none", approve: true, by: Self.officer(2)) }
        // Filing is logged for the citizen, with the filer as actor and the officers required.
        let filedEntry = try #require(try s.entries().first { $0.type == LedgerEntry.Kind.requestFiled && $0.attributes["approval"] == .string(filed.id) })
        #expect(filedEntry.actor == "officer-1" && filedEntry.attributes["required"] == .u64(1) && filedEntry.attributes["requester"] == .string("landlord-1"))
        await #expect(try s.citizenLogTypes().filter { $0 == LedgerEntry.Kind.requestFiled }.count == 2)
    }

    @Test(arguments: StorageBackend.available) func theStoreComparesAndSetsFromPending(backend: StorageBackend) async throws {
        let s = try await Setup(backend)
        defer { s.f.cleanUp() }
        let pending = try await s.file("landlord-2")
        var first = pending
        first.approvers = ["officer-1"]
        var denied = pending
        (denied.status, denied.decidedBy) = (.denied, "officer-2")
        // Straight at the SQL: the second write from the same pending state loses, and the row keeps the first.
        await #expect(try s.f.test.vaultStore.write { try $0.updateApproval(first, from: pending) })
        await #expect(try !s.f.test.vaultStore.write { try $0.updateApproval(denied, from: pending) })
        // (Read back through the raw store: these rows have no ledger entries, so the vault itself refuses them.)
        await #expect(try s.f.test.vaultStore.read { try $0.approval(id: pending.id) } == first)
        await #expect(throws: VaultError.stateTampered(table: "vault_approval", key: pending.id)) { try await s.f.vault.approval(id: pending.id) }
        (denied.approvers) = first.approvers
        await #expect(try s.f.test.vaultStore.write { try $0.updateApproval(denied, from: first) })
        await #expect(try !s.f.test.vaultStore.write { try $0.updateApproval(first, from: first) })  // decided: nothing moves it
        await #expect(try s.f.test.vaultStore.read { try $0.approval(id: pending.id) }?.status == .denied)
    }

    @Test func policyRulesSayHowManyOfficers() async throws {
        func rule(_ extra: String) -> Data {
            Data(#"{"version":1,"rules":[{"id":"r","requesters":["a"],"record_type":"t","allow":["x:equals:v"],"purposes":["p"]\#(extra)}]}"#.utf8)
        }
        func required(_ extra: String) throws -> Int {
            try Policy.parse(rule(extra)).evaluate(requester: "a", recordType: "t", predicates: [PredicateSpec(field: "x", equals: "v")], purpose: "p", today: "2026-12-01").requiredApprovals
        }
        #expect(try required("") == 0)
        #expect(try required(#","approval":false"#) == 0)
        #expect(try required(#","approval":true"#) == 1)
        #expect(try required(#","approvals":3"#) == 3)
        #expect(try required(#","approval":true,"approvals":16"#) == 16)
        for k in [0, 17, -1] {
            await #expect(throws: VaultError.invalidSchema("policy rule r: approvals must be an integer from 1 to 16, not \(k)")) { try await Policy.parse(rule(#","approvals":\#(k)"#)) }
        }
        for bad in [#""2""#, "2.5", "2.0", "true", "[2]", "1e9", "1e0"] {
            #expect("\(bad)") { try Policy.parse(rule(#","approvals":\#(bad)"#)) } throws: { error in
                guard case let VaultError.invalidSchema(why)? = error as? VaultError else { return false }
                return why.contains("rules[0].approvals must be an integer")
            }
        }
        await #expect(throws: VaultError.invalidSchema("policy rule r says approval false but approvals 2; drop one")) {
            try await Policy.parse(rule(#","approval":false,"approvals":2"#))
        }
        // A policy without `approvals` hashes as before (the key is left out, not written as null).
        let plain = try Policy.parse(rule(#","approval":true"#))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        #expect(!String(decoding: try encoder.encode(plain), as: UTF8.self).contains("approvals"))
    }
}
