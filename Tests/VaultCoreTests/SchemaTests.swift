import Foundation
import Testing
@testable import VaultCore

@Suite struct SchemaTests {
    static let json = """
        {"type": "citizen", "version": 1, "fields": [
          {"name": "national_id", "type": "string", "tier": "restricted", "required": true},
          {"name": "full_name", "type": "string", "tier": "confidential", "required": true},
          {"name": "birth_date", "type": "date", "tier": "confidential", "attestable": true, "required": true},
          {"name": "district", "type": "enum", "tier": "internal", "attestable": true, "values": ["north", "south", "east"]},
          {"name": "income", "type": "integer", "tier": "restricted", "attestable": true}
        ]}
        """
    let schema = try! RecordSchema.parse(json: Data(json.utf8), tiers: .standard)

    @Test func validInputBecomesTypedValues() throws {
        let values = try schema.validate([
            "national_id": .string("38001010000"), "full_name": .string("Mari Maasikas"),
            "birth_date": .string("1980-01-01"), "district": .string("north"), "income": .integer(21000),
        ])
        #expect(values["birth_date"] == .date(days: 3652))
        #expect(values["income"] == .integer(21000))
        #expect(values["district"] == .enumeration("north"))
        // Optional fields may be absent.
        #expect(try schema.validate(["national_id": .string("x"), "full_name": .string("y"), "birth_date": .string("2000-02-29")]).count == 3)
    }

