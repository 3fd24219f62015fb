import VaultCrypto

/// Where the prover's nonces and blinding factors come from.
///
/// Production code always uses `SystemRandomness` (libsodium). `DeterministicRandomness` exists only to
/// regenerate the committed test vectors byte for byte; it is internal and never reachable from the public API.
protocol ProofRandomness {
    mutating func nextScalar() -> Scalar
}

/// Uniform non-zero scalars from libsodium's CSPRNG.
struct SystemRandomness: ProofRandomness {
    mutating func nextScalar() -> Scalar { Scalar.random() }
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
