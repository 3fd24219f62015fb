import VaultCrypto

/// How attribute values become the scalars that commitments hide (docs/format/proofs.md, "Attribute encodings").
///
/// Integers map to themselves, dates to signed days since 1970-01-01 (negative days as ℓ - |days|), and enum
/// values and strings to SHA-512 hashes reduced modulo ℓ under a label, so equal values give equal scalars.
public enum AttributeEncoding {
    /// An unsigned integer, as itself.
    public static func integer(_ value: UInt64) -> Scalar { Scalar(value) }

    /// A signed integer: non-negative as itself, negative as ℓ - |value| (so differences stay small).
    public static func signedInteger(_ value: Int64) -> Scalar {
        value >= 0 ? Scalar(UInt64(value)) : Scalar(value.magnitude).negated
    }

    /// A date, as signed days since 1970-01-01.
    public static func date(_ date: CivilDate) -> Scalar { signedInteger(date.daysSinceEpoch) }

    /// A value of an enumeration named `type` (e.g. type "district", value "north"):
    /// reduce(SHA-512(label || u32(len(type)) || type || u32(len(value)) || value)).
    public static func enumeration(_ value: String, type: String) -> Scalar {
        hashed(ProofLabels.enumAttribute, Array(type.utf8), Array(value.utf8))
    }

    /// A string compared only for equality, bound to its field name, hashed like `enumeration` under its own label.
    public static func string(_ value: String, field: String) -> Scalar {
        hashed(ProofLabels.stringAttribute, Array(field.utf8), Array(value.utf8))
    }

    private static func hashed(_ label: [UInt8], _ name: [UInt8], _ value: [UInt8]) -> Scalar {
        try! Scalar.reduce(wide: SHA512.hash(parts: [label, ByteWriter.u32(name.count), name, ByteWriter.u32(value.count), value]))
    }
}
