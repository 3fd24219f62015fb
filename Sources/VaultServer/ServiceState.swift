import Foundation
import Hummingbird
import Logging
import Prometheus
import VaultCore
import VaultCrypto
import VaultLedger
import VaultSQLite

/// Everything the routes share: the node's storage, its tokens, its verifier key, the metrics registry and the
/// service limits. Immutable and thread-safe.
public struct ServiceState: Sendable {
    public let storage: NodeStorage
    public let tokens: TokenRegistry
    public let verifierKey: NoteVerifierKey
    public let configuration: ServerConfiguration
    public let registry: PrometheusCollectorRegistry
    let metrics: ServiceMetrics

    public init(storage: NodeStorage, configuration: ServerConfiguration, registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.storage = storage
        self.tokens = TokenRegistry(writer: storage.database)
        self.verifierKey = storage.ledger.signer.verifierKey
        self.configuration = configuration
        self.registry = registry
        self.metrics = ServiceMetrics(registry: registry)
    }

    var vault: Vault { storage.vault }
}

/// The service's own counters (Prometheus text at /metrics). Labels are route names and outcomes only.
struct ServiceMetrics: Sendable {
    let recordsWritten: Prometheus.Counter
    let recordReads: Prometheus.Counter
    let attestationsIssued: Prometheus.Counter
    let attestationsPending: Prometheus.Counter
    let refusals: Prometheus.Counter

    init(registry: PrometheusCollectorRegistry) {
        recordsWritten = registry.makeCounter(name: "civicvault_records_written_total")
        recordReads = registry.makeCounter(name: "civicvault_record_reads_total")
        attestationsIssued = registry.makeCounter(name: "civicvault_attestations_issued_total")
        attestationsPending = registry.makeCounter(name: "civicvault_attestations_pending_total")
        refusals = registry.makeCounter(name: "civicvault_refusals_total")
    }
}
