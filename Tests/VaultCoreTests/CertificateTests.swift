import Foundation
import Testing
import VaultCrypto
import VaultLedger
import VaultNode
import VaultProofs
@testable import VaultCore
import VaultTestSupport

/// Paperless certificates (scenarios/certificates): a certificate verifies offline with the node's key, discloses
/// exactly the chosen fields (a withheld value appears nowhere and no disclosed-value change verifies), is bound
/// to its verifier and nonce, and is refused once a status proves its revocation.
@Suite struct CertificateTests {
    static let officer = Caller.operatorCLI(id: "officer-1")
    static let registry = Caller(id: "registry-uni", role: .department, clearance: "confidential")
    static let graduate = "GRAD1"

    struct Node {
        let fixture: VaultFixture
        let record: String
        var vault: Vault { fixture.vault }
        var key: NoteVerifierKey { fixture.storage.ledger.signer.verifierKey }

        init() async throws {
            fixture = try await VaultFixture()
            let schema = TransferTests.repo.appendingPathComponent("scenarios/certificates/schemas/degree.json")
            try await fixture.vault.registerSchema(json: try Data(contentsOf: schema), by: officer)
            record = try await fixture.vault.createRecord(type: "degree", nationalID: graduate, input: [
                "holder_name": .string("Kadri Kask"), "institution": .string("harbour-university"), "degree": .string("master"),
                "field_of_study": .string("computer-science"), "graduation_date": .string("2024-06-14"), "grade_average": .integer(287),
            ], by: registry).recordID
        }

        func issue(_ fields: [String], verifier: String = "employer-1", nonce: [UInt8]) async throws -> Certificate {
            try await vault.issueCertificate(
                recordID: record, fields: fields, verifier: verifier, nonce: nonce, expiry: UInt64(Date().timeIntervalSince1970) + 3600,
                citizen: try vault.pseudonym(of: graduate), by: Caller(id: "citizen-grad1", role: .citizen))
        }
    }

    static var now: UInt64 { UInt64(Date().timeIntervalSince1970) }

    @Test func aCertificateVerifiesOfflineAndDisclosesOnlyTheChosenFields() async throws {
        let node = try await Node()
        defer { node.fixture.cleanUp() }
        let nonce = RandomBytes.generate(32)
        let certificate = try await node.issue(["institution", "degree", "graduation_date"], nonce: nonce)
        let verified = try await certificate.verify(ledgerKey: node.key, now: Self.now, verifier: "employer-1", nonce: nonce, status: try node.vault.certificateStatus(certificate.certificate))
        #expect(verified.disclosed == ["institution": "harbour-university", "degree": "master", "graduation_date": "2024-06-14"])
        #expect(verified.issuer == "registry-uni" && verified.revocationChecked)
        // Round trip through JSON, strictly.
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(certificate)
        let text = String(decoding: data, as: UTF8.self)
        #expect(try Certificate.decode(data).verify(ledgerKey: node.key, now: Self.now, verifier: "employer-1", nonce: nonce, status: nil).disclosed == verified.disclosed)
        // Withheld fields are nowhere: not their values, not their names.
        for withheld in ["287", "grade_average", "Kadri", "holder_name", "computer-science", "field_of_study"] { #expect(!text.contains(withheld), "\(withheld)") }
        // Integers and dates disclose too.
        let grade = try await node.issue(["grade_average"], nonce: nonce)
        #expect(try grade.verify(ledgerKey: node.key, now: Self.now, verifier: "employer-1", nonce: nonce, status: nil).disclosed == ["grade_average": "287"])
    }

    @Test func aChangedValueAnotherVerifierOrNonceOrAWithheldFieldAddedIsRefused() async throws {
        let node = try await Node()
        defer { node.fixture.cleanUp() }
        let nonce = RandomBytes.generate(32)
        let certificate = try await node.issue(["degree"], nonce: nonce)
        func verifies(_ c: Certificate, verifier: String = "employer-1", nonce n: [UInt8]? = nil) -> Bool {
            (try? c.verify(ledgerKey: node.key, now: Self.now, verifier: verifier, nonce: n ?? nonce, status: nil)) != nil
        }
        #expect(verifies(certificate))
        #expect(!verifies(certificate, verifier: "employer-2"))
        #expect(!verifies(certificate, nonce: RandomBytes.generate(32)))
        // Claiming another value, or a withheld field's value, beside the proof: refused.
        for disclosed in [["degree": "doctorate"], ["degree": "master", "grade_average": "287"], [:]] {
            #expect(!verifies(Certificate(certificate: certificate.certificate, issuer: certificate.issuer, disclosed: disclosed, bundle: certificate.bundle)))
        }
        // Another issuer than the department that wrote the record: refused.
        #expect(!verifies(Certificate(certificate: certificate.certificate, issuer: "registry-other", disclosed: certificate.disclosed, bundle: certificate.bundle)))
        // Rewriting the bundle's predicate to another value breaks the proof.
        let json = String(decoding: try JSONEncoder().encode(certificate), as: UTF8.self).replacingOccurrences(of: "master", with: "doctorate")
        #expect((try? Certificate.decode(Data(json.utf8)).verify(ledgerKey: node.key, now: Self.now, verifier: "employer-1", nonce: nonce, status: nil)) == nil)
        // No candidate value of a withheld field can be checked against the certificate: it holds no proof about it,
        // and the record entry's commitment to it is hiding (a fresh random blinding per value).
        let entry = try EntryCodec.decode(try #require(Base64.decode(certificate.bundle.entry)))
        let commitment = try #require(entry.attributes["commitment.grade_average"])
        for candidate in [Int64(0), 286, 287, 288, 500] {
            let guess = Commitment.commit(to: AttributeEncoding.signedInteger(candidate)).commitment.bytes
            #expect(commitment != .bytes(guess))
        }
    }

    @Test func onlyTheRecordsCitizenChoosesAndOnlyAttestableFields() async throws {
        let node = try await Node()
        defer { node.fixture.cleanUp() }
        let nonce = RandomBytes.generate(32)
        await #expect(throws: VaultError.recordNotFound(node.record)) {
            try await node.vault.issueCertificate(
                recordID: node.record, fields: ["degree"], verifier: "employer-1", nonce: nonce, expiry: Self.now + 60,
                citizen: try await node.vault.pseudonym(of: "SOMEONE"), by: Caller(id: "citizen-x", role: .citizen))
        }
        await #expect(throws: VaultError.self) { try await node.issue(["degree", "degree"], nonce: nonce) }
        await #expect(throws: VaultError.self) { try await node.issue(["no_such_field"], nonce: nonce) }
        await #expect(throws: VaultError.self) {
            try await node.vault.issueCertificate(
                recordID: node.record, fields: ["degree"], verifier: "employer-1", nonce: nonce, expiry: Self.now + 60,
                citizen: try await node.vault.pseudonym(of: Self.graduate), by: Caller(id: "bank-1", role: .requester))
        }
    }

