import VaultCrypto

/// Predicates the vault's policies ask for, built on the core ones with the smallest bit length that covers them.
public enum DerivedPredicates {
    /// Bit length of the age predicate: birth dates up to 2^16 - 1 days (about 179 years) before the threshold.
    public static let ageBits = 16

    /// The latest birth date of someone who is at least `years` old on `date`: the same month and day `years`
    /// years earlier, with 29 February becoming 28 February in a common year (so a person born on 29 February
    /// comes of age on 1 March in common years). Age counts completed years: the birthday itself counts.
    public static func latestBirthDate(forAge years: Int, on date: CivilDate) throws(ProofError) -> CivilDate {
        guard years >= 0 else { throw .invalidAttribute("age must not be negative") }
        return try date.yearsEarlier(years)
    }

    /// "age >= years on date" about a committed birth date (encoded with `AttributeEncoding.date`): birth <= T
    /// with T = `latestBirthDate`, over 16 bits, so it also says the birth date is after T - 65536 days.
    public static func ageAtLeast(_ years: Int, on date: CivilDate) throws(ProofError) -> AttributePredicate {
        let t = try latestBirthDate(forAge: years, on: date)
        return .atMost(AttributeEncoding.date(t), bits: ageBits)
    }

    /// "value < limit" about a committed unsigned integer (e.g. an income): value <= limit - 1 over
    /// bitLength(limit - 1) bits, which for unsigned values means exactly 0 <= value < limit.
    public static func below(_ limit: UInt64) throws(ProofError) -> AttributePredicate {
        guard limit > 0 else { throw .invalidStatement("no unsigned value is below 0") }
        return .atMost(AttributeEncoding.integer(limit - 1), bits: AttributePredicate.bitLength(limit - 1))
    }

    /// "value >= threshold" about a committed unsigned integer known to be at most `maximum` (from its schema).
    public static func atLeast(_ threshold: UInt64, maximum: UInt64) throws(ProofError) -> AttributePredicate {
        guard maximum >= threshold else { throw .invalidStatement("maximum is below the threshold") }
        return .atLeast(AttributeEncoding.integer(threshold), bits: AttributePredicate.bitLength(maximum - threshold))
    }

    /// "resident in one of these districts" about a committed `enumeration(_, type: "district")` value.
    public static func resident(inDistricts districts: [String], type: String = "district") -> AttributePredicate {
        .member(of: districts.map { AttributeEncoding.enumeration($0, type: type) })
    }
}
