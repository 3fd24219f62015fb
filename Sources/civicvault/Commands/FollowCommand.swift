import ArgumentParser
import Foundation
import Hummingbird
import Logging
import VaultCrypto
import VaultLedger
import VaultServer
import VaultSQLite

/// `civicvault follow`: a read replica. Mirrors the log node's entries, accepting them only when they rebuild
/// the root of a checkpoint signed by the log's key, and serves the public ledger reads and proofs from its
/// mirror, also while the log node is down. Stops following (and says so loudly) if the log forks.
struct FollowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "follow", abstract: "Run a read replica of a log node.")
    @Option(help: "The log node's base URL.") var log: String
    @Option(help: "The log's note verifier key, or a file holding it.") var logKey: String
    @Option(help: "Directory of the mirror's database.") var data: String = ".civicvault/follower"
    @Option(help: "Address to serve on.") var host: String = "127.0.0.1"
    @Option(help: "Port to serve on.") var port: Int = 8081
    @Option(help: "Seconds between polls of the log.") var interval: UInt32 = 2
    @Flag(help: "Sync once and exit (no server).") var once = false

    func run() async throws {
        let key = try KeyText.ledger(logKey)
        try DataOptions.secure(directory: data)
        let mirror: LedgerMirror
        do { mirror = try LedgerMirror(path: NodeDatabase.path(inDataDirectory: data), logKey: key) } catch { throw CLIFailure.from(error) }
        let http = HTTPClient(base: log)
        if once {
            do { print("mirrored up to size \(try await Self.sync(mirror, http))") } catch { throw CLIFailure("\(error)", hint: "check --log and --log-key") }
            return
        }
        let follower = Task {
            while !Task.isCancelled {
                do {
                    _ = try await Self.sync(mirror, http)
                } catch let refusal as LedgerMirror.Refusal {
                    FileHandle.standardError.write(Data("ALERT: \(refusal). Following stopped; still serving the last verified state.\n".utf8))
                    return
                } catch {
                    // The log may be down: keep serving, try again later.
                }
                try? await Task.sleep(nanoseconds: UInt64(interval) * 1_000_000_000)
            }
        }
        defer { follower.cancel() }
        print("follower of \(key.name) serving http://\(host):\(port) from \(data)")
        let app = Application(
            router: buildFollowerRouter(mirror), configuration: .init(address: .hostname(host, port: port), serverName: "civicvault-follower"),
            logger: Logger(label: "civicvault-follower"))
        try await app.runService()
    }

    /// Brings the mirror up to the log's current checkpoint; returns the mirrored size.
    static func sync(_ mirror: LedgerMirror, _ http: HTTPClient) async throws -> UInt64 {
        let note = try await http.text("GET", "/v1/ledger/checkpoint")
        let size = try Checkpoint(parsing: try SignedNote(parsing: note).text).treeSize
        var from = try mirror.treeSize()
        var entries: [StoredEntry] = []
        while from < size {
            let to = min(size, from + 1000)
            let page = try await http.json("GET", "/v1/ledger/entries?from=\(from)&to=\(to)")
            let items = page["entries"] as? [[String: Any]] ?? []
            guard !items.isEmpty else { break }  // apply() then refuses the gap
            for item in items {
                guard let index = item["index"] as? Int, let bytes = (item["bytes"] as? String).flatMap(Base64.decode),
                      let leaf = (item["leaf_hash"] as? String).flatMap(Base64.decode) else { throw LedgerMirror.Refusal.badCheckpoint("malformed entries page") }
                entries.append(StoredEntry(index: UInt64(index), bytes: bytes, leafHash: leaf))
            }
            from = to
        }
        // The log's key chain, checked from the followed key: a checkpoint under a key it does not announce is refused.
        let chainText = try await http.text("GET", "/v1/ledger/keys")
        let chain: LedgerKeyChain
        do { chain = try LedgerKeyChain(parsing: chainText, trusting: mirror.logKey) } catch {
            throw LedgerMirror.Refusal.badCheckpoint("the log's key chain: \(error)")
        }
        try mirror.apply(entries, checkpoint: note, keyChain: chain)
        return size
    }
}
