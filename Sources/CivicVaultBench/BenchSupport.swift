import ArgumentParser
import Foundation
import VaultCore

/// Clocks for the bench commands: wall time (what a caller waits) and the process's CPU time (what it computes,
/// on every thread; unaffected by waiting for a core while other processes run).
enum BenchClock {
    /// Seconds of the monotonic wall clock.
    static func wallNow() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

    /// CPU seconds used so far by this process (all threads).
    static func cpuNow() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    /// Wall and CPU seconds of `body` (async).
    static func measure(_ body: () async throws -> Void) async rethrows -> (wall: Double, cpu: Double) {
        let (w0, c0) = (wallNow(), cpuNow())
        try await body()
        return (wallNow() - w0, cpuNow() - c0)
    }

    /// Wall seconds of `body` (async).
    static func wall(_ body: () async throws -> Void) async rethrows -> Double {
        let w0 = wallNow()
        try await body()
        return wallNow() - w0
    }

    /// Wall and CPU seconds of `body`.
    static func measure(_ body: () throws -> Void) rethrows -> (wall: Double, cpu: Double) {
        let w = wallNow(), c = cpuNow()
        try body()
        return (wallNow() - w, cpuNow() - c)
    }

    /// Wall seconds of `body`.
    static func wall(_ body: () throws -> Void) rethrows -> Double {
        let w = wallNow()
        try body()
        return wallNow() - w
    }
}

/// Order statistics of a sample.
enum BenchStats {
    static func median(_ xs: [Double]) -> Double { percentile(xs, 50) }

    /// The p-th percentile (nearest rank on the sorted sample, interpolated between neighbours).
    static func percentile(_ xs: [Double], _ p: Double) -> Double {
        guard !xs.isEmpty else { return .nan }
        let s = xs.sorted()
        let rank = p / 100 * Double(s.count - 1)
        let lo = Int(rank.rounded(.down)), hi = Int(rank.rounded(.up))
        return s[lo] + (s[hi] - s[lo]) * (rank - Double(lo))
    }
}

/// The machine-readable results of one bench command (`--json FILE`), read by scripts/bench/run.py to write
/// docs/BENCHMARKS.md. Flat keys; numbers are seconds, bytes or counts as their names say.
struct BenchResults {
    private(set) var values: [String: JSONValue] = [:]

    init(bench: String) { values["bench"] = .string(bench) }

    subscript(key: String) -> Double? {
        get { if case let .number(d)? = values[key] { return d } else { return nil } }
        set { values[key] = newValue.map { .number($0.isFinite ? $0 : -1) } ?? .null }
    }

    mutating func set(_ key: String, _ value: Double) { self[key] = value }
    mutating func set(_ key: String, _ value: Int) { values[key] = .integer(Int64(value)) }
    mutating func set(_ key: String, _ value: String) { values[key] = .string(value) }

    /// Writes the results to `path` (if given) as one JSON object with sorted keys.
    func write(to path: String?) throws {
        guard let path else { return }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        try encoder.encode(values).write(to: URL(fileURLWithPath: path))
    }
}

/// `--json` and `--scratch`, shared by the bench commands that keep files.
struct BenchOutputOptions: ParsableArguments {
    @Option(help: "Also write the results as JSON to this file (for scripts/bench/run.py).") var json: String?

    @Option(help: "Where to make scratch directories (default: the system temporary directory); each is removed afterwards.") var scratch: String?

    /// A fresh directory under `base` (or the system's temporary directory); the caller removes it.
    static func scratchDirectory(under base: String?, name: String) -> String {
        let dir = ((base ?? FileManager.default.temporaryDirectory.path) as NSString).appendingPathComponent("cv-bench-\(name)-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }
}
