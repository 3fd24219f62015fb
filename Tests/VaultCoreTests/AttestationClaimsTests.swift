import Foundation
import Testing
import VaultCrypto
import VaultLedger
import VaultNode
import VaultProofs
@testable import VaultCore
import VaultTestSupport

/// What a verified bundle tells its verifier and what it binds (issue 15): whose record (id, version, type), the
/// purpose, the claims over the schema's declared range, a capped expiry, and every configured witness's line.
@Suite struct AttestationClaimsTests {
    static let accountSchema = """
        {"type": "account", "version": 1, "fields": [
          {"name": "national_id", "type": "string", "tier": "restricted", "required": true},
          {"name": "wealth", "type": "integer", "tier": "restricted", "attestable": true, "minimum": 0, "maximum": 1099511627776},
          {"name": "balance", "type": "integer", "tier": "restricted", "attestable": true}
        ]}
        """
    static let now = UInt64(Date().timeIntervalSince1970)
    let bank = Caller(id: "bank-1", role: .requester)

    func ask(_ s: AttestationTests.Setup, _ record: String, _ specs: [PredicateSpec], purpose: String = "loan", expiry: UInt64? = nil) async throws -> AttestationBundle {
        let request = AttestationRequest(recordID: record, predicates: specs, requester: "bank-1", nonce: s.nonce, expiry: expiry ?? Self.now + 600, purpose: purpose)
        return try await s.f.vault.attest(request, by: s.f.officer) { _, _, _ in "test-rule" }.bundle
    }

    func check(_ expected: String, _ body: () throws -> Void) {
        #expect { try body() } throws: { ($0 as? BundleVerifier.Failure)?.check == expected }
    }

    @Test(arguments: StorageBackend.available) func theVerifierReportsWhoseRecordAndInsistsOnOne(backend: StorageBackend) async throws {
        let s = try await AttestationTests.Setup(backend)
        defer { s.f.cleanUp() }
        let other = try await s.f.vault.createRecord(type: "citizen", nationalID: "49002020000", input: s.f.input("49002020000", born: "1990-02-02"), by: s.f.officer).recordID
        // Same requester, nonce and question about two people: the bundles say whose record each is about.
        let aboutA = try await ask(s, s.recordID, [AttestationTests.adult])
        let aboutB = try await ask(s, other, [AttestationTests.adult])
        let a = try s.verifier.verify(aboutA, now: Self.now, expecting: .replay(requester: "bank-1", nonce: s.nonce, record: s.recordID))
        #expect(a.recordID == s.recordID && a.recordVersion == 1 && a.recordType == "citizen" && a.purpose == "loan")
        #expect(a.claims == ["birth_date: at least 18 years old on \(s.f.vault.today())"] && a.dates == [s.f.vault.today()])
        #expect(a.bundleVersion == 2 && a.replayChecked)
        check("record") { _ = try s.verifier.verify(aboutB, now: Self.now, expecting: .replay(requester: "bank-1", nonce: s.nonce, record: s.recordID)) }
        #expect(try s.verifier.verify(aboutB, now: Self.now, expecting: .replay(requester: "bank-1", nonce: s.nonce)).recordID == other)
        // After an update the proof is about the new version, and says so.
        _ = try await s.f.vault.updateRecord(id: s.recordID, input: s.f.input("38001010000", born: "1985-01-01"), by: s.f.officer)
        let updated = try await ask(s, s.recordID, [AttestationTests.adult])
        #expect(try s.verifier.verify(updated, now: Self.now, expecting: .noReplayCheck(record: s.recordID)).recordVersion == 2)
    }

    @Test func purposeIsBound() async throws {
        let s = try await AttestationTests.Setup()
        defer { s.f.cleanUp() }
        let bundle = try await ask(s, s.recordID, [AttestationTests.adult], purpose: "loan")
        var relabelled = bundle
        relabelled.purpose = "tenancy"
        check("proof") { _ = try s.verifier.verify(relabelled, now: Self.now, expecting: .replay(requester: "bank-1", nonce: s.nonce)) }
        // The same question for another purpose is a different proof context.
        let other = try await ask(s, s.recordID, [AttestationTests.adult], purpose: "tenancy")
        #expect(try s.verifier.verify(other, now: Self.now, expecting: .replay(requester: "bank-1", nonce: s.nonce)).purpose == "tenancy")
        var swapped = other
        swapped.purpose = "loan"
        check("proof") { _ = try s.verifier.verify(swapped, now: Self.now, expecting: .replay(requester: "bank-1", nonce: s.nonce)) }
    }

