import VaultCrypto

/// The fixed generators of CivicVault's Pedersen commitments, computed once per process.
///
/// G is the Ristretto255 base point. H = from_hash(SHA-512("CivicVault/v1/pedersen-H")): a hash-derived point,
/// so nobody knows log_G(H), which is what makes the commitments binding.
public enum Generators {
    /// The standard base point G.
    public static let g: Point = Point.generator
    /// The second generator H.
    public static let h: Point = try! Point.fromHash(SHA512.hash(ProofLabels.pedersenH))
    /// 2^i * H for i in 0..<64 (the bit weights of range proofs), by 63 doublings, once per process.
    static let powersOfTwoOfH: [Point] = {
        var table = [h]
        table.reserveCapacity(ProofLabels.maxRangeBits)
        while table.count < ProofLabels.maxRangeBits { table.append(table[table.count - 1] + table[table.count - 1]) }
        return table
    }()
}
