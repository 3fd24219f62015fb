import VaultCrypto

/// Small integer views of scalars used by predicates and range proofs (comparisons, bit lengths, bits).
extension Scalar {
    /// True when self, read as a 256-bit little-endian integer, is below 2^bits.
    func fits(bits: Int) -> Bool {
        let b = bytes
        for i in 0..<Scalar.byteCount {
            let low = i * 8
            if low >= bits {
                if b[i] != 0 { return false }
            } else if low + 8 > bits {
                if b[i] >> UInt8(bits - low) != 0 { return false }
            }
        }
        return true
    }

    /// Bit i (little-endian) of the canonical encoding.
    static func bit(_ i: Int, of bytes: [UInt8]) -> UInt8 { (bytes[i / 8] >> UInt8(i % 8)) & 1 }

    /// Strict order of canonical encodings read as little-endian integers (not constant time: public values only).
    static func precedes(_ a: Scalar, _ b: Scalar) -> Bool {
        let x = a.bytes, y = b.bytes
        for i in stride(from: Scalar.byteCount - 1, through: 0, by: -1) where x[i] != y[i] { return x[i] < y[i] }
        return false
    }
}

/// 2^i as a scalar, for i in 0..<64.
func powerOfTwo(_ i: Int) -> Scalar { Scalar(UInt64(1) << UInt64(i)) }
