import Foundation
import Testing
import VaultNode
import VaultSQLite
import VaultTestSupport

/// Tampering with a real node database, table by table, on every backend: rows changed, deleted, swapped and
/// inserted (`cases`, the same SQL and the same expectation on SQLite and PostgreSQL), then the node reopened and
/// everything it offers run against the copy (`observe`). Each change must be detected with a named error (the
/// one a case names, when it names one), or change nothing observable; there is no third outcome. Random byte
/// flips anywhere in the SQLite file follow (CIVICVAULT_TAMPER_FLIPS, 40 by default).
@Suite struct VaultTamperTests {
    @Test(arguments: StorageBackend.available) func everyTableTamperedIsDetectedOrHarmless(backend: StorageBackend) async throws {
        let started = Date()
        let p = try await Self.makePristine(backend)
        defer { p.remove() }
        let baseline = try await Self.evaluate(p) { _ in }
        #expect(baseline.detected.isEmpty && baseline.wrong.isEmpty, "\(backend): pristine copy: \(baseline.summary)")
        var lines: [String] = []
        var tables = Set<String>()
        var counts: [Expect: Int] = [:]
        for c in Self.cases {
            let o = try await Self.evaluate(p) { db in try c.sql(db, p) }
            let table = c.table(on: backend)
            tables.insert(table)
            counts[c.expect, default: 0] += 1
            switch c.expect {
            case .detected:
                #expect(!o.detected.isEmpty && o.wrong.isEmpty && o.missing.isEmpty, "\(backend): \(table): \(c.change): \(o.summary)")
                if let named = c.named {
                    #expect(o.detected.contains { $0.contains(named) }, "\(backend): \(table): \(c.change): no detection says \"\(named)\": \(o.summary)")
                }
            case .harmless: #expect(o.detected.isEmpty && o.wrong.isEmpty && o.missing.isEmpty, "\(backend): \(table): \(c.change): \(o.summary)")
            }
            lines.append("| \(table) | \(c.change) | \(c.expect) | \(o.summary.replacingOccurrences(of: "\n", with: " ").prefix(220)) | \(c.why) |")
        }
        let seconds = String(format: "%.1f", Date().timeIntervalSince(started))
        print("tamper (\(backend)): \(Self.cases.count) changes over \(tables.count) tables: \(counts[.detected] ?? 0) detected, "
              + "\(counts[.harmless] ?? 0) harmless, in \(seconds) s\n"
              + lines.joined(separator: "\n"))
        // Every table of the node has at least one case.
        let all = try p.connect { try $0.tables() }
        #expect(Set(all).isSubset(of: tables), "\(backend): tables without a tamper case: \(Set(all).subtracting(tables).sorted())")
    }

    /// Random single-byte flips anywhere in the SQLite file: each is caught (open, verify, read, attest, write) or
    /// changes nothing observable; none makes the node return a wrong value. (A file byte flip has no PostgreSQL
    /// analogue.)
    @Test func randomByteFlipsInTheFile() async throws {
        let p = try await Self.makePristine(.sqlite)
        defer { p.remove() }
        let size = try FileManager.default.attributesOfItem(atPath: p.file)[.size] as! Int
        let flips = ProcessInfo.processInfo.environment["CIVICVAULT_TAMPER_FLIPS"].flatMap(Int.init) ?? 40
        var rng = SplitMix(state: ProcessInfo.processInfo.environment["CIVICVAULT_FUZZ_SEED"].flatMap(UInt64.init) ?? 0x7A_3BE5)
        var detected = 0, unchanged = 0, less = 0, wrong = 0
        for _ in 0..<flips {
            let offset = Int.random(in: 0..<size, using: &rng), mask = UInt8(1 << Int.random(in: 0..<8, using: &rng))
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cv-flip-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: dir) }
            let file = NodeDatabase.path(inDataDirectory: dir.path)
            var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: p.file)))
            bytes[offset] ^= mask
            try Data(bytes).write(to: URL(fileURLWithPath: file))
            let o = await Self.observe(p) { try NodeStorage.open(dataDirectory: dir.path, keys: p.keys).store }
            #expect(o.wrong.isEmpty, "byte \(offset) ^ \(mask): \(o.summary)")
            if !o.wrong.isEmpty { wrong += 1 } else if !o.missing.isEmpty { less += 1; print("tamper flip \(offset) ^ \(mask): \(o.summary)") }
            else if o.detected.isEmpty { unchanged += 1 } else { detected += 1 }
        }
        print("tamper: \(flips) random byte flips in a \(size)-byte database: \(detected) detected, \(unchanged) without observable effect, \(less) returned less without an error, \(wrong) wrong answers")
    }
}
