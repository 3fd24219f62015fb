import ArgumentParser
import Foundation
import VaultCore
import VaultCrypto
import VaultLedger
import VaultSQLite

/// `civicvault-bench attest`: the whole "attribute >= threshold" job a requester pays for, end to end, as a peer
/// credential system would be compared: `Vault.attestUnderPolicy` (policy, opening decrypted, proof, bundle with
/// inclusion proof and signed checkpoint, the `attested` entry appended durably) and `BundleVerifier.verify`
/// (checkpoint signature, inclusion, statement rebuilt from the ledger entry, proof), with the bundle's size.
struct BenchAttestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attest", abstract: "Benchmark end-to-end attestations and their offline verification (build with -c release).")

    @Option(help: "Attestations per predicate; medians are reported.") var runs: Int = 101
    @Option(help: "Citizen records to attest about (round robin).") var records: Int = 20
    @Option(help: "The citizen schema.") var schema: String = "schemas/citizen.json"
    @Option(help: "The attestation policy.") var policy: String = "Keys/policy.bench.json"
    @OptionGroup var output: BenchOutputOptions

    func validate() throws {
        guard runs >= 1, runs <= 100_000, records >= 1 else { throw ValidationError("--runs must be 1...100000 and --records at least 1") }
    }

    /// The predicates timed: the key of their results and what a bank asks.
    static let cases: [(key: String, label: String, spec: PredicateSpec)] = [
        ("income_at_least", "income >= 18000 (32-bit)", PredicateSpec(field: "income", at_least: 18_000)),
        ("age_at_least", "age >= 18 (birth date, 16-bit)", PredicateSpec(field: "birth_date", age_at_least: 18)),
    ]

    func run() async throws {
        try await runBench()
    }

    func runBench() async throws {
        guard let schemaData = FileManager.default.contents(atPath: schema), let policyData = FileManager.default.contents(atPath: policy) else {
            throw BenchFailure("cannot read \(schema) or \(policy)", hint: "run from the repository root or pass --schema and --policy")
        }
        let scratch = BenchOutputOptions.scratchDirectory(under: output.scratch, name: "attest")
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let node = try await BenchNode(dataDirectory: (scratch as NSString).appendingPathComponent("vault"), schemas: [schemaData], policy: policyData)
        let clerk = Caller(id: "bench-clerk", role: .department, clearance: "restricted")
        var ids: [String] = []
        for i in 0..<records {
            let nationalID = String(format: "A%010d", i)
            await ids.append(try node.vault.createRecord(type: "citizen", nationalID: nationalID, input: [
                "national_id": .string(nationalID), "full_name": .string("Bench Citizen \(i)"), "birth_date": .string("1980-01-\(String(format: "%02d", 1 + i % 28))"),
                "district": .string("north"), "income": .integer(Int64(20_000 + 100 * i)), "email": .string("c\(i)@example.org"),
            ], by: clerk).recordID)
        }
        let bank = Caller(id: "bank-1", role: .requester)
        let verifier = BundleVerifier(ledgerKey: node.storage.ledger.signer.verifierKey)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var results = BenchResults(bench: "attest")
        results.set("runs", runs)
        print("bench attest: \(records) citizen records, \(runs) attestations per predicate by bank-1 under Keys/policy.bench.json; WAL + synchronous=FULL")
        for c in Self.cases {
            var prove: [(wall: Double, cpu: Double)] = [], verify: [(wall: Double, cpu: Double)] = []
            var bundleBytes = 0, proofBytes = 0
            for run in -3..<runs {  // three warm-up runs
                let nonce = RandomBytes.generate(32)
                let request = AttestationRequest(
                    recordID: ids[(run + 3) % ids.count], predicates: [c.spec], requester: "bank-1", nonce: nonce,
                    expiry: UInt64(Date().timeIntervalSince1970) + 600, purpose: "loan-application")
                var made: Attestation?
                let p = try await BenchClock.measure { made = try await node.vault.attestUnderPolicy(request, by: bank) }
                let bundle = made!.bundle
                let now = UInt64(Date().timeIntervalSince1970)
                let v = try BenchClock.measure { _ = try verifier.verify(bundle, now: now, expecting: .replay(requester: "bank-1", nonce: nonce)) }
                guard run >= 0 else { continue }
                prove.append(p)
                verify.append(v)
                bundleBytes = try encoder.encode(bundle).count
                proofBytes = Base64.decode(bundle.proof)?.count ?? 0
            }
            let pw = prove.map(\.wall), pc = prove.map(\.cpu), vw = verify.map(\.wall), vc = verify.map(\.cpu)
            results.set("\(c.key)_prove_wall_ms", BenchStats.median(pw) * 1e3)
            results.set("\(c.key)_prove_wall_p99_ms", BenchStats.percentile(pw, 99) * 1e3)
            results.set("\(c.key)_prove_cpu_ms", BenchStats.median(pc) * 1e3)
            results.set("\(c.key)_verify_wall_ms", BenchStats.median(vw) * 1e3)
            results.set("\(c.key)_verify_cpu_ms", BenchStats.median(vc) * 1e3)
            results.set("\(c.key)_total_wall_ms", BenchStats.median(zip(pw, vw).map { $0 + $1 }) * 1e3)
            results.set("\(c.key)_total_cpu_ms", BenchStats.median(zip(pc, vc).map { $0 + $1 }) * 1e3)
            results.set("\(c.key)_bundle_bytes", bundleBytes)
            results.set("\(c.key)_proof_bytes", proofBytes)
            results.set("\(c.key)_label", c.label)
            print(String(format: "%@: attest %.2f ms wall (%.2f ms CPU, p99 %.2f ms), verify bundle %.2f ms wall (%.2f ms CPU); bundle %d bytes of JSON, proof %d bytes",
                         c.label, BenchStats.median(pw) * 1e3, BenchStats.median(pc) * 1e3, BenchStats.percentile(pw, 99) * 1e3,
                         BenchStats.median(vw) * 1e3, BenchStats.median(vc) * 1e3, bundleBytes, proofBytes))
        }
        try results.write(to: output.json)
    }
}
