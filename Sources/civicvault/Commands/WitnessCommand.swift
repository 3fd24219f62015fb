import ArgumentParser
import Foundation
import VaultCrypto
import VaultLedger

/// `civicvault witness`: follows a log node, checks every new checkpoint against the last one it cosigned (log
/// signature, no shrink, no fork, consistency proof), and only then adds its C2SP cosignature and sends it to the
/// log. A misbehaving log is refused and reported loudly; the last cosigned checkpoint is kept on disk.
struct WitnessCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "witness", abstract: "Witness a log: verify and cosign its checkpoints.")
    @OptionGroup var keyOptions: KeyOptions
    @Option(help: "The log node's base URL.") var log: String
    @Option(help: "The log's note verifier key, or a file holding it (its node.pub).") var logKey: String
    @Option(help: "Where the last cosigned checkpoint is kept (default: <keys>/witness-state.json).") var state: String?
    @Flag(help: "Check and cosign once, then exit (exit 2 when the log misbehaves).") var once = false
    @Option(help: "Seconds between polls.") var interval: UInt32 = 5

    func run() async throws {
        let keys = try keyOptions.loadNodeKeys()
        let logKey = try KeyText.ledger(self.logKey)
        let statePath = state ?? (keyOptions.keys as NSString).appendingPathComponent("witness-state.json")
        let http = HTTPClient(base: log)
        print("witness \(keys.name) (cosigner key \(try CosignerKey(name: keys.name, publicKey: keys.signingKey.publicKey))) following \(logKey.name)")
        while true {
            do {
                try await round(keys: keys, logKey: logKey, statePath: statePath, http: http)
            } catch let refusal as Witness.Refusal where refusal.isMisbehaviour {
                FileHandle.standardError.write(Data("ALERT: \(refusal). Not cosigned. Evidence kept in \(statePath).refused\n".utf8))
                if once { throw ExitCode(2) }
            } catch {
                FileHandle.standardError.write(Data("witness: \(error)\n".utf8))
                if once { throw CLIFailure.from(error) }
            }
            if once { return }
            sleep(interval)
        }
    }

    func round(keys: NodeKeys, logKey: NoteVerifierKey, statePath: String, http: HTTPClient) async throws {
        let previous = try FileManager.default.contents(atPath: statePath).map { try JSONDecoder().decode(WitnessState.self, from: $0) }
        let text = try await http.text("GET", "/v1/ledger/checkpoint")
        let size = (try? Checkpoint(parsing: try SignedNote(parsing: text).text).treeSize) ?? 0
        func consistency(from old: UInt64) async throws -> ConsistencyProof {
            let json = try await http.json("GET", "/v1/ledger/proofs/consistency?old=\(old)&size=\(size)")
            return ConsistencyProof(oldSize: old, treeSize: size, hashes: (json["hashes"] as? [String] ?? []).compactMap(Base64.decode))
        }
        var proof: ConsistencyProof?
        if let previous, previous.treeSize > 0, size > previous.treeSize { proof = try await consistency(from: previous.treeSize) }
        // The log's key chain, checked from the key this witness trusts; a key it does not announce never counts.
        let chain = try KeyText.keyChain(text: try await http.text("GET", "/v1/ledger/keys"), source: "\(log)/v1/ledger/keys", trusting: logKey)
        var rotationProofs: [UInt64: ConsistencyProof] = [:]
        for link in chain.links.dropFirst() where link.signsAfter > (previous?.treeSize ?? 0) && link.signsAfter < size {
            rotationProofs[link.signsAfter] = try await consistency(from: link.signsAfter)
        }
        let note: SignedNote, checkpoint: Checkpoint
        do {
            (note, checkpoint) = try Witness.check(note: text, keyChain: chain, previous: previous, proof: proof, rotationProofs: rotationProofs)
        } catch let refusal as Witness.Refusal {
            try? Data(text.utf8).write(to: URL(fileURLWithPath: statePath + ".refused"))
            throw refusal
        }
        // Remember before telling anyone: a witness never cosigns two views of one log.
        let newState = WitnessState(origin: checkpoint.origin, treeSize: checkpoint.treeSize, root: Base64.encode(checkpoint.root), note: text)
        try JSONEncoder().encode(newState).write(to: URL(fileURLWithPath: statePath), options: .atomic)
        let line = try Cosignature.sign(note, name: keys.name, key: keys.signingKey, timestamp: UInt64(Date().timeIntervalSince1970))
        let cosigned = SignedNote(text: note.text, signatures: note.signatures + [line])
        let answer = try await http.json("POST", "/v1/ledger/cosignatures", body: ["checkpoint": cosigned.serialized])
        print("cosigned \(checkpoint.origin) at size \(checkpoint.treeSize); final: \(answer["final"] as? Bool ?? false)")
    }
}
