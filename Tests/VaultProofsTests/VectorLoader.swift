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

