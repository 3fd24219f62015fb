import Foundation
import Testing
import VaultCrypto
import VaultLedger
import VaultNode
@testable import VaultCore
import VaultTestSupport
import VaultSQLite

/// Transfers that execute themselves (scenarios/land-registry): the node executes a transfer in the transaction
/// that meets the rule's last condition, whatever the order; conditions can be withdrawn until then; expired
/// transfers lapse; a second transfer, a condition from the wrong actor and a shredded party are refused by name;
/// and the whole state is the verified ledger's (a node replaying it from scratch sees the same).
@Suite struct TransferTests {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let officer = Caller.operatorCLI(id: "officer-1")
    static let registrar = Caller(id: "registry-1", role: .department, clearance: "restricted")
    static let tax = Caller(id: "tax-1", role: .department)
    static let conditions = ["seller_consent", "buyer_consent", "registrar_approval", "duty_paid"]

    /// A node with the title schema and the land-transfer rule, at a clock the test moves.
    struct Node {
        let test: TestStore
        let clock: DisclosureBudgetTests.Clock
        let vault: Vault

        init(_ backend: StorageBackend = .sqlite) async throws {
            clock = DisclosureBudgetTests.Clock(DisclosureBudgetTests.start)
            test = try TestStore(backend, keys: .generate(name: "test.node/transfers"), clock: clock.now)
            vault = Vault(store: test.store.vault.store, keys: test.keys, clock: clock.now, timeZone: TimeZone(identifier: "UTC")!)
            try await vault.createStandardTiersIfNeeded(by: officer)
            let land = repo.appendingPathComponent("scenarios/land-registry")
            try await vault.registerSchema(json: try Data(contentsOf: land.appendingPathComponent("schemas/title.json")), by: officer)
            try await vault.registerSchema(json: Data(VaultFixture.citizenSchema.utf8), by: officer)
            try await vault.installTransferRule(try TransferRule.parse(try Data(contentsOf: land.appendingPathComponent("transfer-rule.json"))), by: officer)
        }

        func register(_ parcel: String, owner: String, encumbrances: Int64 = 0) async throws -> String {
            try await vault.registerParcel(ownerNationalID: owner, values: [
                "parcel_id": .string(parcel), "area_m2": .integer(640), "district": .string("north"), "title_number": .integer(1),
                "encumbrances": .integer(encumbrances),
            ], by: registrar).recordID
        }

        func citizen(_ nationalID: String) throws -> (Caller, Pseudonym) {
            (Caller(id: "citizen-\(nationalID.lowercased())", role: .citizen), try vault.pseudonym(of: nationalID))
        }

        /// Gives `condition` as the actor the rule names for it.
        @discardableResult
        func give(_ condition: String, _ transfer: String, seller: String, buyer: String, withdraw: Bool = false) async throws -> TransferView {
            let (caller, citizen): (Caller, Pseudonym?)
            switch condition {
            case "seller_consent": (caller, citizen) = try self.citizen(seller)
            case "buyer_consent": (caller, citizen) = try self.citizen(buyer)
            case "registrar_approval": (caller, citizen) = (registrar, nil)
            default: (caller, citizen) = (tax, nil)
            }
            return await withdraw
                ? try vault.withdrawCondition(transfer: transfer, condition: condition, by: caller, citizen: citizen)
                : try vault.giveCondition(transfer: transfer, condition: condition, by: caller, citizen: citizen)
        }

        func open(_ parcel: String, seller: String, buyer: String) async throws -> TransferView {
            let (caller, citizen) = try self.citizen(seller)
            return try await vault.openTransfer(parcel: parcel, buyerNationalID: buyer, rule: "land-transfer", by: caller, citizen: citizen)
        }

        func entry(_ index: UInt64) throws -> LedgerEntry { try EntryCodec.decode(try test.store.ledger.entry(at: index).bytes) }
    }

    static func permutations(_ items: [String]) -> [[String]] {
        guard items.count > 1 else { return [items] }
        return items.indices.flatMap { i in
            permutations(Array(items[..<i] + items[(i + 1)...])).map { [items[i]] + $0 }
        }
    }

