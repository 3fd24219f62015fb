import VaultLedger

import Foundation
import Hummingbird
import Logging
import Prometheus
import VaultCore
import VaultCrypto
import VaultLedger
import VaultNode
import VaultSQLite

/// How the HTTP service runs: where it listens and how large a request body may be.
public struct ServerConfiguration: Sendable {
    /// Address to bind, e.g. 127.0.0.1.
    public var host: String
    /// TCP port.
    public var port: Int
    /// Largest accepted request body in bytes; larger bodies get 413 with a JSON error.
    public var maxBodyBytes: Int
    /// Witnesses whose cosignatures this log accepts.
    public var witnesses: [CosignerKey]
    /// How many of them make a checkpoint final; 0 = attestations use the latest checkpoint, unwitnessed.
    public var witnessThreshold: Int
    /// The pages' cookies get the Secure attribute: set when browsers reach the node over TLS (a terminating proxy).
    public var secureCookies: Bool

    public init(host: String = "127.0.0.1", port: Int = 8080, maxBodyBytes: Int = 64 * 1024, witnesses: [CosignerKey] = [], witnessThreshold: Int = 0,
                secureCookies: Bool = false) {
        self.host = host
        self.port = port
        self.maxBodyBytes = maxBodyBytes
        self.witnesses = witnesses
        self.witnessThreshold = witnessThreshold
        self.secureCookies = secureCookies
    }
}
