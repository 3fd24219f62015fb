import Testing
import VaultCrypto
@testable import VaultProofs

@Suite struct AttributeEncodingTests {
    @Test func integersAndSignedIntegers() {
        #expect(AttributeEncoding.integer(42) == Scalar(42))
        #expect(AttributeEncoding.signedInteger(42) == Scalar(42))
        #expect(AttributeEncoding.signedInteger(-1) == Scalar.zero - Scalar.one)
        #expect(AttributeEncoding.signedInteger(-1) + Scalar.one == Scalar.zero)
        #expect(AttributeEncoding.signedInteger(Int64.min) == Scalar(UInt64(1) << 63).negated)
    }

    @Test func datesAreDaysSince1970() throws {
        #expect(try CivilDate(year: 1970, month: 1, day: 1).daysSinceEpoch == 0)
        #expect(try CivilDate(year: 1969, month: 12, day: 31).daysSinceEpoch == -1)
        #expect(try CivilDate(year: 2000, month: 3, day: 1).daysSinceEpoch == 11_017)
        #expect(try CivilDate(year: 2026, month: 11, day: 26).daysSinceEpoch == 20_783)
        #expect(try CivilDate(year: 1, month: 1, day: 1).daysSinceEpoch == -719_162)
        #expect(AttributeEncoding.date(try CivilDate(year: 1969, month: 12, day: 31)) == AttributeEncoding.signedInteger(-1))
        for days in stride(from: Int64(-719_162), through: 2_932_896, by: 9973) {
            #expect(try CivilDate(daysSinceEpoch: days).daysSinceEpoch == days)
        }
        #expect(throws: ProofError.self) { try CivilDate(year: 2025, month: 2, day: 29) }
        #expect(throws: ProofError.self) { try CivilDate(year: 2025, month: 13, day: 1) }
        #expect(throws: ProofError.self) { try CivilDate(year: 0, month: 1, day: 1) }
        #expect(try CivilDate(year: 2024, month: 2, day: 29).description == "2024-02-29")
    }

    @Test func ageCountsCompletedYearsAndLeapDayBirthdaysTurnOnFirstOfMarch() throws {
        let on = { (y: Int, m: Int, d: Int) in try CivilDate(year: y, month: m, day: d) }
        #expect(try DerivedPredicates.latestBirthDate(forAge: 18, on: on(2026, 11, 26)) == on(2008, 11, 26))
        // 29 February threshold in a year whose year-18 is common: 28 February.
        #expect(try DerivedPredicates.latestBirthDate(forAge: 18, on: on(2028, 2, 29)) == on(2010, 2, 28))
        // Born 2008-02-29: not 18 on 2026-02-28, 18 on 2026-03-01.
        let leapling = try on(2008, 2, 29)
        #expect(leapling > (try DerivedPredicates.latestBirthDate(forAge: 18, on: on(2026, 2, 28))))
        #expect(leapling <= (try DerivedPredicates.latestBirthDate(forAge: 18, on: on(2026, 3, 1))))
        #expect(try DerivedPredicates.ageAtLeast(18, on: on(2026, 11, 26)) == .atMost(AttributeEncoding.date(on(2008, 11, 26)), bits: 16))
        #expect(throws: ProofError.self) { try DerivedPredicates.ageAtLeast(-1, on: on(2026, 1, 1)) }
    }

    @Test func derivedPredicatesUseTheSmallestBitLength() throws {
        #expect(try DerivedPredicates.below(30_000) == .atMost(Scalar(29_999), bits: 15))
        #expect(try DerivedPredicates.below(1) == .atMost(Scalar(0), bits: 1))
        #expect(throws: ProofError.self) { try DerivedPredicates.below(0) }
        #expect(try DerivedPredicates.atLeast(1000, maximum: 1000 + 65_535) == .atLeast(Scalar(1000), bits: 16))
        #expect(throws: ProofError.self) { try DerivedPredicates.atLeast(10, maximum: 9) }
    }

    @Test func hashedValuesAreLabelled() {
        let a = AttributeEncoding.enumeration("north", type: "district")
        #expect(a == AttributeEncoding.enumeration("north", type: "district"))
        #expect(a != AttributeEncoding.enumeration("south", type: "district"))
        #expect(a != AttributeEncoding.enumeration("north", type: "region"))
        #expect(a != AttributeEncoding.string("north", field: "district"))
        // Length prefixes: moving a byte between name and value changes the scalar.
        #expect(AttributeEncoding.enumeration("ab", type: "c") != AttributeEncoding.enumeration("b", type: "ca"))
        let expected = try! Scalar.reduce(wide: SHA512.hash(Array("CivicVault/v1/attr/enum".utf8) + [0, 0, 0, 8] + Array("district".utf8) + [0, 0, 0, 5] + Array("north".utf8)))
        #expect(a == expected)
    }
}
