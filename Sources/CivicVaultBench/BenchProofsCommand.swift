import ArgumentParser
import Foundation
import VaultCrypto
import VaultProofs


/// `civicvault-bench proofs`: prove and verify time per predicate, beside the libsodium floor for the same numbers
/// of group operations (ProofCost), timed in the same run, interleaved with the proofs so load affects both alike.
struct BenchProofsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "proofs", abstract: "Time zero-knowledge proofs against the libsodium floor (build with -c release).")

    @Option(help: "Runs per measurement; the median is reported.")
    var runs: Int = 101

    @Option(help: "Also write the results as JSON to this file (for scripts/bench/run.py).")
    var json: String?

    func validate() throws {
        guard runs >= 1, runs <= 100_000 else { throw ValidationError("--runs must be 1...100000") }
    }

    private struct Case {
        let name: String
        let statement: Statement
        let openings: [Opening]
    }

    func run() async throws {
        let cases = try Self.cases()
        let context = try ProofContext(
            requester: "bench", nonce: RandomBytes.generate(32), expiry: UInt64.max, predicate: "bench", purpose: "bench", fields: "{}", ledgerIndex: 0,
            checkpointHash: SHA256.hash(Array("bench".utf8)))
        let unit = Self.unitCosts(runs: max(200, runs * 2))
        print("libsodium \(Sodium.version), \(ProcessInfo.processInfo.activeProcessorCount) cores; median of \(runs) runs")
        print(String(format: "unit costs (us): var-base %.1f, base %.1f, add %.1f, decode %.1f, sha512/KiB %.1f",
                     unit.variableBase, unit.fixedBase, unit.addition, unit.validation, unit.hashPerKiB))
        var results = BenchResults(bench: "proofs")
        results.set("runs", runs)
        results.set("unit_variable_base_us", unit.variableBase)
        results.set("unit_fixed_base_us", unit.fixedBase)
        results.set("unit_addition_us", unit.addition)
        print(Self.row(["predicate", "bytes", "prove ms", "floor ms", "ratio", "verify ms", "floor ms", "ratio", "prove ops | verify ops"]))
        for c in cases {
            let proveOps = ProofCost.prove(c.statement), verifyOps = ProofCost.verify(c.statement)
            let hashBytes = ProofCost.transcriptByteCount(c.statement, context: context)
            var proof = try Prover.prove(c.statement, openings: c.openings, context: context)
            try Verifier.verify(proof.encoded, for: c.statement, context: context, now: 0)
            var prove: [Double] = [], verify: [Double] = [], proveFloor: [Double] = [], verifyFloor: [Double] = []
            var proveCPU: [Double] = [], verifyCPU: [Double] = [], proveFloorCPU: [Double] = [], verifyFloorCPU: [Double] = []
            for _ in 0..<runs {
                let p = try BenchClock.measure { proof = try Prover.prove(c.statement, openings: c.openings, context: context) }
                let v = try BenchClock.measure { try Verifier.verify(proof.encoded, for: c.statement, context: context, now: 0) }
                prove.append(p.wall)
                proveCPU.append(p.cpu)
                verify.append(v.wall)
                verifyCPU.append(v.cpu)
                let pf = BenchClock.measure { Self.floor(proveOps, hashBytes: hashBytes) }
                let vf = BenchClock.measure { Self.floor(verifyOps, hashBytes: hashBytes) }
                proveFloor.append(pf.wall)
                proveFloorCPU.append(pf.cpu)
                verifyFloor.append(vf.wall)
                verifyFloorCPU.append(vf.cpu)
            }
            // Each ratio is the median of the per-run ratios: a run's proof and its floor are timed back to back,
            // so a burst of load from other processes hits both.
            let proveRatio = Self.median(zip(prove, proveFloor).map { $0 / $1 })
            let verifyRatio = Self.median(zip(verify, verifyFloor).map { $0 / $1 })
            let key = Self.key(c.name)
            results.set("\(key)_label", c.name)
            results.set("\(key)_bytes", proof.encoded.count)
            results.set("\(key)_prove_ms", Self.median(prove) * 1e3)
            results.set("\(key)_prove_cpu_ms", Self.median(proveCPU) * 1e3)
            results.set("\(key)_prove_floor_ms", Self.median(proveFloor) * 1e3)
            results.set("\(key)_prove_ratio", proveRatio)
            results.set("\(key)_prove_floor_cpu_ms", Self.median(proveFloorCPU) * 1e3)
            results.set("\(key)_prove_cpu_ratio", Self.median(zip(proveCPU, proveFloorCPU).map { $0 / $1 }))
            results.set("\(key)_verify_floor_cpu_ms", Self.median(verifyFloorCPU) * 1e3)
            results.set("\(key)_verify_cpu_ratio", Self.median(zip(verifyCPU, verifyFloorCPU).map { $0 / $1 }))
            results.set("\(key)_verify_ms", Self.median(verify) * 1e3)
            results.set("\(key)_verify_cpu_ms", Self.median(verifyCPU) * 1e3)
            results.set("\(key)_verify_floor_ms", Self.median(verifyFloor) * 1e3)
            results.set("\(key)_verify_ratio", verifyRatio)
            results.set("\(key)_ops", "\(Self.short(proveOps)) | \(Self.short(verifyOps))")
            print(Self.row([
                c.name, "\(proof.encoded.count)", Self.ms(Self.median(prove)), Self.ms(Self.median(proveFloor)),
                String(format: "%.2fx", proveRatio), Self.ms(Self.median(verify)), Self.ms(Self.median(verifyFloor)),
                String(format: "%.2fx", verifyRatio), "\(Self.short(proveOps)) | \(Self.short(verifyOps))",
            ]))
        }
        print("ratio: median over runs of (time / floor of the same run)")
        print("ops: v = var-base mults, b = base (G) mults, a = adds/subs, d = point decodes, h = SHA-512 of the transcript")
        print("peers on this machine kind (DESIGN.md §5): zksk 32-bit range 15 / 13 ms, AnonCreds >= 54 / 52 ms (prove / verify)")
        results.set("cases", cases.map { Self.key($0.name) }.joined(separator: ","))
        try results.write(to: json)
    }

    /// The benchmark cases: the five predicates of the issue, plus the derived age predicate and an AND.
    private static func cases() throws -> [Case] {
        func single(_ name: String, _ value: Scalar, _ predicate: AttributePredicate) throws -> Case {
            let (c, o) = Commitment.commit(to: value)
            return Case(name: name, statement: try Statement(c, predicate), openings: [o])
        }
        let districts = ["north", "south", "east", "west", "harbour", "old-town", "hills", "airport"]
        let id = AttributeEncoding.string("AB123456", field: "national-id")
        let (c1, o1) = Commitment.commit(to: id), (c2, o2) = Commitment.commit(to: id)
        let today = try CivilDate(year: 2026, month: 11, day: 26)
        let birth = AttributeEncoding.date(try CivilDate(year: 2000, month: 5, day: 17))
        let (cb, ob) = Commitment.commit(to: birth), (ci, oi) = Commitment.commit(to: Scalar(25_000))
        let (cd, od) = Commitment.commit(to: AttributeEncoding.enumeration("north", type: "district"))
        return [
            try single("range 32-bit", Scalar(123_456_789), .atLeast(Scalar(0), bits: 32)),
            try single(">= t, 16-bit", Scalar(1200), .atLeast(Scalar(1000), bits: 16)),
            try single("set of 8", AttributeEncoding.enumeration("harbour", type: "district"), DerivedPredicates.resident(inDistricts: districts)),
            Case(name: "equal commitments", statement: try Statement(commitments: [c1, c2], clauses: [Clause(commitment: 0, predicate: .equalsCommitment(1))]), openings: [o1, o2]),
            try single("opening", Scalar(42), .knowsOpening),
            try single("age >= 18 (16-bit)", birth, try DerivedPredicates.ageAtLeast(18, on: today)),
            Case(
                name: "AND age/income/set8",
                statement: try Statement(commitments: [cb, ci, cd], clauses: [
                    Clause(commitment: 0, predicate: try DerivedPredicates.ageAtLeast(18, on: today)),
                    Clause(commitment: 1, predicate: try DerivedPredicates.below(30_000)),
                    Clause(commitment: 2, predicate: DerivedPredicates.resident(inDistricts: districts)),
                ]),
                openings: [ob, oi, od]),
        ]
    }

    // Operands of the floor: random, non-identity, fixed for the run.
    private static let floorScalar = Scalar.random()
    private static let floorPoint = Point.random()
    private static let floorOther = Point.random()

    /// Exactly `ops` libsodium calls through VaultCrypto's thin wrappers, plus one SHA-512 of `hashBytes` per hash.
    private static func floor(_ ops: OperationCount, hashBytes: Int) {
        var sink = floorPoint
        for _ in 0..<ops.variableBase { sink = floorPoint.times(floorScalar) }
        for _ in 0..<ops.fixedBase { sink = Point.base(times: floorScalar) }
        for _ in 0..<ops.additions { sink = floorPoint + floorOther }
        for _ in 0..<ops.validations { sink = (try? Point(canonical: floorOther.bytes)) ?? sink }
        let buffer = [UInt8](repeating: 0x5a, count: hashBytes)
        var digest: [UInt8] = []
        for _ in 0..<ops.hashes { digest = SHA512.hash(buffer) }
        blackHole(sink, digest)
    }

    private struct UnitCosts {
        let variableBase, fixedBase, addition, validation, hashPerKiB: Double
    }

    private static func unitCosts(runs: Int) -> UnitCosts {
        func each(_ ops: OperationCount, _ hashBytes: Int = 0) -> Double { time { floor(ops, hashBytes: hashBytes) } * 1e6 / Double(runs) }
        return UnitCosts(
            variableBase: each(OperationCount(variableBase: runs)), fixedBase: each(OperationCount(fixedBase: runs)),
            addition: each(OperationCount(additions: runs)), validation: each(OperationCount(validations: runs)),
            hashPerKiB: each(OperationCount(hashes: runs), 1024))
    }

    @inline(never) private static func blackHole(_ p: Point, _ d: [UInt8]) {
        if p.bytes.first == 0xff && d.first == 0xff { print("") }
    }

    private static func time(_ body: () throws -> Void) rethrows -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    private static func median(_ xs: [Double]) -> Double {
        let s = xs.sorted()
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }

    /// The JSON key of a case: its name in lowercase with runs of other characters as one underscore.
    static func key(_ name: String) -> String {
        var out = ""
        for ch in name.lowercased() {
            if ch.isLetter || ch.isNumber { out.append(ch) } else if !out.isEmpty && !out.hasSuffix("_") { out.append("_") }
        }
        while out.hasSuffix("_") { out.removeLast() }
        return out
    }

    private static func ms(_ seconds: Double) -> String { String(format: "%.3f", seconds * 1e3) }

    private static func short(_ o: OperationCount) -> String {
        "\(o.variableBase)v \(o.fixedBase)b \(o.additions)a \(o.validations)d \(o.hashes)h"
    }

    private static func row(_ cells: [String]) -> String {
        let widths = [20, 6, 9, 9, 6, 9, 9, 6, 0]
        return zip(cells, widths).map { cell, w in cell.count >= w ? cell : cell + String(repeating: " ", count: w - cell.count) }.joined(separator: " ")
    }
}
