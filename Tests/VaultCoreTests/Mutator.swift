import Foundation
import VaultTestSupport

/// A small, deterministic mutation engine for the decoder fuzz tests: bit flips, interesting bytes, truncations,
/// extensions, deletions, insertions, duplications, splices with another seed, and random bytes. The seed comes
/// from `CIVICVAULT_FUZZ_SEED` (printed on failure), so every finding replays exactly.
struct Mutator {
    var rng: SplitMix
    let seeds: [[UInt8]]
    /// Bytes that break parsers more often than random ones: boundaries, separators, quotes, digits.
    static let interesting: [UInt8] = [0x00, 0x01, 0x0a, 0x20, 0x22, 0x2b, 0x2c, 0x2d, 0x30, 0x39, 0x3a, 0x3d, 0x5b, 0x5d, 0x7b, 0x7d, 0x7f, 0x80, 0xc0, 0xe2, 0xfe, 0xff]

    init(seeds: [[UInt8]], seed: UInt64 = Mutator.seed) {
        precondition(!seeds.isEmpty)
        self.seeds = seeds
        self.rng = SplitMix(state: seed)
    }

    /// The run's seed: `CIVICVAULT_FUZZ_SEED` or a fixed default (reproducible `make test`).
    static var seed: UInt64 {
        ProcessInfo.processInfo.environment["CIVICVAULT_FUZZ_SEED"].flatMap(UInt64.init) ?? 0xC1_71C0_7A17
    }

    /// How many mutations a fuzz test tries: `quick` in `make test`, `CIVICVAULT_FUZZ_ITERATIONS` in `make soak`.
    static func iterations(quick: Int) -> Int {
        ProcessInfo.processInfo.environment["CIVICVAULT_FUZZ_ITERATIONS"].flatMap(Int.init) ?? quick
    }

    mutating func int(_ range: Range<Int>) -> Int { Int.random(in: range, using: &rng) }
    mutating func byte() -> UInt8 { UInt8.random(in: 0...255, using: &rng) }
    mutating func bytes(_ n: Int) -> [UInt8] { (0..<n).map { _ in byte() } }

    /// One to three stacked mutations of a random seed; never returns any seed unchanged (a splice can rebuild
    /// another seed exactly).
    mutating func next() -> [UInt8] {
        let original = seeds[int(0..<seeds.count)]
        var out = original
        for _ in 0..<int(1..<4) { out = mutate(out) }
        while seeds.contains(out) { out.append(byte()) }
        return out
    }

    mutating func mutate(_ input: [UInt8]) -> [UInt8] {
        var b = input
        switch int(0..<11) {
        case 0, 1:  // bit flip
            guard !b.isEmpty else { return [byte()] }
            b[int(0..<b.count)] ^= 1 << UInt8(int(0..<8))
        case 2:  // interesting byte
            guard !b.isEmpty else { return [Self.interesting[int(0..<Self.interesting.count)]] }
            b[int(0..<b.count)] = Self.interesting[int(0..<Self.interesting.count)]
        case 3:  // random byte
            guard !b.isEmpty else { return [byte()] }
            b[int(0..<b.count)] = byte()
        case 4:  // truncation
            b = Array(b.prefix(int(0..<max(1, b.count))))
        case 5:  // extension
            b += int(0..<2) == 0 ? bytes(int(1..<65)) : Array(repeating: Self.interesting[int(0..<Self.interesting.count)], count: int(1..<9))
        case 6:  // deletion of a range
            guard b.count > 1 else { return [] }
            let at = int(0..<b.count), n = int(1..<min(33, b.count - at + 1))
            b.removeSubrange(at..<(at + n))
        case 7:  // insertion of random bytes
            b.insert(contentsOf: bytes(int(1..<17)), at: int(0..<(b.count + 1)))
        case 8:  // duplicate a chunk in place
            guard !b.isEmpty else { return [byte()] }
            let at = int(0..<b.count), n = int(1..<min(65, b.count - at + 1))
            b.insert(contentsOf: b[at..<(at + n)], at: int(0..<(b.count + 1)))
        case 9:  // splice with another seed
            let other = seeds[int(0..<seeds.count)]
            b = Array(b.prefix(int(0..<(b.count + 1)))) + Array(other.suffix(int(0..<(other.count + 1))))
        default:  // random bytes of a similar length
            b = bytes(int(0..<(2 * max(b.count, 8))))
        }
        return b
    }
}

/// Tallies of one fuzz run, printed so `make soak` and docs/RELIABILITY.md can quote them.
struct FuzzTally: CustomStringConvertible {
    let name: String
    var tried = 0
    var rejected = 0
    var acceptedEquivalent = 0

    var description: String {
        "fuzz \(name): \(tried) mutations, \(rejected) rejected with a typed error, \(acceptedEquivalent) accepted as the canonical equivalent of a seed, 0 crashes"
    }
}
