import Foundation
import Hummingbird
import Logging
import Prometheus
import VaultCore
import VaultCrypto
import VaultLedger
import VaultNode
import VaultPages

/// Everything the routes share: the node's storage, its tokens, its verifier key, the metrics registry and the
/// service limits. Immutable and thread-safe.
public struct ServiceState: Sendable {
    /// The node's storage (SQLite or PostgreSQL).
    public let storage: NodeStore
    public let tokens: TokenRegistry
    public let verifierKey: NoteVerifierKey
    public let configuration: ServerConfiguration
    public let registry: PrometheusCollectorRegistry
    /// Witness cosignatures received, and the newest checkpoint they made final.
    public let witnessed: WitnessedCheckpoints
    /// The vault; when witnesses are configured, attestations are proven against witness-final checkpoints only.
    public let vault: Vault
    /// The pages' templates, assets and sessions (in memory).
    public let pages: PageSite
    let metrics: ServiceMetrics

    public init(storage: NodeStore, configuration: ServerConfiguration, registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.storage = storage
        let witnessed = WitnessedCheckpoints(ledger: storage.ledger, witnesses: configuration.witnesses, threshold: configuration.witnessThreshold)
        self.witnessed = witnessed
        self.vault = configuration.witnessThreshold > 0 ? storage.vault.provingAgainst { try await BlockingCallCheck.offload({ try witnessed.latestFinal() }) } : storage.vault
        self.tokens = storage.tokens
        self.verifierKey = storage.ledger.signer.verifierKey
        self.configuration = configuration
        self.registry = registry
        self.metrics = ServiceMetrics(registry: registry)
        self.pages = PageSite(secureCookies: configuration.secureCookies, clock: Vault.systemClock)
    }
}

/// The service's own counters (Prometheus text at /metrics). Labels are route names and outcomes only.
struct ServiceMetrics: Sendable {
    let recordsWritten: Prometheus.Counter
    let recordReads: Prometheus.Counter
    let attestationsIssued: Prometheus.Counter
    let attestationsPending: Prometheus.Counter
    let refusals: Prometheus.Counter
    /// Requests refused because a stored row failed its MAC or disagreed with the verified ledger.
    let stateTampered: Prometheus.Counter

    init(registry: PrometheusCollectorRegistry) {
        recordsWritten = registry.makeCounter(name: "civicvault_records_written_total")
        recordReads = registry.makeCounter(name: "civicvault_record_reads_total")
        attestationsIssued = registry.makeCounter(name: "civicvault_attestations_issued_total")
        attestationsPending = registry.makeCounter(name: "civicvault_attestations_pending_total")
        refusals = registry.makeCounter(name: "civicvault_refusals_total")
        stateTampered = registry.makeCounter(name: "civicvault_state_tampered_total")
    }
}
