import Testing
@testable import VaultLedger

@Suite struct EntryJSONTests {
    @Test func strictParsing() throws {
        let ok = #"{"type":"grant.added","timestamp_ms":18446744073709551615,"actor":"officer/1","attributes":{"tier":{"string":"restricted"},"who":{"bytes":"AAEC"},"n":{"u64":18446744073709551615}}}"#
        let entry = try EntryJSON.decode(ok)
        #expect(entry.timestampMs == UInt64.max)
        #expect(entry.attributes["n"] == .u64(UInt64.max))
        #expect(entry.attributes["who"] == .bytes([0, 1, 2]))
        #expect(EntryJSON.encode(entry) == #"{"actor":"officer/1","attributes":{"n":{"u64":18446744073709551615},"tier":{"string":"restricted"},"who":{"bytes":"AAEC"}},"timestamp_ms":18446744073709551615,"type":"grant.added"}"#)
        let bad = [
            #"{"type":"x","timestamp_ms":1,"actor":"a","extra":1}"#,
            #"{"type":"x","actor":"a"}"#,
            #"{"type":"x","timestamp_ms":-1,"actor":"a"}"#,
            #"{"type":"x","timestamp_ms":1.5,"actor":"a"}"#,
            #"{"type":"x","timestamp_ms":1,"actor":"a","attributes":{"k":{"bytes":"AAE"}}}"#,
            #"{"type":"x","timestamp_ms":1,"actor":"a","attributes":{"k":{"u64":1,"string":"s"}}}"#,
            #"{"type":"x","timestamp_ms":1,"actor":"a","attributes":{"k":{"float":1}}}"#,
            #"{"type":"X","timestamp_ms":1,"actor":"a"}"#,
            "not json",
        ]
        for text in bad {
            #expect(throws: LedgerError.self, "\(text)") { try EntryJSON.decode(text) }
        }
    }
}
