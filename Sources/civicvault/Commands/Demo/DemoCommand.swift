import ArgumentParser
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import VaultCore
import VaultNode
import VaultCrypto
import VaultLedger
import VaultSQLite

/// `civicvault demo`: walks the whole story against a running service: a department stores a citizen, an officer
/// grants a tier, a requester gets an "age >= 18" attestation and verifies it offline, the citizen sees both in
/// their access log, and an auditor verifies the ledger and its consistency with an earlier checkpoint.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "demo", abstract: "Walk the whole story against a running service.")
    @OptionGroup var node: NodeOptions
    @Option(help: "The service's base URL.") var url: String = "http://127.0.0.1:8080"
    @Option(help: "A scenario to install and walk instead: civil-identity, land-registry or certificates.") var scenario: String?
    @Option(help: "Where the scenarios are.") var scenarios: String = "scenarios"

    func run() async throws {
        if let scenario {
            let found = try Scenario.locate(scenario, in: scenarios)
            let storage = try await node.open()
            do {
                for line in try await found.install(into: storage.vault, by: node.caller) { print("[installed] \(line)") }
            } catch { throw CLIFailure.from(error) }
            let kit = DemoKit(storage: storage, url: url)
            switch scenario {
            case "civil-identity": try await CivilIdentityDemo(kit: kit).run()
            case "certificates": try await CertificatesDemo(kit: kit).run()
            default: try await LandRegistryDemo(kit: kit).run()
            }
            return
        }
        let storage = try await node.open()
        let tokens = storage.tokens
        let suffix = Hex.encode(RandomBytes.generate(3))
        let nationalID = "DEMO\(suffix)"
        let dept = try tokens.create(role: .department, actor: "demo-clerk-\(suffix)", clearance: "restricted", lifetimeMs: 3_600_000)
        let officer = try tokens.create(role: .officer, actor: "demo-officer-\(suffix)", clearance: "restricted", lifetimeMs: 3_600_000)
        let bank = try tokens.create(role: .requester, actor: "bank-demo-\(suffix)", lifetimeMs: 3_600_000)
        let auditor = try tokens.create(role: .auditor, actor: "demo-auditor-\(suffix)", lifetimeMs: 3_600_000)
        let citizen = try tokens.create(role: .citizen, actor: "demo-citizen-\(suffix)", citizen: try storage.vault.pseudonym(of: nationalID), lifetimeMs: 3_600_000)
        let http = HTTPClient(base: url)
        let key = storage.ledger.signer.verifierKey

        let before = try await http.text("GET", "/v1/ledger/checkpoint")
        let (oldCheckpoint, _) = try Checkpoint.open(before, keys: [key], origin: key.name)
        step(1, "checkpoint at size \(oldCheckpoint.treeSize), signature checked with \(key)")

        let created = try await http.json("POST", "/v1/records", token: dept, body: [
            "type": "citizen", "national_id": nationalID,
            "values": ["national_id": nationalID, "full_name": "Demo Citizen \(suffix)", "birth_date": "1990-05-17", "district": "harbour", "income": 24_500],
        ])
        let record = try field(created, "record")
        step(2, "department stored citizen record \(record) (ledger index \(created["ledger_index"] ?? "?"))")

        _ = try await http.json("POST", "/v1/grants", token: officer, body: ["member": "demo-analyst-\(suffix)", "role": "department", "clearance": "internal"])
        step(3, "officer granted demo-analyst-\(suffix) the internal tier")

        let nonce = RandomBytes.generate(32)
        let attested = try await http.json("POST", "/v1/attestations", token: bank, body: [
            "record": record, "predicates": [["field": "birth_date", "age_at_least": 18]],
            "nonce": Base64.encode(nonce), "purpose": "loan-application",
        ])
        let bundleData = try JSONSerialization.data(withJSONObject: attested["bundle"] as Any)
        let bundle = try AttestationBundle.decode(bundleData)
        let verified = try BundleVerifier(ledgerKey: key).verify(
            bundle, now: UInt64(Date().timeIntervalSince1970), expecting: .replay(requester: "bank-demo-\(suffix)", nonce: nonce, record: record))
        step(4, "requester got an attestation (\(bundleData.count) bytes) and verified it offline: \(verified.claims.joined(separator: " and ")) holds for record \(verified.recordID) (purpose \(verified.purpose ?? "-")); it learned nothing else")

        let log = try await http.json("GET", "/v1/citizens/me/access-log", token: citizen)
        let events = (log["events"] as? [[String: Any]] ?? []).map { "\($0["type"] ?? "?") by \($0["actor"] ?? "?")" }
        step(5, "citizen's access log: \(events.joined(separator: "; "))")
        guard events.contains(where: { $0.hasPrefix("record.created") }), events.contains(where: { $0.hasPrefix("question") }) else {
            throw CLIFailure("the access log does not show both events", hint: "check the service's logs")
        }

        let audit = try await http.json("GET", "/v1/audit/ledger", token: auditor)
        let after = try await http.text("GET", "/v1/ledger/checkpoint")
        let (newCheckpoint, _) = try Checkpoint.open(after, keys: [key], origin: key.name)
        let proof = try await http.json("GET", "/v1/ledger/proofs/consistency?old=\(oldCheckpoint.treeSize)&size=\(newCheckpoint.treeSize)")
        let hashes = try (proof["hashes"] as? [String] ?? []).map { text -> [UInt8] in
            guard let h = Base64.decode(text) else { throw CLIFailure("malformed consistency proof", hint: nil) }
            return h
        }
        try ConsistencyProof(oldSize: oldCheckpoint.treeSize, treeSize: newCheckpoint.treeSize, hashes: hashes)
            .verify(oldRoot: oldCheckpoint.root, newRoot: newCheckpoint.root)
        step(6, "auditor: ledger valid (\(audit["tree_size"] ?? "?") entries); size \(newCheckpoint.treeSize) is consistent with size \(oldCheckpoint.treeSize)")
        print("demo complete")
    }

    func step(_ n: Int, _ text: String) { print("[\(n)/6] \(text)") }

    func field(_ object: [String: Any], _ name: String) throws -> String {
        guard let value = object[name] as? String else { throw CLIFailure("the service's answer has no \(name)", hint: "check the service's logs") }
        return value
    }
}
