import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
import VaultCore
import VaultLedger
import VaultCrypto

/// Each scenario's demo (`make demo SCENARIO=...`) against a real served node: the demo installs the scenario,
/// walks every role and checks what each sees; then a parcel's public history, fetched without a token, is
/// verified offline by `civicvault parcel verify`, and a tampered copy is refused.
@Suite(.serialized) struct ScenarioDemoTests {
    static let scenarios = ServedNode.repo.appendingPathComponent("scenarios").path

    func demo(_ node: ServedNode, _ scenario: String) throws -> CLI.Result {
        try CLI.run(["demo", "--keys", node.keys] + node.storeArguments + ["--url", node.base, "--scenario", scenario, "--scenarios", Self.scenarios])
    }

    @Test func everyScenarioWalksEndToEndOnOneNodeAndInstallsOnce() async throws {
        let node = try ServedNode()
        defer { node.cleanUp() }
        try await node.start()

        let civil = try demo(node, "civil-identity")
        #expect(civil.status == 0, "\(civil.stderr)\n\(civil.stdout)")
        #expect(civil.stdout.contains("civil-identity demo complete"))
        #expect(civil.stdout.contains("[installed] schema person v1"))
        #expect(civil.stdout.contains("policy_denied"))
        #expect(civil.stdout.contains("withheld: birth_date"))

        let land = try demo(node, "land-registry")
        #expect(land.status == 0, "\(land.stderr)\n\(land.stdout)")
        #expect(land.stdout.contains("land-registry demo complete"))
        #expect(land.stdout.contains("transfer_in_flight") && land.stdout.contains("wrong_actor"))
        #expect(land.stdout.contains("status executed"))

        let certificates = try demo(node, "certificates")
        #expect(certificates.status == 0, "\(certificates.stderr)\n\(certificates.stdout)")
        #expect(certificates.stdout.contains("certificates demo complete") && certificates.stdout.contains("was revoked"))

        // Installing again changes nothing; the civil-identity demo runs again on the extended policy.
        let again = try demo(node, "civil-identity")
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.contains("already has the 3 rules of civil-identity"))

        // The parcel's public history: no token, no owner, verified offline against the signed checkpoint.
        let parcel = try #require(land.stdout.components(separatedBy: "registered parcel ").dropFirst().first?.split(separator: " ").first.map(String.init))
        var request = URLRequest(url: URL(string: node.base + "/v1/public/parcels/\(parcel)")!)
        request.httpMethod = "GET"
        let (data, response) = try await URLSession.shared.data(for: request)
        #expect((response as? HTTPURLResponse)?.statusCode == 200)
        let text = String(decoding: data, as: UTF8.self)
        #expect(!text.contains("owner_ref") && !text.contains("BEN") && !text.contains("ANN") && !text.contains("encumbrances"))
        let history = try ParcelHistory.decode(data)
        let file = node.directory.appendingPathComponent("history.json")
        try data.write(to: file)
        let verified = try CLI.run(["parcel", "verify", file.path, "--ledger-key", node.keys + "/node.pub"])
        #expect(verified.status == 0, "\(verified.stderr)")
        #expect(verified.stdout.contains("history verified") && verified.stdout.contains("(1 transfers)"))

        // Tampered copies are refused: a changed public field, a dropped transfer, another node's key.
        let changed = text.replacingOccurrences(of: "\"area_m2\":812", with: "\"area_m2\":9812")
        #expect(changed != text)
        try Data(changed.utf8).write(to: file)
        let refused = try CLI.run(["parcel", "verify", file.path, "--ledger-key", node.keys + "/node.pub"])
        #expect(refused.status != 0 && refused.stderr.contains("public fields do not hash"))
        let dropped = ParcelHistory(
            parcel: history.parcel, record: history.record, fields: history.fields, checkpoint: history.checkpoint,
            entries: history.entries.filter { (try? EntryCodec.decode(Base64.decode($0.entry) ?? []))?.type != LedgerEntry.Kind.transferExecuted })
        await #expect(throws: VaultError.self) { try await dropped.verify(ledgerKey: try await NoteVerifierKey(parsing: try await String(contentsOfFile: node.keys + "/node.pub", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines))) }
        let other = try ServedNode()
        defer { other.cleanUp() }
        try data.write(to: file)
        let foreign = try CLI.run(["parcel", "verify", file.path, "--ledger-key", other.keys + "/node.pub"])
        #expect(foreign.status != 0)
        node.stop()
    }
}
