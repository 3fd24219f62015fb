import Foundation
import VaultCrypto

/// Loads a committed JSON vector file from this test target's Vectors/ folder.
func loadVectors<T: Decodable>(_ name: String, as type: T.Type) throws -> T {
    guard let url = Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Vectors") else {
        throw VectorMissing(name: name)
    }
    return try JSONDecoder().decode(T.self, from: Data(contentsOf: url))
}

struct VectorMissing: Error { let name: String }

/// Hex to bytes, failing the test on bad hex.
func hex(_ text: String) -> [UInt8] {
    guard let bytes = Hex.decode(text) else { fatalError("bad hex in vector: \(text)") }
    return bytes
}

/// Base64 to bytes, lenient (transparency-dev vectors hold deliberately odd values).
func b64(_ text: String?) -> [UInt8] {
    guard let text, let data = Data(base64Encoded: text) else { return [] }
    return [UInt8](data)
}

/// A small deterministic generator (SplitMix64) so property tests are reproducible.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}

/// A deterministic test signing key from a one-byte seed pattern.
func testSigningKey(_ byte: UInt8 = 7) -> Ed25519SigningKey {
    try! Ed25519SigningKey(seed: SecureBytes(copying: [UInt8](repeating: byte, count: 32)))
}
