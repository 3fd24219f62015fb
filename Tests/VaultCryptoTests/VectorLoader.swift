import Foundation
import VaultTestSupport
import VaultCrypto

/// Loads a committed JSON vector file from this test target's Vectors/ folder.
func loadVectors<T: Decodable>(_ name: String, as type: T.Type) throws -> T {
    try VaultTestSupport.loadVectors(name, as: type, in: .module)
}
