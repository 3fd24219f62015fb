import Foundation
import Testing
import VaultCore
import VaultCrypto
import VaultLedger
import VaultNode
import VaultTestSupport

/// What the service keeps besides the vault, on every backend, and what a second node sharing the database
/// sees: tokens, witness cosignatures, records and members written by the first.
@Suite struct NodeStoreTests {
    let officer = Caller.operatorCLI(id: "officer-1")

    @Test(arguments: StorageBackend.available) func tokensResolveOnEveryNodeUntilRevokedOrExpired(backend: StorageBackend) async throws {
        let test = try TestStore(backend)
        defer { test.cleanUp() }
        let other = try test.reopened()
        let tokens = test.store.tokens
        let citizen = try test.vault.pseudonym(of: "38001010000")
        let clerk = try tokens.create(role: .department, actor: "clerk-1", clearance: "confidential")
        let person = try tokens.create(role: .citizen, actor: "citizen-1", citizen: citizen)
        let brief = try tokens.create(role: .requester, actor: "bank-1", lifetimeMs: 0)
        let grant = try other.tokens.resolve(clerk)
        #expect(grant.role == .department && grant.actor == "clerk-1" && grant.clearance == "confidential" && grant.citizen == nil)
        #expect(try other.tokens.resolve(person).citizen == citizen)
        try await Task.sleep(nanoseconds: 10_000_000)
        await #expect(throws: TokenRegistry.Refusal.expired) { try await other.tokens.resolve(brief) }
        await #expect(throws: TokenRegistry.Refusal.unknown) { try await other.tokens.resolve("cvt_" + String(repeating: "A", count: 43)) }
        await #expect(throws: TokenRegistry.Refusal.malformed) { try await other.tokens.resolve("cvt_short") }
        await #expect(try other.vault.revoke(memberID: "clerk-1", by: .operatorCLI()).tokens == 1)
        await #expect(throws: TokenRegistry.Refusal.revoked) { try await tokens.resolve(clerk) }
        // Only the keyed hash is stored.
        #expect(try test.integers("SELECT COUNT(*) AS v FROM vault_token") == [3])
    }

    @Test(arguments: StorageBackend.available) func cosignaturesMakeACheckpointFinalForEveryNode(backend: StorageBackend) async throws {
        let test = try TestStore(backend)
        defer { test.cleanUp() }
        try await test.vault.createStandardTiersIfNeeded(by: officer)
        let witnessKeys = (0..<3).map { _ in Ed25519SigningKey.generate() }
        let cosigners = try witnessKeys.enumerated().map { try CosignerKey(name: "w\($0.offset).example", publicKey: $0.element.publicKey) }
        let here = WitnessedCheckpoints(ledger: test.store.ledger, witnesses: cosigners, threshold: 2)
        let there = WitnessedCheckpoints(ledger: try test.reopened().ledger, witnesses: cosigners, threshold: 2)
        let note = try SignedNote(parsing: try test.ledger.latestCheckpoint()!)
        func cosigned(by w: Int) throws -> String {
            let line = try Cosignature.sign(note, name: cosigners[w].name, key: witnessKeys[w], timestamp: 1_795_000_000)
            return SignedNote(text: note.text, signatures: note.signatures + [line]).serialized
        }
        #expect(try here.latestFinal() == nil)
        #expect(try here.submit(try cosigned(by: 0)).witnesses == ["w0.example"])
        #expect(try there.latestFinal() == nil)
        #expect(try there.submit(try cosigned(by: 2)).witnesses == ["w0.example", "w2.example"])
        let final = try #require(try here.latestFinal())
        #expect(try Cosignature.verify(try SignedNote(parsing: final), keys: cosigners, threshold: 2).count == 2)
        // A checkpoint that is not this log's is refused and stores nothing.
        let forged = try Checkpoint(origin: test.ledger.signer.name, treeSize: 2, root: [UInt8](repeating: 7, count: 32)).sign(name: test.ledger.signer.name, key: Ed25519SigningKey.generate())
        await #expect(throws: WitnessedCheckpoints.Refusal.self) { try await here.submit(forged.serialized) }
        // A valid line beside a configured witness's bad one: refused, naming that witness (not "no cosignature").
        let good = try Cosignature.sign(note, name: cosigners[1].name, key: witnessKeys[1], timestamp: 1_795_000_000)
        let bad = SignedNote.Signature(name: cosigners[0].name, keyID: cosigners[0].keyID, signature: Array(good.signature.prefix(8)) + Array(repeating: 3, count: 64))
        await #expect(throws: WitnessedCheckpoints.Refusal.invalidCosignature(witness: "w0.example")) {
            try await here.submit(SignedNote(text: note.text, signatures: note.signatures + [good, bad]).serialized)
        }
        #expect(try test.integers("SELECT COUNT(*) AS v FROM ledger_cosigned") == [1])
    }

    @Test(arguments: StorageBackend.available) func aSecondNodeServesWhatTheFirstWrote(backend: StorageBackend) async throws {
        let test = try TestStore(backend)
        defer { test.cleanUp() }
        try await test.vault.createStandardTiersIfNeeded(by: officer)
        try await test.vault.registerSchema(json: Data(#"{"type": "person", "version": 1, "fields": [{"name": "full_name", "type": "string", "tier": "confidential", "required": true}]}"#.utf8), by: officer)
        let second = try test.reopened()
        let made = try await test.vault.createRecord(type: "person", nationalID: "1", input: ["full_name": .string("Mari")], by: officer)
        await #expect(try second.vault.readRecord(id: made.recordID, purpose: "audit", by: officer).fields == ["full_name": .string("Mari")])
        _ = try await second.vault.grant(memberID: "clerk-1", role: .department, clearance: "internal", by: officer)
        let clerk = await Caller(member: try #require(try test.vault.member(id: "clerk-1")))
        await #expect(throws: VaultError.self) { try await test.vault.readRecord(id: made.recordID, purpose: "benefit-check", by: clerk) }
        await #expect(try second.vault.accessLog(nationalID: "1").map(\.actor) == ["officer-1", "officer-1", "clerk-1"])
        #expect(try second.verifyLedger().treeSize == (try test.ledger.treeSize()))
    }
}
