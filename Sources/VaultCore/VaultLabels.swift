/// Versioned domain-separation labels of the vault's key hierarchy (docs/format/vault-storage.md), in one place.
public enum VaultLabels {
    /// AAD label of a tier key wrapped by the master KEK.
    public static let tierKey = "CivicVault/v1/tier-key"
    /// AAD label of a tier key wrapped by a KEK of version 2 or later (the AAD binds the KEK version too).
    public static let tierKeyUnderKEK = "CivicVault/v1/tier-key-kek"
    /// AAD label of a record's data key (DEK) wrapped by a tier key.
    public static let dataKey = "CivicVault/v1/dek"
    /// AAD label of an encrypted field value.
    public static let field = "CivicVault/v1/field"
    /// AAD label of an encrypted commitment opening.
    public static let opening = "CivicVault/v1/opening"
    /// Prefix of the keyed BLAKE2b pseudonym of a national id.
    public static let pseudonym = "CivicVault/v1/pseudonym"
    /// AAD label of a record's pseudonym sealed into its `record.created` entry (`citizen_box`).
    public static let citizenBox = "CivicVault/v1/citizen-box"
    /// AAD label of a transfer's sealed buyer national id (`buyer_id_box`, under the citizen-box key).
    public static let transferBuyer = "CivicVault/v1/transfer-buyer"
    /// AAD label of the sealed answer of a `question` entry (`QuestionAnswer`).
    public static let questionAnswer = "CivicVault/v1/question-answer"
}

/// Builds associated data as a label followed by length-prefixed parts (u16 big-endian length || bytes), so that
/// no two different tuples give the same bytes.
enum AssociatedData {
    static func make(_ label: String, _ parts: [String]) -> [UInt8] {
        var out = Array(label.utf8)
        for part in parts {
            let bytes = Array(part.utf8)
            precondition(bytes.count <= Int(UInt16.max), "associated data part too long")
            out += [UInt8(bytes.count >> 8), UInt8(bytes.count & 0xff)] + bytes
        }
        return out
    }
}
