import Foundation
import Testing
import VaultCore
import VaultCrypto
import VaultLedger
import VaultTestSupport

/// What a reader of the public ledger can link: two records of one citizen, attested for two requesters, share no
/// identifying attribute value on the ledger or in the bundles (no node-wide pseudonym, tags unrelated without the
/// citizen's key), and no plain hash of a predicate (SHA-256, SHA-512/256, BLAKE2b, with or without the record id)
/// appears anywhere on the ledger.
@Suite struct UnlinkableLedgerTests {
    let officer = Caller.operatorCLI(id: "officer-1")

    static let policy = """
        {"version": 1, "rules": [
          {"id": "banks", "requesters": ["bank-*"], "record_type": "citizen", "allow": ["income:below:30000", "birth_date:age_at_least:18"], "purposes": ["loan-application"]},
          {"id": "employers", "requesters": ["employer-*"], "record_type": "citizen", "allow": ["birth_date:age_at_least:18"], "purposes": ["hiring"]}
        ]}
        """

    /// Attribute keys whose values are public codes shared by design (not identifiers): the entry's record type, the
    /// purpose and rule codes, field names, outcomes, the hash order; and integers (versions, counts, indices of other entries).
    static let codes: Set<String> = ["type", "purpose", "rule", "fields", "outcome", "refused", "ciphertext_order"]

    @Test(arguments: StorageBackend.available) func twoRecordsOfOneCitizenShareNothingOnTheLedger(backend: StorageBackend) async throws {
        let test = try TestStore(backend)
        defer { test.cleanUp() }
        let vault = test.vault
        try await vault.createStandardTiersIfNeeded(by: officer)
        try await vault.registerSchema(json: Data(contentsOf: Self.repo.appendingPathComponent("schemas/citizen.json")), by: officer)
        try await vault.installPolicy(try Policy.parse(Data(Self.policy.utf8)), by: officer)
        let input: [String: JSONValue] = [
            "national_id": .string("38001010000"), "full_name": .string("Mari Maasikas"), "birth_date": .string("1980-01-01"), "income": .integer(21000),
        ]
        let first = try await vault.createRecord(type: "citizen", nationalID: "38001010000", input: input, by: officer).recordID
        let second = try await vault.createRecord(type: "citizen", nationalID: "38001010000", input: input, by: officer).recordID
        _ = try await vault.readRecord(id: first, purpose: "audit", by: officer)
        _ = try await vault.readRecord(id: second, purpose: "audit", by: officer)
        let bankAsks = AttestationRequest(
            recordID: first, predicates: [PredicateSpec(field: "income", below: 30000)], requester: "bank-1",
            nonce: RandomBytes.generate(32), expiry: UInt64(Date().timeIntervalSince1970) + 86_400, purpose: "loan-application")
        let employerAsks = AttestationRequest(
            recordID: second, predicates: [PredicateSpec(field: "birth_date", age_at_least: 18, on: nil)], requester: "employer-1",
            nonce: RandomBytes.generate(32), expiry: UInt64(Date().timeIntervalSince1970) + 86_400, purpose: "hiring")
        let bundles = await [
            try vault.attestUnderPolicy(bankAsks, by: Caller(id: "bank-1", role: .requester)).bundle,
            try vault.attestUnderPolicy(employerAsks, by: Caller(id: "employer-1", role: .requester)).bundle,
        ]
        // Everything public about each record: its ledger entries and the entries inside its bundle.
        let entries = try test.inspector.ledgerEntries().map { try EntryCodec.decode($0.bytes) }
        func attributes(of record: String, bundle: AttestationBundle) throws -> Set<String> {
            var out = Set<String>()
            let inBundle = try EntryCodec.decode(try #require(Base64.decode(bundle.entry)))
            for entry in entries.filter({ $0.attributes["record"] == .string(record) }) + [inBundle] {
                for (key, value) in entry.attributes where !Self.codes.contains(key) {
                    switch value {
                    case let .bytes(b): out.insert("b:" + Hex.encode(b))
                    case let .string(s): out.insert("s:" + s)
                    case .u64: continue
                    }
                }
            }
            return out
        }
        let a = try attributes(of: first, bundle: bundles[0])
        let b = try attributes(of: second, bundle: bundles[1])
        #expect(a.count >= 8 && b.count >= 8, "each record has entries with attributes: \(a.count), \(b.count)")
        #expect(a.intersection(b).isEmpty, "shared between two records of one citizen: \(a.intersection(b).sorted())")
        // No plain hash of either predicate is anywhere on the ledger.
        let onLedger = Set(entries.flatMap { $0.attributes.values.compactMap { value -> String? in
            if case let .bytes(b) = value { return Hex.encode(b) }
            return nil
        } })
        for request in [bankAsks, employerAsks] {
            let canonical = try PredicateSpec.canonical(request.predicates)
            for message in [canonical, request.recordID + canonical, request.recordID + "\u{0}" + canonical] {
                let hashes = try Self.pythonHashes(message)
                #expect(hashes.count == 4)
                for hash in hashes { #expect(!onLedger.contains(hash), "a plain hash of \(canonical) is on the ledger") }
            }
        }
    }

    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// SHA-256, SHA-512/256, BLAKE2b-256 and BLAKE2b-512 of `message`, computed by Python's hashlib (hex).
    static func pythonHashes(_ message: String) throws -> [String] {
        let script = """
            import hashlib, sys
            m = sys.stdin.buffer.read()
            print(hashlib.sha256(m).hexdigest()); print(hashlib.new('sha512_256', m).hexdigest())
            print(hashlib.blake2b(m, digest_size=32).hexdigest()); print(hashlib.blake2b(m).hexdigest())
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(Data(message.utf8))
        try input.fileHandleForWriting.close()
        process.waitUntilExit()
        return String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).split(separator: "\n").map(String.init)
    }
}