    @Test func expiryIsCappedByTheVaultAndTheVerifier() async throws {
        let s = try await AttestationTests.Setup()
        defer { s.f.cleanUp() }
        await #expect(throws: VaultError.invalidExpiry("an attestation lives at most 2592000 s (30 days)")) {
            _ = try await ask(s, s.recordID, [AttestationTests.adult], expiry: Self.now + 31 * 86_400)
        }
        let month = try await ask(s, s.recordID, [AttestationTests.adult], expiry: Self.now + 30 * 86_400)
        #expect(try s.verifier.verify(month, now: Self.now, expecting: .replay(requester: "bank-1", nonce: s.nonce)).expiry == Self.now + 30 * 86_400)
        // Checked a day before it was made, it would live 31 days: refused.
        check("expiry") { _ = try s.verifier.verify(month, now: Self.now - 86_400, expecting: .replay(requester: "bank-1", nonce: s.nonce)) }
    }

    /// A configured witness's line must verify whatever the threshold (docs/format/checkpoint.md).
    @Test func aBadLineOfAConfiguredWitnessFailsEvenAtThresholdZero() async throws {
        let s = try await AttestationTests.Setup()
        defer { s.f.cleanUp() }
        let bundle = try await ask(s, s.recordID, [AttestationTests.adult])
        let witnessKey = Ed25519SigningKey.generate()
        let witness = try CosignerKey(name: "witness.example/w1", publicKey: witnessKey.publicKey)
        let note = try SignedNote(parsing: bundle.checkpoint)
        let good = try Cosignature.sign(note, name: witness.name, key: witnessKey, timestamp: Self.now)
        var cosigned = bundle
        cosigned.checkpoint = SignedNote(text: note.text, signatures: note.signatures + [good]).serialized
        var forged = bundle
        forged.checkpoint = SignedNote(
            text: note.text, signatures: note.signatures + [SignedNote.Signature(name: good.name, keyID: good.keyID, signature: Array(good.signature.prefix(8)) + Array(repeating: 1, count: 64))]
        ).serialized
        let key = s.verifier.ledgerKey
        // The cosigned checkpoint changes the context's checkpoint hash, so only its own proof verifies; the checks
        // on the note come first, and are what these assert.
        check("witness-cosignatures") {
            _ = try BundleVerifier(ledgerKey: key, witnesses: [witness], witnessThreshold: 0).verify(forged, now: Self.now, expecting: .noReplayCheck())
        }
        check("witness-cosignatures") {
            _ = try BundleVerifier(ledgerKey: key, witnesses: [witness], witnessThreshold: 1).verify(bundle, now: Self.now, expecting: .noReplayCheck())
        }
        check("proof") {
            _ = try BundleVerifier(ledgerKey: key, witnesses: [witness], witnessThreshold: 1).verify(cosigned, now: Self.now, expecting: .noReplayCheck())
        }
    }

    /// Integer claims are proven over the schema's declared range: a value 2^32 above an `at_least` threshold proves,
    /// and `below` on a signed field without bounds is exact for negative values.
    @Test(arguments: StorageBackend.available) func integerClaimsUseTheDeclaredRange(backend: StorageBackend) async throws {
        let s = try await AttestationTests.Setup(backend)
        defer { s.f.cleanUp() }
        try await s.f.vault.registerSchema(json: Data(Self.accountSchema.utf8), by: s.f.officer)
        await #expect(throws: VaultError.valueOutOfRange(field: "wealth")) {
            _ = try await s.f.vault.createRecord(type: "account", nationalID: "38001010000", input: ["national_id": .string("38001010000"), "wealth": .integer(-1)], by: s.f.officer)
        }
        let id = try await s.f.vault.createRecord(
            type: "account", nationalID: "38001010000",
            input: ["national_id": .string("38001010000"), "wealth": .integer(5_000_000_000), "balance": .integer(-10)], by: s.f.officer).recordID
        let rich = try await ask(s, id, [PredicateSpec(field: "wealth", at_least: 1_000)])
        let v = try s.verifier.verify(rich, now: Self.now, expecting: .replay(requester: "bank-1", nonce: s.nonce, record: id))
        #expect(v.claims == ["wealth: at least 1000"] && v.recordType == "account")
        #expect(rich.fields?["wealth"] == AttestationBundle.FieldJSON(AttestedField(type: "integer", minimum: 0, maximum: 1 << 40)))
        let overdrawn = try await ask(s, id, [PredicateSpec(field: "balance", below: -5)])
        #expect(try s.verifier.verify(overdrawn, now: Self.now, expecting: .replay(requester: "bank-1", nonce: s.nonce)).claims == ["balance: below -5"])
        await #expect(throws: VaultError.predicateFalse) { _ = try await ask(s, id, [PredicateSpec(field: "balance", below: -10)]) }
        await #expect(throws: VaultError.self) { _ = try await ask(s, id, [PredicateSpec(field: "wealth", at_least: (1 << 40) + 1)]) }
    }
}
