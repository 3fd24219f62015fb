import Foundation
import VaultCrypto

/// Loads the committed JSON vector file `Vectors/<name>.json` of a test target (pass its `Bundle.module`).
public func loadVectors<T: Decodable>(_ name: String, as type: T.Type, in bundle: Bundle) throws -> T {
    guard let url = bundle.url(forResource: name, withExtension: "json", subdirectory: "Vectors") else {
        throw VectorMissing(name: name)
    }
    return try JSONDecoder().decode(T.self, from: Data(contentsOf: url))
}

/// A vector file that is not in the test target's resources.
public struct VectorMissing: Error {
    public let name: String
}

/// Hex to bytes, failing the test on bad hex.
public func hex(_ text: String) -> [UInt8] {
    guard let bytes = Hex.decode(text) else { fatalError("bad hex in vector: \(text)") }
    return bytes
}
