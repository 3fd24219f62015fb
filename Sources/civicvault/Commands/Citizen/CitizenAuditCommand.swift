import ArgumentParser
import Foundation
import VaultCore
import VaultCrypto
import VaultLedger

/// `civicvault citizen audit`: checks that the citizen's access log is exactly the ledger entries tagged for them,
/// up to a signed checkpoint. It fetches the checkpoint (signature, and witness cosignatures when given) and the
/// citizen's trail key, walks tag_0, tag_1, ... on the node and the given mirrors, checking each entry's
/// inclusion proof, stops at the first tag nobody knows, and compares with the access log. `--scan` reads every
/// entry up to the checkpoint instead (an auditor with a mirror), rebuilding the root itself.
struct CitizenAuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Check that your access log is complete and true against the signed ledger (exit 0: complete; 1: names each problem).")

    @Option(help: "The node's base URL, e.g. http://127.0.0.1:8080.") var url: String
    @Option(help: "Your citizen token (or set CIVICVAULT_TOKEN).") var token: String?
    @Option(help: "The node's verifier key (node.pub) or a file holding it.") var ledgerKey: String
    @Option(help: "A follower's base URL that also answers tag lookups; repeat.") var mirror: [String] = []
    @Option(help: "A witness's cosigner key or a file holding one; repeat (checks the cosigned checkpoint).") var witnessKey: [String] = []
    @Option(help: "How many of the --witness-key witnesses must have cosigned the checkpoint.") var threshold: Int = 0
    @Flag(help: "Scan every entry up to the checkpoint instead of looking tags up (reads the whole ledger).") var scan = false

    /// Tags probed past the first unknown one, to tell an end of the trail from a skipped event.
    static let lookahead: UInt64 = 8

    func run() async throws {
        guard threshold >= 0, threshold <= witnessKey.count else { throw ValidationError("--threshold must be between 0 and the number of --witness-key options") }
        guard let token = token ?? ProcessInfo.processInfo.environment["CIVICVAULT_TOKEN"] else {
            throw CLIFailure("no token", hint: "give --token or set CIVICVAULT_TOKEN to your citizen token")
        }
        let key = try KeyText.ledger(ledgerKey)
        let witnesses = try witnessKey.map { try KeyText.cosigner($0) }
        let node = HTTPClient(base: url)
        // 1. The checkpoint everything is proven against.
        let note = try await node.text("GET", threshold > 0 ? "/v1/ledger/checkpoint/cosigned" : "/v1/ledger/checkpoint")
        // The log's key chain, checked from the trusted key: the checkpoint must be signed by the key in force at its size.
        let chain = try KeyText.keyChain(text: try await node.text("GET", "/v1/ledger/keys"), source: "\(url)/v1/ledger/keys", trusting: key)
        let checkpoint: Checkpoint
        do {
            let opened = try chain.openCheckpoint(note)
            checkpoint = opened.0
            // Every configured witness's line must verify, whatever the threshold (docs/format/checkpoint.md).
            if !witnesses.isEmpty { try Cosignature.verify(opened.1, keys: witnesses, threshold: threshold) }
        } catch {
            throw CLIFailure("the checkpoint does not verify: \(error)", hint: "check --ledger-key (and --witness-key/--threshold)")
        }
        let size = checkpoint.treeSize
        // 2. The trail key and the access log.
        guard let keyText = try await node.json("GET", "/v1/citizens/me/trail-key", token: token)["trail_key"] as? String,
              let keyBytes = Base64.decode(keyText), keyBytes.count == 32 else {
            throw CLIFailure("the node gave no trail key", hint: "use a citizen token")
        }
        let trailKey = SecureBytes(copying: keyBytes)
        var problems: [String] = []
        var logged: [UInt64: String] = [:]
        let (status, data) = try await node.send("GET", "/v1/citizens/me/access-log", token: token, body: nil)
        let log = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        if status == 200, let events = log["events"] as? [[String: Any]] {
            for event in events {
                guard let index = (event["ledger_index"] as? NSNumber)?.uint64Value else { continue }
                if index < size { logged[index] = event["type"] as? String ?? "?" }
            }
        } else {
            problems.append("the node refused your access log (\(status)): \(log["message"] as? String ?? "")")
        }
        // 3. The tagged entries, by lookup or by scan.
        var onLedger: [UInt64: (n: UInt64, type: String)] = [:]
        if scan {
            try await walkByScan(node, checkpoint: checkpoint, trailKey: trailKey, into: &onLedger, problems: &problems)
        } else {
            try await walkByLookup(node, checkpoint: checkpoint, trailKey: trailKey, into: &onLedger, problems: &problems)
        }
        // 4. Compare.
        for (index, found) in onLedger.sorted(by: { $0.key < $1.key }) where logged[index] == nil {
            problems.append("event \(found.n) (ledger index \(index), \(found.type)) is on the ledger but missing from your access log")
        }
        for (index, type) in logged.sorted(by: { $0.key < $1.key }) where onLedger[index] == nil {
            problems.append("your access log lists ledger index \(index) (\(type)), which is not one of your tagged entries up to tree size \(size)")
        }
        if problems.isEmpty {
            print("complete: \(onLedger.count) events up to tree size \(size)")
        } else {
            for problem in problems { print("problem: \(problem)") }
            print("incomplete: \(problems.count) problems, \(onLedger.count) events on the ledger up to tree size \(size)")
            throw ExitCode(1)
        }
    }

    /// One lookup of tag_n on one server: the entry's index and type once its tag and inclusion proof check out.
    enum Lookup { case found(UInt64, String), unknown, invalid(String) }

    func lookup(_ server: HTTPClient, tag: [UInt8], checkpoint: Checkpoint) async throws -> Lookup {
        let (status, data) = try await server.send("GET", "/v1/ledger/tags/\(Hex.encode(tag))?size=\(checkpoint.treeSize)", token: nil, body: nil)
        if status == 404 { return .unknown }
        guard status == 200, let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any],
              let index = (object["index"] as? NSNumber)?.uint64Value, let text = object["bytes"] as? String, let bytes = Base64.decode(text),
              let hashes = (object["hashes"] as? [String])?.compactMap(Base64.decode) else {
            return .invalid("answered \(status) without a well-formed entry")
        }
        guard let entry = try? EntryCodec.decode(bytes), entry.attributes["tag"] == .bytes(tag) else { return .invalid("served an entry without this tag") }
        do {
            try InclusionProof(leafIndex: index, treeSize: checkpoint.treeSize, hashes: hashes).verify(leafHash: MerkleMath.leafHash(bytes), root: checkpoint.root)
        } catch {
            return .invalid("served entry \(index) whose inclusion proof does not reach the checkpoint")
        }
        return .found(index, entry.type)
    }

    func walkByLookup(
        _ node: HTTPClient, checkpoint: Checkpoint, trailKey: SecureBytes, into found: inout [UInt64: (n: UInt64, type: String)], problems: inout [String]
    ) async throws {
        let servers = [(url, node)] + mirror.map { ($0, HTTPClient(base: $0)) }
        var n: UInt64 = 0
        var ended: UInt64?
        while true {
            let tag = CitizenTrail.tag(key: trailKey, n)
            var hit: (UInt64, String)?
            var hiddenBy: [String] = []
            for (name, server) in servers {
                switch try await lookup(server, tag: tag, checkpoint: checkpoint) {
                case let .found(index, type): if hit == nil { hit = (index, type) }
                case .unknown: hiddenBy.append(name)
                case let .invalid(why): problems.append("event \(n): \(name) \(why)")
                }
            }
            guard let (index, type) = hit else {
                if ended == nil { ended = n }
                if n - ended! >= Self.lookahead { break }
                n += 1
                continue
            }
            if let end = ended {
                for skipped in end..<n { problems.append("event \(skipped) is skipped in the sequence: nobody knows its tag, but event \(n) is at ledger index \(index)") }
                ended = nil
            }
            if !hiddenBy.isEmpty && hiddenBy.count < servers.count {
                problems.append("event \(n) (ledger index \(index), \(type)) is hidden by \(hiddenBy.joined(separator: ", ")) but served by another")
            }
            found[index] = (n, type)
            n += 1
        }
    }

    func walkByScan(
        _ node: HTTPClient, checkpoint: Checkpoint, trailKey: SecureBytes, into found: inout [UInt64: (n: UInt64, type: String)], problems: inout [String]
    ) async throws {
        let source = mirror.first.map { HTTPClient(base: $0) } ?? node
        var tags: [[UInt8]: (UInt64, String)] = [:]
        var edge = CompactRange()
        while edge.size < checkpoint.treeSize {
            let to = min(edge.size + 1000, checkpoint.treeSize)
            let page = try await source.json("GET", "/v1/ledger/entries?from=\(edge.size)&to=\(to)")
            guard let entries = page["entries"] as? [[String: Any]], !entries.isEmpty else { throw CLIFailure("the ledger ended before the checkpoint", hint: "try another --mirror") }
            for item in entries {
                guard let text = item["bytes"] as? String, let bytes = Base64.decode(text), let entry = try? EntryCodec.decode(bytes) else {
                    throw CLIFailure("entry \(edge.size) is malformed", hint: "try another --mirror")
                }
                if case let .bytes(tag)? = entry.attributes["tag"] { tags[tag] = (edge.size, entry.type) }
                try edge.append(leafHash: MerkleMath.leafHash(bytes))
            }
        }
        guard ConstantTime.equals(edge.root, checkpoint.root) else {
            throw CLIFailure("the entries do not rebuild the checkpoint's root", hint: "the server altered the ledger; try another --mirror")
        }
        var n: UInt64 = 0
        var missing: [UInt64] = []
        while true {
            if let (index, type) = tags[CitizenTrail.tag(key: trailKey, n)] {
                for skipped in missing { problems.append("event \(skipped) is skipped in the sequence: its tag is not on the ledger, but event \(n) is at ledger index \(index)") }
                missing = []
                found[index] = (n, type)
            } else {
                missing.append(n)
                if UInt64(missing.count) > Self.lookahead { break }
            }
            n += 1
        }
    }
}
