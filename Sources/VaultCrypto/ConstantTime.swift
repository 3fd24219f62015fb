import CSodium

/// Constant-time comparisons for MACs, tokens and hashes.
public enum ConstantTime {
    /// True when `a` and `b` have the same length and bytes; the time taken does not depend on where they differ.
    public static func equals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        Sodium.ensureInitialized()
        guard a.count == b.count else { return false }
        if a.isEmpty { return true }
        return a.withUnsafeBytes { pa in
            b.withUnsafeBytes { pb in sodium_memcmp(pa.baseAddress!, pb.baseAddress!, a.count) == 0 }
        }
    }

    /// True when every byte of `bytes` is zero, in constant time.
    public static func isZero(_ bytes: [UInt8]) -> Bool {
        Sodium.ensureInitialized()
        if bytes.isEmpty { return true }
        return bytes.withUnsafeBufferPointer { sodium_is_zero($0.baseAddress!, $0.count) == 1 }
    }
}