    @Test func badInputIsRefusedNamingTheField() async {
        let base: [String: JSONValue] = ["national_id": .string("1"), "full_name": .string("A"), "birth_date": .string("1990-05-05")]
        func refuse(_ change: [String: JSONValue], _ expected: VaultError) async {
            await #expect(throws: expected) { try await schema.validate(base.merging(change) { $1 }) }
        }
        await refuse(["nickname": .string("x")], .unknownField("nickname"))
        await refuse(["income": .string("21000")], .wrongType(field: "income", expected: "integer"))
        await refuse(["income": .number(1.5)], .wrongType(field: "income", expected: "integer"))
        await refuse(["income": .bool(true)], .wrongType(field: "income", expected: "integer"))
        await refuse(["birth_date": .string("1990-02-30")], .wrongType(field: "birth_date", expected: "date (YYYY-MM-DD)"))
        await refuse(["birth_date": .integer(19900505)], .wrongType(field: "birth_date", expected: "date (YYYY-MM-DD)"))
        await refuse(["district": .string("west")], .notAllowedValue(field: "district"))
        await #expect(throws: VaultError.missingField("full_name")) {
            try await schema.validate(["national_id": .string("1"), "birth_date": .string("1990-05-05")])
        }
        await #expect(throws: VaultError.missingField("full_name")) {
            try await schema.validate(base.merging(["full_name": .null]) { $1 })
        }
    }

    @Test func malformedSchemasAreRefused() async {
        let bad = [
            #"{"type": "x", "version": 1, "fields": [{"name": "a", "type": "float", "tier": "public"}]}"#,
            #"{"type": "x", "version": 1, "fields": [{"name": "a", "type": "string", "tier": "secret"}]}"#,
            #"{"type": "x", "version": 1, "fields": [{"name": "a", "type": "enum", "tier": "public"}]}"#,
            #"{"type": "x", "version": 1, "fields": [{"name": "a", "type": "string", "tier": "public"}, {"name": "a", "type": "string", "tier": "public"}]}"#,
            #"{"type": "", "version": 1, "fields": []}"#,
            #"{"version": 1, "fields": []}"#,
            #"not json"#,
            // Strict members: unknown (a typo), duplicated, integers as reals, bounds on a non-integer, minimum above maximum.
            #"{"type": "x", "version": 1, "fields": [{"name": "a", "type": "integer", "tier": "public", "minimun": 0}]}"#,
            #"{"type": "x", "version": 1, "fields": [{"name": "a", "type": "integer", "tier": "public", "tier": "restricted"}]}"#,
            #"{"type": "x", "version": 1, "type": "y", "fields": []}"#,
            #"{"type": "x", "version": 1, "fields": [], "owner": "z"}"#,
            #"{"type": "x", "version": 1.0, "fields": []}"#,
            #"{"type": "x", "version": 1, "fields": [{"name": "a", "type": "integer", "tier": "public", "minimum": 0.5}]}"#,
            #"{"type": "x", "version": 1, "fields": [{"name": "a", "type": "date", "tier": "public", "minimum": 0}]}"#,
            #"{"type": "x", "version": 1, "fields": [{"name": "a", "type": "integer", "tier": "public", "minimum": 5, "maximum": 4}]}"#,
            #"{"type": "x", "version": 1, "fields": [{"name": "a", "type": "integer", "tier": "public", "maximum": 9223372036854775808}]}"#,
            #"{"type": "x", "version": 1, "fields": [{"name": "a", "type": "integer", "tier": "public", "maximum": 9007199254740992}]}"#,
        ]
        for text in bad {
            await #expect(throws: VaultError.self, "\(text)") { try await RecordSchema.parse(json: Data(text.utf8), tiers: .standard) }
        }
    }

    /// An integer field's declared range is enforced on every write; absent bounds are the Int64 bounds.
    @Test func integerRangesAreEnforced() async throws {
        let ranged = try RecordSchema.parse(json: Data(#"""
            {"type": "account", "version": 1, "fields": [
              {"name": "wealth", "type": "integer", "tier": "restricted", "attestable": true, "minimum": 0, "maximum": 1099511627776},
              {"name": "balance", "type": "integer", "tier": "restricted", "attestable": true}
            ]}
            """#.utf8), tiers: .standard)
        #expect(ranged.field(named: "wealth")?.minimum == 0 && ranged.field(named: "wealth")?.maximum == 1 << 40)
        #expect(AttestedField(ranged.field(named: "balance")!) == AttestedField(type: "integer", minimum: -9_007_199_254_740_991, maximum: 9_007_199_254_740_991))
        #expect(try ranged.validate(["wealth": .integer(1 << 40), "balance": .integer(-9_007_199_254_740_991)]).count == 2)
        await #expect(throws: VaultError.valueOutOfRange(field: "balance")) { try await ranged.validate(["balance": .integer(.min)]) }
        await #expect(throws: VaultError.valueOutOfRange(field: "wealth")) { try await ranged.validate(["wealth": .integer(-1)]) }
        await #expect(throws: VaultError.valueOutOfRange(field: "wealth")) { try await ranged.validate(["wealth": .integer((1 << 40) + 1)]) }
        // A schema without bounds hashes as before (the new members are left out), so registered schemas keep their hash.
        #expect(!String(decoding: try JSONEncoder().encode(schema), as: UTF8.self).contains("minimum"))
    }

    @Test func datesRoundTripThroughDays() {
        #expect(FieldValue.days(fromISODate: "1970-01-01") == 0)
        #expect(FieldValue.days(fromISODate: "1969-12-31") == -1)
        #expect(FieldValue.days(fromISODate: "2026-11-26") == 20_783)
        #expect(FieldValue.days(fromISODate: "2023-02-29") == nil)
        #expect(FieldValue.days(fromISODate: "2026-1-01") == nil)
        for days: Int64 in [-700_000, -1, 0, 59, 60, 10_000, 20_783, 2_000_000] {
            #expect(FieldValue.days(fromISODate: FieldValue.isoDate(fromDays: days)) == days)
        }
    }

    @Test func fieldValuesHaveStrictCanonicalBytes() async throws {
        for value: FieldValue in [.string("Ülle"), .integer(-5), .date(days: 20_000), .enumeration("north"), .string("")] {
            #expect(try FieldValue(canonical: value.canonicalBytes) == value)
        }
        await #expect(throws: VaultError.self) { try await FieldValue(canonical: []) }
        await #expect(throws: VaultError.self) { try await FieldValue(canonical: [0x02, 1, 2]) }
        await #expect(throws: VaultError.self) { try await FieldValue(canonical: [0x09, 1]) }
        await #expect(throws: VaultError.self) { try await FieldValue(canonical: [0x01, 0xff]) }
    }
}
