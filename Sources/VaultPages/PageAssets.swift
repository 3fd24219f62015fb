import Foundation
import VaultCrypto

/// The stylesheet and scripts of the pages (Resources/static), read once at start and served from memory with a
/// content type and an ETag; nothing is fetched from anywhere else.
public struct PageAssets: Sendable {
    /// One file.
    public struct Asset: Sendable {
        public let bytes: [UInt8]
        public let contentType: String
        public let etag: String
    }

    public let files: [String: Asset]

    public init() throws {
        let folder = try PageResources.folder("static")
        var files: [String: Asset] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) {
            let type: String
            switch (name as NSString).pathExtension {
            case "css": type = "text/css; charset=utf-8"
            case "js": type = "text/javascript; charset=utf-8"
            case "svg": type = "image/svg+xml"
            default: continue
            }
            let bytes = Array(try Data(contentsOf: folder.appendingPathComponent(name)))
            files[name] = Asset(bytes: bytes, contentType: type, etag: "\"" + Hex.encode(Array(SHA256.hash(bytes).prefix(16))) + "\"")
        }
        self.files = files
    }
}