    @Test func aRevokedCertificateIsRefusedOnceItsStatusSaysSo() async throws {
        let node = try await Node()
        defer { node.fixture.cleanUp() }
        let nonce = RandomBytes.generate(32)
        let certificate = try await node.issue(["degree"], nonce: nonce)
        let before = try await node.vault.certificateStatus(certificate.certificate)
        await #expect(throws: VaultError.self) { try await node.vault.revokeCertificate(certificate.certificate, by: Caller(id: "bank-1", role: .requester)) }
        let at = try await node.vault.revokeCertificate(certificate.certificate, by: Self.registry)
        await #expect(try node.vault.revokeCertificate(certificate.certificate, by: Self.officer) == at)
        await #expect(throws: VaultError.certificateNotFound(at)) { try await node.vault.revokeCertificate(at, by: Self.officer) }
        let after = try await node.vault.certificateStatus(certificate.certificate)
        #expect(after.revoked && !before.revoked)
        do {
            _ = try certificate.verify(ledgerKey: node.key, now: Self.now, verifier: "employer-1", nonce: nonce, status: after)
            Issue.record("a revoked certificate verified")
        } catch let VaultError.certificateRevoked(index, revokedAt) {
            #expect(index == certificate.certificate && revokedAt == at)
        }
        // A status that hides the revocation entry but says revoked, or belongs to another certificate, is refused.
        let hidden = CertificateStatus(certificate: after.certificate, revoked: true, checkpoint: after.checkpoint, entries: [after.entries[0]])
        await #expect(throws: VaultError.self) { try await certificate.verify(ledgerKey: node.key, now: Self.now, verifier: "employer-1", nonce: nonce, status: hidden) }
        let other = try await node.issue(["institution"], nonce: nonce)
        await #expect(throws: VaultError.self) {
            try await other.verify(ledgerKey: node.key, now: Self.now, verifier: "employer-1", nonce: nonce, status: before)
        }
        // A node replaying the ledger knows the revocation.
        let replayed = try node.fixture.test.reopened().vault
        try await replayed.loadAnchor()
        #expect(replayed.anchor.withState { $0.revokedCertificates[certificate.certificate] } == at)
    }
}
