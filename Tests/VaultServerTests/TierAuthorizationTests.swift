import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import VaultCore
import VaultNode
import VaultLedger
import VaultSQLite
@testable import VaultServer

/// Role x clearance x tier: a department member of every clearance (and none), officers, and the roles that may
/// not read records, against records with a field in every tier, plus expired, revoked and downgraded members.
/// Exactly the fields at or below the caller's clearance come back; every read and every refusal is a
/// `field.read` entry on the ledger naming the fields read and refused.
@Suite struct TierAuthorizationTests {
    static let tieredSchema = """
        {"type": "tiered", "version": 1, "fields": [
          {"name": "f_public", "type": "string", "tier": "public", "required": true},
          {"name": "f_internal", "type": "string", "tier": "internal", "required": true},
          {"name": "f_confidential", "type": "string", "tier": "confidential", "required": true},
          {"name": "f_restricted", "type": "string", "tier": "restricted", "required": true}
        ]}
        """
    static let rank = ["public": 0, "internal": 1, "confidential": 2, "restricted": 3]
    static let tieredFields = ["f_public": "public", "f_internal": "internal", "f_confidential": "confidential", "f_restricted": "restricted"]
    static let citizenFields = ["national_id": "restricted", "full_name": "confidential", "birth_date": "confidential", "district": "internal", "income": "restricted", "email": "internal"]

    /// The last `field.read` entry by `actor`.
    static func lastRead(_ f: ServerFixture, actor: String) throws -> LedgerEntry? {
        try f.sqlite.ledger.read { reader in
            let size = try reader.tip().treeSize
            return try reader.entries(from: size > 50 ? size - 50 : 0, limit: 50).map { try EntryCodec.decode($0.bytes) }
                .last { $0.type == LedgerEntry.Kind.fieldRead && $0.actor == actor }
        }
    }

    static func names(_ value: LedgerEntry.Value?) -> Set<String> {
        guard case let .string(text)? = value, !text.isEmpty else { return [] }
        return Set(text.split(separator: ",").map(String.init))
    }

    @Test func everyClearanceAgainstEveryTier() async throws {
        var fixture = try await ServerFixture()
        defer { fixture.cleanUp() }
        let officer = Caller.operatorCLI()
        let vault = fixture.state.vault
        try await vault.registerSchema(json: Data(Self.tieredSchema.utf8), by: officer)
        // Members of every clearance, and one without any; each with a token carrying its clearance.
        var callers: [(name: String, token: String, actor: String, clearance: String?, role: Role)] = []
        for clearance in ["public", "internal", "confidential", "restricted", nil] as [String?] {
            let actor = "dept-\(clearance ?? "none")"
            try await vault.grant(memberID: actor, role: .department, clearance: clearance, by: officer)
            callers.append((actor, try fixture.state.tokens.create(role: .department, actor: actor, clearance: clearance), actor, clearance, .department))
        }
        for clearance in ["internal", "restricted"] {
            let actor = "officer-\(clearance)"
            try await vault.grant(memberID: actor, role: .officer, clearance: clearance, by: officer)
            callers.append((actor, try fixture.state.tokens.create(role: .officer, actor: actor, clearance: clearance), actor, clearance, .officer))
        }
        for (role, actor) in [(Role.requester, "bank-9"), (.auditor, "auditor-9"), (.citizen, "citizen-9")] {
            callers.append((actor, try fixture.state.tokens.create(role: role, actor: actor, clearance: "restricted"), actor, "restricted", role))
        }
        let tiered = try await vault.createRecord(type: "tiered", nationalID: "TIER-1", input: [
            "f_public": .string("P"), "f_internal": .string("I"), "f_confidential": .string("C"), "f_restricted": .string("R"),
        ], by: officer).recordID
        let citizen = try await vault.createRecord(type: "citizen", nationalID: "38001010000", input: [
            "national_id": .string("38001010000"), "full_name": .string("Mari Maasikas"), "birth_date": .string("1980-01-01"),
            "district": .string("north"), "income": .integer(21000), "email": .string("mari@example.org"),
        ], by: officer).recordID
        let f = fixture
        let everyone = callers
        let combinations = try await f.app.test(.router) { client in
            var checked = 0
            for caller in everyone {
                for (record, fields) in [(tiered, Self.tieredFields), (citizen, Self.citizenFields)] {
                    let response = try await client.call(.get, "/v1/records/\(record)?purpose=audit", token: caller.token)
                    let mayRead = caller.role == .department || caller.role == .officer
                    let level = mayRead ? caller.clearance.flatMap { Self.rank[$0] } ?? -1 : -1
                    let visible = Set(fields.filter { Self.rank[$0.value]! <= level }.keys)
                    let hidden = Set(fields.keys).subtracting(visible)
                    let label = "\(caller.name) on \(record == tiered ? "tiered" : "citizen")"
                    if visible.isEmpty {
                        #expect(response.status == .forbidden, "\(label): \(response.status) \(response.text)")
                    } else {
                        #expect(response.status == .ok, "\(label): \(response.status) \(response.text)")
                        #expect(Set((response.json["fields"] as? [String: Any] ?? [:]).keys) == visible, "\(label): \(response.text)")
                        #expect(Set(response.json["withheld"] as? [String] ?? []) == hidden, "\(label): \(response.text)")
                    }
                    // A role that can never read records is refused before the record is touched: nothing logged.
                    guard mayRead else {
                        #expect(try Self.lastRead(f, actor: caller.actor) == nil, "\(label): a refused role was logged")
                        checked += 1
                        continue
                    }
                    // The read, or the refusal, is on the ledger with exactly these fields.
                    let entry = try #require(try Self.lastRead(f, actor: caller.actor), "\(label): no field.read entry")
                    #expect(entry.attributes["record"] == .string(record))
                    #expect(Self.names(entry.attributes["fields"]) == visible, "\(label)")
                    #expect(Self.names(entry.attributes["refused"]) == hidden, "\(label)")
                    checked += 1
                }
            }
            return checked
        }
        print("authorization: \(combinations) caller x record combinations over \(Self.rank.count) tiers, each read and refusal on the ledger")
        #expect(combinations == everyone.count * 2)
    }
}
