import Testing
@testable import VaultCrypto

@Suite struct Ristretto255Tests {
    /// ℓ, the group order, little-endian.
    let order = Scalar.order

    @Test func nonCanonicalScalarsAreRejected() throws {
        #expect(throws: CryptoError.nonCanonicalScalar) { try Scalar(canonical: order) }
        #expect(throws: CryptoError.nonCanonicalScalar) { try Scalar(canonical: [UInt8](repeating: 0xff, count: 32)) }
        var orderPlusOne = order
        orderPlusOne[0] += 1
        #expect(throws: CryptoError.nonCanonicalScalar) { try Scalar(canonical: orderPlusOne) }
        var highBit = [UInt8](repeating: 0, count: 32)
        highBit[31] = 0x80
        #expect(throws: CryptoError.nonCanonicalScalar) { try Scalar(canonical: highBit) }
        var orderMinusOne = order
        orderMinusOne[0] -= 1
        let lMinusOne = try Scalar(canonical: orderMinusOne)
        #expect(lMinusOne + .one == .zero)
        #expect(lMinusOne == Scalar.one.negated)
        #expect(throws: CryptoError.self) { try Scalar(canonical: [0, 1]) }
    }

    @Test func scalarAlgebra() throws {
        let a = Scalar.random(), b = Scalar.random()
        #expect(a + b - b == a)
        #expect(a * (try a.inverted()) == .one)
        #expect(a + a.negated == .zero)
        #expect(Scalar(6) * Scalar(7) == Scalar(42))
        #expect(throws: CryptoError.zeroScalar) { try Scalar.zero.inverted() }
        #expect(try Scalar.reduce(wide: [UInt8](repeating: 0, count: 64)) == .zero)
        #expect(throws: CryptoError.self) { try Scalar.reduce(wide: [UInt8](repeating: 0, count: 32)) }
        #expect(Scalar.random().description == "Scalar(redacted)")
    }

    @Test func groupLaw() throws {
        let a = Scalar.random(), b = Scalar.random()
        let pa = Point.base(times: a), pb = Point.base(times: b)
        #expect(pa + pb == Point.base(times: a + b))
        #expect(pa - pb == Point.base(times: a - b))
        #expect(pa.times(b) == Point.base(times: a * b))
        #expect(pa + pa.negated == .identity)
        #expect(pa - pa == .identity)
        #expect(Point.base(times: .zero) == .identity)
        #expect(pa.times(.zero) == .identity)
        #expect(Point.identity.times(a) == .identity)
        #expect(Point.identity + pa == pa)
        #expect(Point.identity - pa == pa.negated)
        let random = Point.random()
        #expect(try Point(canonical: random.bytes) == random)
    }

    @Test func pointDecodingIsStrict() {
        #expect(throws: CryptoError.identityPoint) { try Point(canonical: [UInt8](repeating: 0, count: 32)) }
        #expect(throws: CryptoError.self) { try Point(canonical: [UInt8](repeating: 0, count: 31)) }
        #expect(throws: CryptoError.self) { try Point(canonical: Point.generator.bytes + [0]) }
        var flipped = Point.generator.bytes
        flipped[0] ^= 1  // odd s: negative field element
        #expect(throws: CryptoError.invalidPoint) { try Point(canonical: flipped) }
    }
}