    @Test(arguments: StorageBackend.available) func everyOrderOfTheConditionsExecutesTheTransferOnTheLastOne(backend: StorageBackend) async throws {
        let node = try await Node(backend)
        defer { node.test.cleanUp() }
        let orders = Self.permutations(Self.conditions)
        #expect(orders.count == 24)
        for (i, order) in orders.enumerated() {
            let seller = "S\(i)", buyer = "B\(i)", parcel = "p-\(i)"
            let title = try await node.register(parcel, owner: seller)
            let opened = try await node.open(parcel, seller: seller, buyer: buyer)
            var view = opened
            for (n, condition) in order.enumerated() {
                view = try await node.give(condition, opened.id, seller: seller, buyer: buyer)
                if n < 3 {
                    #expect(view.status == "open", "order \(order) after \(condition)")
                    await #expect(try node.vault.records(ofCitizen: seller, by: Self.officer).first?.shredded == false)
                }
            }
            #expect(view.status == "executed", "order \(order)")
            let newTitle = try #require(view.newTitle)
            // The seller's title is gone, the buyer holds the new one, with the buyer as owner and the next title number.
            await #expect(try node.vault.records(ofCitizen: seller, by: Self.officer).map(\.shredded) == [true])
            await #expect(try node.vault.records(ofCitizen: buyer, by: Self.officer).map(\.id) == [newTitle])
            let read = try await node.vault.readRecord(id: newTitle, purpose: "registry-check", by: Self.registrar)
            #expect(read.fields["owner_ref"] == .string(buyer))
            #expect(read.fields["title_number"] == .integer(2))
            #expect(read.fields["parcel_id"] == .string(parcel))
            // The executed entry names the rule and the entry that gave each condition.
            let executed = try node.entry(try #require(view.closedAt))
            #expect(executed.type == LedgerEntry.Kind.transferExecuted)
            #expect(executed.attributes["rule"] == .string("land-transfer"))
            #expect(executed.attributes["previous"] == .string(title))
            let named = view.conditions.map { "\($0.id)@\($0.entry!)" }.joined(separator: ",")
            #expect(executed.attributes["conditions"] == .string(named))
            for c in view.conditions {
                let given = try node.entry(c.entry!)
                #expect(given.type == LedgerEntry.Kind.transferCondition && given.attributes["condition"] == .string(c.id))
            }
            #expect(order.last.flatMap { last in view.conditions.first { $0.id == last }?.entry }.map { $0 < view.closedAt! } == true)
            // Nothing on the ledger names the seller or the buyer: their entries carry tags and sealed boxes.
            for index in view.conditions.compactMap(\.entry) + [view.closedAt!] {
                let attributes = try node.entry(index).attributes
                #expect(attributes["citizen"] == nil && attributes["buyer"] == nil && attributes["seller"] == nil)
                #expect(attributes["tag"] != nil)
                #expect(!(try node.entry(index).actor.hasPrefix("citizen-")), "a citizen's token id is on the ledger")
            }
        }
        // A node replaying the ledger from scratch sees every transfer executed and every parcel at its new title.
        let replayed = try node.test.reopened(clock: node.clock.now).vault
        try await replayed.loadAnchor()
        let state = replayed.anchor.withState { ($0.transfers, $0.parcels, $0.openTransfers) }
        #expect(state.0.count == 24 && state.0.values.allSatisfy { $0.status == .executed && $0.met.count == 4 })
        #expect(state.2.isEmpty)
        #expect(state.1.values.allSatisfy { $0.entries.count == 2 })
    }

    @Test func aWithdrawnConditionMustBeGivenAgainAndOnlyItsGiverWithdrawsIt() async throws {
        let node = try await Node()
        defer { node.test.cleanUp() }
        _ = try await node.register("p-w", owner: "ANN")
        let t = try await node.open("p-w", seller: "ANN", buyer: "BEN")
        for c in ["seller_consent", "buyer_consent", "registrar_approval"] { try await node.give(c, t.id, seller: "ANN", buyer: "BEN") }
        await #expect(throws: VaultError.self) { try await node.give("seller_consent", t.id, seller: "BEN", buyer: "ANN", withdraw: true) }
        var view = try await node.give("seller_consent", t.id, seller: "ANN", buyer: "BEN", withdraw: true)
        #expect(view.conditions.first { $0.id == "seller_consent" }?.entry == nil)
        view = try await node.give("duty_paid", t.id, seller: "ANN", buyer: "BEN")
        #expect(view.status == "open")
        view = try await node.give("seller_consent", t.id, seller: "ANN", buyer: "BEN")
        #expect(view.status == "executed")
        do {
            try await node.give("buyer_consent", t.id, seller: "ANN", buyer: "BEN", withdraw: true)
            Issue.record("withdrawing after execution was accepted")
        } catch let VaultError.transferClosed(id, status) {
            #expect(id == t.id && status == "executed")
        }
    }

    @Test(arguments: StorageBackend.available) func anExpiredTransferLapsesAndFreesTheParcel(backend: StorageBackend) async throws {
        let node = try await Node(backend)
        defer { node.test.cleanUp() }
        _ = try await node.register("p-x", owner: "ANN")
        let t = try await node.open("p-x", seller: "ANN", buyer: "BEN")
        try await node.give("seller_consent", t.id, seller: "ANN", buyer: "BEN")
        node.clock.advance(days: 31)
        do {
            try await node.give("buyer_consent", t.id, seller: "ANN", buyer: "BEN")
            Issue.record("a condition was accepted after expiry")
        } catch let VaultError.transferClosed(_, status) {
            #expect(status == "lapsed")
        }
        let officer = Self.officer
        await #expect(try node.vault.transfer(t.id, by: officer).status == "lapsed")
        await #expect(try node.entry(try #require(node.vault.transfer(t.id, by: officer).closedAt)).type == LedgerEntry.Kind.transferLapsed)
        let again = try await node.open("p-x", seller: "ANN", buyer: "CAT")
        #expect(again.status == "open" && again.id != t.id)
    }

    @Test func aSecondTransferOfTheSameParcelIsRefused() async throws {
        let node = try await Node()
        defer { node.test.cleanUp() }
        _ = try await node.register("p-d", owner: "ANN")
        let first = try await node.open("p-d", seller: "ANN", buyer: "BEN")
        do {
            _ = try await node.vault.openTransfer(parcel: "p-d", buyerNationalID: "CAT", rule: "land-transfer", by: Self.registrar)
            Issue.record("a second transfer opened")
        } catch let VaultError.transferInFlight(parcel, transfer) {
            #expect(parcel == "p-d" && transfer == first.id)
        }
        await #expect(throws: VaultError.parcelExists("p-d")) { try await node.register("p-d", owner: "CAT") }
    }

    @Test func conditionsFromTheWrongActorAreRefusedByName() async throws {
        let node = try await Node()
        defer { node.test.cleanUp() }
        _ = try await node.register("p-a", owner: "ANN")
        let t = try await node.open("p-a", seller: "ANN", buyer: "BEN")
        let (ben, benP) = try node.citizen("BEN"), (cat, catP) = try node.citizen("CAT")
        func refused(_ body: () async throws -> TransferView) async -> String {
            do { _ = try await body(); return "accepted" } catch let error as VaultError {
                switch error {
                case .wrongActor: return "wrong_actor"
                case .transferNotFound: return "not_found"
                case .forbidden: return "forbidden"
                default: return "\(error)"
                }
            } catch { return "\(error)" }
        }
        #expect(await refused { try await node.vault.giveCondition(transfer: t.id, condition: "seller_consent", by: ben, citizen: benP) } == "wrong_actor")
        #expect(await refused { try await node.vault.giveCondition(transfer: t.id, condition: "buyer_consent", by: cat, citizen: catP) } == "not_found")
        #expect(await refused { try await node.vault.giveCondition(transfer: t.id, condition: "duty_paid", by: Self.registrar) } == "wrong_actor")
        #expect(await refused { try await node.vault.giveCondition(transfer: t.id, condition: "registrar_approval", by: Self.officer) } == "wrong_actor")
        #expect(await refused { try await node.vault.giveCondition(transfer: t.id, condition: "duty_paid", by: Caller(id: "tax-2", role: .requester)) } == "forbidden")
        // Only the owner opens a transfer with a citizen token.
        #expect(await refused { try await node.vault.openTransfer(parcel: "p-a", buyerNationalID: "CAT", rule: "land-transfer", by: ben, citizen: benP) } == "wrong_actor")
        await #expect(try node.vault.transfer(t.id, by: Self.officer).conditions.allSatisfy { $0.entry == nil })
    }

    @Test func aShreddedPartyIsRefused() async throws {
        let node = try await Node()
        defer { node.test.cleanUp() }
        // A buyer whose every record is shredded.
        let gone = try await node.vault.createRecord(type: "citizen", nationalID: "DAN", input: [
            "national_id": .string("DAN"), "full_name": .string("Dan"), "birth_date": .string("1970-01-01"),
        ], by: Self.officer)
        try await node.vault.shred(id: gone.recordID, by: Self.officer)
        _ = try await node.register("p-s", owner: "ANN")
        await #expect(throws: VaultError.partyShredded("the buyer's records")) { try await node.open("p-s", seller: "ANN", buyer: "DAN") }
        // A title shredded while its transfer is open.
        let title = try await node.register("p-t", owner: "EVE")
        let t = try await node.open("p-t", seller: "EVE", buyer: "BEN")
        try await node.vault.shred(id: title, by: Self.officer)
        await #expect(throws: VaultError.partyShredded("the title \(title)")) { try await node.give("seller_consent", t.id, seller: "EVE", buyer: "BEN") }
    }

    @Test func anEncumberedTitleWaitsUntilTheEncumbranceIsLifted() async throws {
        let node = try await Node()
        defer { node.test.cleanUp() }
        let title = try await node.register("p-e", owner: "ANN", encumbrances: 2)
        let t = try await node.open("p-e", seller: "ANN", buyer: "BEN")
        var view = t
        for c in Self.conditions { view = try await node.give(c, t.id, seller: "ANN", buyer: "BEN") }
        #expect(view.status == "open")
        #expect(view.blocked?.contains("2 encumbrances") == true)
        await #expect(throws: VaultError.self) { try await node.vault.patchRecord(id: title, changes: ["area_m2": .integer(1)], by: Self.registrar) }
        await #expect(throws: VaultError.self) { try await node.vault.updateRecord(id: title, input: ["encumbrances": .integer(0)], by: Self.registrar) }
        _ = try await node.vault.patchRecord(id: title, changes: ["encumbrances": .integer(0)], by: Self.registrar)
        view = try await node.vault.retryTransfer(t.id, by: Self.registrar)
        #expect(view.status == "executed")
    }

    @Test func aRuleIsVersionedOnTheLedgerAndStrict() async throws {
        let node = try await Node()
        defer { node.test.cleanUp() }
        let data = try Data(contentsOf: Self.repo.appendingPathComponent("scenarios/land-registry/transfer-rule.json"))
        let rule = try TransferRule.parse(data)
        await #expect(try node.vault.installTransferRule(rule, by: Self.officer) == false)
        await #expect(try node.vault.transferRule("land-transfer") == rule)
        for bad in [
            #"{"id":"r","version":1,"record_type":"title","conditions":[],"expires_hours":1}"#,
            #"{"id":"r","version":1,"record_type":"title","conditions":[{"id":"a","by":"seller"}],"expires_hours":1,"extra":1}"#,
            #"{"id":"r","version":1,"record_type":"title","conditions":[{"id":"a","by":"tax-*"}],"expires_hours":1}"#,
            #"{"id":"r","version":1,"record_type":"title","conditions":[{"id":"a","by":"seller","role":"officer"}],"expires_hours":1}"#,
            #"{"id":"r","version":1,"record_type":"title","conditions":[{"id":"a","by":"seller"},{"id":"a","by":"buyer"}],"expires_hours":1}"#,
            #"{"id":"r","version":1,"record_type":"title","conditions":[{"id":"a","by":"seller"}],"expires_hours":1.5}"#,
            #"{"id":"r","version":1,"record_type":"title","conditions":[{"id":"a","by":"seller"}],"expires_hours":0}"#,
            #"{"id":"r","id":"s","version":1,"record_type":"title","conditions":[{"id":"a","by":"seller"}],"expires_hours":1}"#,
        ] {
            #expect(throws: VaultError.self, "\(bad)") { try TransferRule.parse(Data(bad.utf8)) }
        }
        let changed = try TransferRule.parse(Data(rule.canonicalJSON.replacingOccurrences(of: "720", with: "24").utf8))
        await #expect(throws: VaultError.self) { try await node.vault.installTransferRule(changed, by: Self.officer) }
        await #expect(throws: VaultError.self) { try await node.vault.installTransferRule(rule, by: Self.registrar) }
    }

    /// The transfer's state is the verified ledger's: a condition planted as a ledger row (past the signed
    /// checkpoint) by someone who writes the database is never counted, and the node does not sign it in.
    @Test func aConditionPlantedInTheDatabaseIsNeverObeyed() async throws {
        let node = try await Node()
        defer { node.test.cleanUp() }
        _ = try await node.register("p-f", owner: "ANN")
        let t = try await node.open("p-f", seller: "ANN", buyer: "BEN")
        for c in ["seller_consent", "buyer_consent", "registrar_approval"] { try await node.give(c, t.id, seller: "ANN", buyer: "BEN") }
        let size = try node.test.store.ledger.treeSize()
        let planted = EntryCodec.encode(try LedgerEntry(type: LedgerEntry.Kind.transferCondition, timestampMs: 1, actor: "tax-1", attributes: [
            "transfer": .string(t.id), "condition": .string("duty_paid"), "party": .string("seller"),
        ]))
        try TamperConnection.sqlite(path: NodeDatabase.path(inDataDirectory: node.test.location)) { db in
            _ = try db.execute("INSERT INTO ledger_entry (idx, leaf_hash, entry) VALUES (?, ?, ?)", [.int(Int64(size)), .bytes(MerkleMath.leafHash(planted)), .bytes(planted)])
        }
        let view = try await node.vault.transfer(t.id, by: Self.officer)
        #expect(view.status == "open" && view.conditions.first { $0.id == "duty_paid" }?.entry == nil)
        // The next append would build on the planted row: refused, nothing executed.
        await #expect(throws: (any Error).self) { try await node.give("duty_paid", t.id, seller: "ANN", buyer: "BEN") }
        await #expect(try node.vault.transfer(t.id, by: Self.officer).status == "open")
        await #expect(try node.vault.records(ofCitizen: "BEN", by: Self.officer).isEmpty)
    }
}
