import ArgumentParser
import Foundation
import Hummingbird
import Logging
import Metrics
import Prometheus
import VaultCore
import VaultCrypto
import VaultNode
import VaultLedger
import VaultServer
import VaultSQLite

/// `civicvault serve`: runs the HTTP service until SIGINT/SIGTERM. Every setting comes from, in this order of
/// precedence, a flag, a `CIVICVAULT_*` environment variable, the `--config` file, the default
/// (`ServiceSettings`, docs/OPERATIONS.md).
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Run the HTTP service.",
        discussion: "Settings: flag > CIVICVAULT_* environment variable > --config file > default (docs/OPERATIONS.md).")
    @Option(help: "Configuration file (TOML; default: $CIVICVAULT_CONFIG). Flags and CIVICVAULT_* variables override it.") var config: String?
    @Flag(help: "Print the resolved settings (the database password hidden) and exit.") var printConfig = false
    @Option(help: "Directory of the node's keys (node.key, node.pub). [default: .civicvault/keys]") var keys: String?
    @Option(help: "File whose first line is the key file passphrase, mode 0600 (else CIVICVAULT_PASSPHRASE, else a prompt).") var passphraseFile: String?
    @Option(help: "Directory of the node's data (SQLite database civicvault.sqlite). [default: .civicvault/data]") var data: String?
    @Option(help: ArgumentHelp("PostgreSQL database shared by several nodes (default: $CIVICVAULT_DATABASE_URL; without either, SQLite in --data).", valueName: "url"))
    var database: String?
    @Option(help: "Actor id recorded on the ledger for start-up operations. [default: operator]") var actor: String?
    @Option(help: "Address to listen on. [default: 127.0.0.1]") var host: String?
    @Option(help: "Port to listen on. [default: 8080]") var port: Int?
    @Option(help: "Largest accepted request body in bytes. [default: 65536]") var maxBodyBytes: Int?
    @Flag(help: "Mark the pages' cookies Secure (browsers reach the node over TLS, e.g. through a terminating proxy).") var secureCookies = false
    @Option(help: "Schema files to register at start (JSON), e.g. schemas/citizen.json.") var schema: [String] = []
    @Option(help: "Policy file to install at start if it is newer than the installed one.") var policy: String?
    @Option(help: "A witness's cosigner key (<name>+<id>+<base64>) or a file holding one; repeat for each witness.") var witnessKey: [String] = []
    @Option(help: "Witness cosignatures that make a checkpoint final; attestations then use only final checkpoints. [default: 0]") var witnessThreshold: Int?
    @Option(help: "Log lines as 'text' or 'json' (one JSON object per line, with request ids). [default: text]") var logFormat: String?
    @Option(help: "Lowest log level written: trace, debug, info, notice, warning, error, critical. [default: info]") var logLevel: String?

    /// The flags given on the command line, as settings values.
    var flagValues: [ServiceSettings.Key: ServiceSettings.Value] {
        var flags: [ServiceSettings.Key: ServiceSettings.Value] = [:]
        if let keys { flags[.keys] = .string(keys) }
        if let passphraseFile { flags[.passphraseFile] = .string(passphraseFile) }
        if let data { flags[.data] = .string(data) }
        if let database { flags[.database] = .string(database) }
        if let actor { flags[.actor] = .string(actor) }
        if let host { flags[.host] = .string(host) }
        if let port { flags[.port] = .integer(port) }
        if let maxBodyBytes { flags[.maxBodyBytes] = .integer(maxBodyBytes) }
        if secureCookies { flags[.secureCookies] = .boolean(true) }
        if !schema.isEmpty { flags[.schemas] = .strings(schema) }
        if let policy { flags[.policy] = .string(policy) }
        if !witnessKey.isEmpty { flags[.witnessKeys] = .strings(witnessKey) }
        if let witnessThreshold { flags[.witnessThreshold] = .integer(witnessThreshold) }
        if let logFormat { flags[.logFormat] = .string(logFormat) }
        if let logLevel { flags[.logLevel] = .string(logLevel) }
        return flags
    }

    /// Resolves the settings from the four sources.
    func settings() throws -> ServiceSettings {
        let environment = ProcessInfo.processInfo.environment
        do {
            return try ServiceSettings.resolve(configPath: config ?? environment["CIVICVAULT_CONFIG"], environment: environment, flags: flagValues)
        } catch let failure as ServiceSettings.Failure {
            throw CLIFailure(failure.description, hint: failure.hint)
        }
    }

    /// The node options the other commands take, built from the settings.
    static func nodeOptions(_ settings: ServiceSettings) throws -> NodeOptions {
        var arguments = ["--keys", settings.keys, "--data", settings.data, "--actor", settings.actor]
        if let file = settings.passphraseFile { arguments += ["--passphrase-file", file] }
        if let url = settings.database { arguments += ["--database", url] }
        return try NodeOptions.parse(arguments)
    }

    func run() async throws {
        let settings = try settings()
        if printConfig {
            print(settings.rendered)
            return
        }
        let node = try Self.nodeOptions(settings)
        let logger = Self.bootstrapLogging(settings)
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        let witnesses = try settings.witnessKeys.map { try KeyText.cosigner($0) }
        let configuration = ServerConfiguration(
            host: settings.host, port: settings.port, maxBodyBytes: settings.maxBodyBytes, witnesses: witnesses,
            witnessThreshold: settings.witnessThreshold, secureCookies: settings.secureCookies)
        /// Opens storage with `keys`, verifies the ledger and does the start-up work: at start, or at unseal.
        @Sendable func start(_ keys: NodeKeys) async throws -> ServiceState {
            let node = try Self.nodeOptions(settings)
            let storage = try await node.open(keys: keys)
            do {
                // Replay and verify the ledger now: a tampered ledger stops the start, naming what failed.
                try await storage.vault.loadAnchor()
                for file in settings.schemas {
                    guard let data = FileManager.default.contents(atPath: file) else { throw CLIFailure("cannot read \(file)", hint: "check the path") }
                    try await storage.vault.registerSchema(json: data, by: node.caller)
                }
                if let policy = settings.policy {
                    guard let data = FileManager.default.contents(atPath: policy) else { throw CLIFailure("cannot read \(policy)", hint: "check the path") }
                    let parsed = try Policy.parse(data)
                    // As the option says: installed only if newer (a scenario may have extended the policy since).
                    if let installed = try await storage.vault.policy(), installed.version > parsed.version {
                        logger.notice("keeping the installed policy", metadata: ["installed": "\(installed.version)", "file": "\(policy)", "file_version": "\(parsed.version)"])
                    } else {
                        try await storage.vault.installPolicy(parsed, by: node.caller)
                    }
                }
                let resumed = try await storage.vault.resumeRotations(by: node.caller)
                for r in resumed { logger.notice("finished an interrupted rotation", metadata: ["tier": "\(r.tier)", "rewrapped": "\(r.rewrapped)"]) }
            } catch { throw CLIFailure.from(error) }
            return ServiceState(storage: storage, configuration: configuration, registry: registry)
        }
        let directory = node.keyOptions.directory
        let gate: SealGate
        let file: [UInt8]
        do { file = try directory.readKeyFile() } catch { throw CLIFailure.from(error) }
        if (try? KeyFile.protection(of: file)) == .shares {
            let set: SecretShares.ShareSet
            do { set = try directory.readShareSet() } catch { throw CLIFailure.from(error) }
            gate = SealGate(sealed: set) { secret in try await start(try KeyFile.open(file, shareSecret: secret)) }
            if settings.logFormat == .text {
                print("CivicVault listening on http://\(settings.host):\(settings.port), SEALED: give \(set.threshold) of \(set.count) shares with `civicvault unseal`")
            }
            logger.notice("starting sealed", metadata: ["address": "\(settings.host):\(settings.port)", "threshold": "\(set.threshold)", "shares": "\(set.count)"])
        } else {
            let state = try await start(try node.keyOptions.loadNodeKeys())
            gate = await SealGate(unsealed: state)
            if settings.logFormat == .text {
                print("CivicVault \(state.storage.ledger.signer.name) listening on http://\(settings.host):\(settings.port)")
                print("verifier key: \(state.verifierKey)")
            }
            logger.notice("starting", metadata: [
                "node": "\(state.storage.ledger.signer.name)", "address": "\(settings.host):\(settings.port)", "verifier_key": "\(state.verifierKey)",
            ])
        }
        try await buildGatedApplication(gate, host: settings.host, port: settings.port, logger: logger).runService()
    }

    /// Sets up swift-log once for the process: JSON lines on standard error, or the default console handler.
    static func bootstrapLogging(_ settings: ServiceSettings) -> Logger {
        let level = Logger.Level(rawValue: settings.logLevel) ?? .info
        if settings.logFormat == .json {
            LoggingSystem.bootstrap { label in
                var handler = JSONLogHandler(label: label)
                handler.logLevel = level
                return handler
            }
        }
        var logger = Logger(label: "civicvault")
        logger.logLevel = level
        return logger
    }
}
