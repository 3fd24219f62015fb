import ArgumentParser
import Foundation
import Hummingbird
import Logging
import Metrics
import Prometheus
import VaultCore
import VaultNode
import VaultLedger
import VaultServer
import VaultSQLite

/// `civicvault serve`: runs the HTTP service on the node's embedded SQLite store until SIGINT/SIGTERM.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "serve", abstract: "Run the HTTP service.")
    @OptionGroup var node: NodeOptions
    @Option(help: "Address to listen on.") var host: String = "127.0.0.1"
    @Option(help: "Port to listen on.") var port: Int = 8080
    @Option(help: "Schema files to register at start (JSON), e.g. schemas/citizen.json.") var schema: [String] = []
    @Option(help: "Policy file to install at start if it is newer than the installed one.") var policy: String?
    @Option(help: "A witness's cosigner key (<name>+<id>+<base64>) or a file holding one; repeat for each witness.") var witnessKey: [String] = []
    @Option(help: "Witness cosignatures that make a checkpoint final; attestations then use only final checkpoints.") var witnessThreshold: Int = 0
    @Flag(help: "Mark the pages' cookies Secure (browsers reach the node over TLS, e.g. through a terminating proxy).") var secureCookies = false

    func validate() throws {
        guard witnessThreshold >= 0, witnessThreshold <= witnessKey.count else {
            throw ValidationError("--witness-threshold must be between 0 and the number of --witness-key options")
        }
    }

    func run() async throws {
        let storage = try node.open()
        do {
            // Replay and verify the ledger now: a tampered ledger stops the start, naming what failed.
            try storage.vault.loadAnchor()
            for file in schema {
                guard let data = FileManager.default.contents(atPath: file) else { throw CLIFailure("cannot read \(file)", hint: "check the path") }
                try storage.vault.registerSchema(json: data, by: node.caller)
            }
            if let policy {
                guard let data = FileManager.default.contents(atPath: policy) else { throw CLIFailure("cannot read \(policy)", hint: "check the path") }
                let parsed = try Policy.parse(data)
                // As the option says: installed only if newer (a scenario may have extended the policy since).
                if let installed = try storage.vault.policy(), installed.version > parsed.version {
                    print("keeping the installed policy v\(installed.version) (newer than \(policy)'s v\(parsed.version))")
                } else {
                    try storage.vault.installPolicy(parsed, by: node.caller)
                }
            }
            let resumed = try storage.vault.resumeRotations(by: node.caller)
            for r in resumed { print("finished an interrupted rotation of \(r.tier) (\(r.rewrapped) data keys)") }
        } catch { throw CLIFailure.from(error) }
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        let witnesses = try witnessKey.map { try KeyText.cosigner($0) }
        let state = ServiceState(
            storage: storage, configuration: ServerConfiguration(host: host, port: port, witnesses: witnesses, witnessThreshold: witnessThreshold, secureCookies: secureCookies),
            registry: registry)
        var logger = Logger(label: "civicvault")
        logger.logLevel = .info
        print("CivicVault \(storage.ledger.signer.name) listening on http://\(host):\(port)")
        print("verifier key: \(state.verifierKey)")
        try await buildApplication(state, logger: logger).runService()
    }
}
