import Foundation
import Testing
import VaultCore
import VaultLedger
import VaultNode
import VaultSQLite

/// Writes 1,000 records with recognisable values and searches the SQLite file, its WAL and every ledger entry
/// for the values' bytes: nothing may be found.
@Suite struct PlaintextScanTests {
    @Test func noPlaintextReachesTheDatabaseTheWALOrTheLedger() async throws {
        let f = try await VaultFixture()
        defer { f.cleanUp() }
        var needles: [String] = []
        for i in 0..<1000 {
            let id = "CVSCAN-NID-\(100_000 + i)"
            let name = "CVSCAN Citizen Name \(i)"
            let income = Int64(7_777_000 + i)
            _ = try await f.vault.createRecord(type: "citizen", nationalID: id, input: f.input(id, name: name, income: income), by: f.officer)
            if i % 97 == 0 { needles += [id, name, String(income)] }
        }
        let files = ["civicvault.sqlite", "civicvault.sqlite-wal"].map { f.directory.appendingPathComponent($0) }
        var scanned = 0
        for file in files where FileManager.default.fileExists(atPath: file.path) {
            let bytes = try Data(contentsOf: file)
            scanned += bytes.count
            #expect(bytes.range(of: Data("CVSCAN".utf8)) == nil, "marker found in \(file.lastPathComponent)")
            for needle in needles { #expect(bytes.range(of: Data(needle.utf8)) == nil, "\(needle) in \(file.lastPathComponent)") }
        }
        #expect(scanned > 100_000)
        // The ledger, decoded: no attribute or actor carries a value.
        let size = try f.storage.ledger.treeSize()
        for index in 0..<size {
            let entry = try EntryCodec.decode(try f.storage.ledger.entry(at: index).bytes)
            let text = "\(entry)"
            #expect(!text.contains("CVSCAN"))
        }
    }
}
