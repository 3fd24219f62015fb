import Foundation
import VaultTestSupport
import VaultCrypto

/// Loads a committed JSON vector file from this test target's Vectors/ folder.
func loadVectors<T: Decodable>(_ name: String, as type: T.Type) throws -> T {
    try VaultTestSupport.loadVectors(name, as: type, in: .module)
}

/// Base64 to bytes, lenient (transparency-dev vectors hold deliberately odd values).
func b64(_ text: String?) -> [UInt8] {
    guard let text, let data = Data(base64Encoded: text) else { return [] }
    return [UInt8](data)
}

/// A deterministic test signing key from a one-byte seed pattern.
func testSigningKey(_ byte: UInt8 = 7) -> Ed25519SigningKey {
    try! Ed25519SigningKey(seed: SecureBytes(copying: [UInt8](repeating: byte, count: 32)))
}
