import CSodium

/// Secret bytes (keys, openings, plaintext) held in memory that is zeroed with `sodium_memzero` when freed.
///
/// The contents are never printed (`description` is redacted) and `==` compares in constant time with
/// `sodium_memcmp`. The buffer is immutable once made; read it with `withUnsafeBytes`.
public final class SecureBytes: @unchecked Sendable, Equatable, CustomStringConvertible,
    CustomDebugStringConvertible
{
    private let pointer: UnsafeMutableRawPointer
    /// Number of bytes held.
    public let count: Int

    /// Allocates `count` bytes and lets `initializer` fill them; the bytes are frozen afterwards.
    public init(count: Int, _ initializer: (UnsafeMutableRawBufferPointer) throws -> Void) rethrows {
        Sodium.ensureInitialized()
        let allocated = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1), alignment: 16)
        allocated.initializeMemory(as: UInt8.self, repeating: 0, count: max(count, 1))
        do {
            try initializer(UnsafeMutableRawBufferPointer(start: allocated, count: count))
        } catch {
            // Stored properties are not set yet, so deinit will not run: wipe and free here, exactly once.
            sodium_memzero(allocated, max(count, 1))
            allocated.deallocate()
            throw error
        }
        self.pointer = allocated
        self.count = count
    }

    /// Copies `bytes` into secure storage. The caller should wipe its own copy if it can.
    public convenience init<Bytes: Collection>(copying bytes: Bytes) where Bytes.Element == UInt8 {
        self.init(count: bytes.count) { buffer in
            buffer.copyBytes(from: bytes)
        }
    }

    /// `count` fresh random bytes from `randombytes_buf`.
    public static func random(count: Int) -> SecureBytes {
        SecureBytes(count: count) { buffer in
            if let base = buffer.baseAddress { randombytes_buf(base, buffer.count) }
        }
    }

    deinit {
        sodium_memzero(pointer, max(count, 1))
        pointer.deallocate()
    }

    /// Gives read-only access to the secret bytes for the duration of `body`.
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try body(UnsafeRawBufferPointer(start: pointer, count: count))
    }

    /// A copy of the bytes as an array. Use only where an API needs one, and never log it.
    public func unsafeCopy() -> [UInt8] {
        withUnsafeBytes { Array($0) }
    }

    public static func == (lhs: SecureBytes, rhs: SecureBytes) -> Bool {
        guard lhs.count == rhs.count else { return false }
        return sodium_memcmp(lhs.pointer, rhs.pointer, lhs.count) == 0
    }

    public var description: String { "SecureBytes(\(count) bytes, redacted)" }
    public var debugDescription: String { description }
}
