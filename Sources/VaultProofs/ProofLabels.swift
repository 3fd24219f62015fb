/// Versioned domain-separation labels of VaultProofs, in one place (docs/FORMAT.md).
public enum ProofLabels {
    /// Hashed with SHA-512 and mapped to a point to derive the Pedersen generator H.
    public static let pedersenH = Array("CivicVault/v1/pedersen-H".utf8)
}
