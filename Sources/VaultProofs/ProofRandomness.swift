import VaultCrypto

/// Where the prover's nonces and blinding factors come from.
///
/// Production code always uses `SystemRandomness` (libsodium). `DeterministicRandomness` exists only to
/// regenerate the committed test vectors byte for byte; it is internal and never reachable from the public API.
protocol ProofRandomness {
    mutating func nextScalar() -> Scalar
}

/// Uniform scalars from libsodium's CSPRNG: 64 random bytes reduced modulo ℓ per scalar (statistically uniform),
/// drawn several scalars' worth at a time (2, then 4, 8, 16, 32) into zero-on-free memory, because each
/// `randombytes_buf` is a system call (≈ 1.5 µs, as much as all the scalar arithmetic of a proof together).
struct SystemRandomness: ProofRandomness {
    private var pool: SecureBytes?
    private var poolCount = 0
    private var next = 0

    mutating func nextScalar() -> Scalar {
        let wide = Scalar.wideByteCount
        if next == poolCount {
            poolCount = min(32, max(2, 2 * poolCount))
            pool = SecureBytes.random(count: wide * poolCount)
            next = 0
        }
        let offset = next * wide
        next += 1
        var chunk = pool!.withUnsafeBytes { Array($0[offset..<offset + wide]) }
        defer { _ = chunk.withUnsafeMutableBytes { $0.initializeMemory(as: UInt8.self, repeating: 0) } }
        return try! Scalar.reduce(wide: chunk)
    }
}

/// scalar_i = reduce(SHA-512("CivicVault/v1/test-rng" || u32(len(seed)) || seed || u64(i))), i = 0, 1, 2, ...
/// For test vectors only: anyone who knows the seed knows every secret.
struct DeterministicRandomness: ProofRandomness {
    let seed: [UInt8]
    private(set) var counter: UInt64 = 0

    init(seed: [UInt8]) { self.seed = seed }

    mutating func nextScalar() -> Scalar {
        var w = ByteWriter()
        w.raw(ProofLabels.testRandomness)
        w.raw(ByteWriter.u32(seed.count))
        w.raw(seed)
        w.u64(counter)
        counter += 1
        return try! Scalar.reduce(wide: SHA512.hash(w.bytes))
    }
}
