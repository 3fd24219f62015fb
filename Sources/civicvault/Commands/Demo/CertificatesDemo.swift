import Foundation
import VaultCore
import VaultCrypto
import VaultLedger

/// `civicvault demo --scenario certificates`: a university registry records a degree; the graduate has a
/// certificate issued to an employer disclosing institution, degree and graduation date but not the grade; the
/// employer verifies it offline (with the status it fetched) and finds no grade in it; the registry revokes it
/// and the employer's next check refuses it.
struct CertificatesDemo {
    let kit: DemoKit

    func run() async throws {
        let s = kit.suffix
        let graduate = "GRAD\(s)"
        let employerID = "employer-acme-\(s)"
        let registry = try kit.token(.department, "registry-university-\(s)", clearance: "confidential")
        let holder = try kit.token(.citizen, "citizen-grad-\(s)", nationalID: graduate)
        let auditor = try kit.token(.auditor, "auditor-cert-\(s)")
        let start = try await kit.checkpoint()
        kit.say("auditor", "checkpoint at size \(start.treeSize), signature checked with \(kit.key)")

        let created = try await kit.http.json("POST", "/v1/records", token: registry, body: [
            "type": "degree", "national_id": graduate,
            "values": [
                "holder_name": "Kadri Kask", "institution": "harbour-university", "degree": "master", "field_of_study": "computer-science",
                "graduation_date": "2024-06-14", "grade_average": 287,
            ] as [String: Any],
        ])
        let record = try kit.field(created, "record")
        kit.say("university registry", "recorded the degree \(record); the ledger holds six commitments, no values")

        let nonce = RandomBytes.generate(32)
        let chosen = ["institution", "degree", "graduation_date"]
        let (status, data) = try await kit.http.send("POST", "/v1/citizens/me/certificates", token: holder, body: [
            "record": record, "fields": chosen, "verifier": employerID, "nonce": Base64.encode(nonce), "expires_in": 3600,
        ])
        try kit.expect(status == 201, "the certificate was not issued (\(status)): \(String(decoding: data, as: UTF8.self))")
        let text = String(decoding: data, as: UTF8.self)
        let certificate = try Certificate.decode(data)
        kit.say("graduate", "has certificate \(certificate.certificate) issued for \(employerID), disclosing \(chosen.joined(separator: ", ")) and nothing else (\(data.count) bytes)")
        try kit.expect(!text.contains("287") && !text.contains("grade_average") && !text.contains("Kadri"), "a withheld field is in the certificate")

        let fresh = try await statusFetch(certificate.certificate)
        let verified = try certificate.verify(
            ledgerKey: kit.key, now: UInt64(Date().timeIntervalSince1970), verifier: employerID, nonce: nonce, status: fresh)
        kit.say("employer", "verified offline: " + verified.disclosed.keys.sorted().map { "\($0) = \(verified.disclosed[$0]!)" }.joined(separator: ", ")
            + "; issued by \(verified.issuer); not revoked as of checkpoint \(verified.statusTreeSize ?? 0); the grade is nowhere in it")

        do {
            _ = try certificate.verify(ledgerKey: kit.key, now: UInt64(Date().timeIntervalSince1970), verifier: "employer-other-\(s)", nonce: nonce, status: nil)
            throw CLIFailure("the certificate verified for another verifier", hint: nil)
        } catch let failure as BundleVerifier.Failure {
            kit.say("another employer", "shown the same certificate: refused (\(failure.check)): it is bound to \(employerID) and its nonce")
        }

        let revoked = try await kit.http.json("DELETE", "/v1/certificates/\(certificate.certificate)", token: registry)
        kit.say("university registry", "revokes certificate \(certificate.certificate) (certificate.revoked at \(revoked["ledger_index"] ?? "?"))")
        let later = try await statusFetch(certificate.certificate)
        do {
            _ = try certificate.verify(ledgerKey: kit.key, now: UInt64(Date().timeIntervalSince1970), verifier: employerID, nonce: nonce, status: later)
            throw CLIFailure("a revoked certificate verified", hint: nil)
        } catch let error as VaultError {
            guard case .certificateRevoked = error else { throw error }
            kit.say("employer", "checks again with a fresh status: refused: \(error.description)")
        }

        let events = try await kit.accessLog(holder)
        kit.say("graduate", "access log: \(events.joined(separator: "; "))")
        kit.say("auditor", try await kit.audit(auditor, since: start))
        print("certificates demo complete")
    }

    func statusFetch(_ index: UInt64) async throws -> CertificateStatus {
        let (status, data) = try await kit.http.send("GET", "/v1/public/certificates/\(index)", token: nil, body: nil)
        try kit.expect(status == 200, "GET /v1/public/certificates/\(index) answered \(status)")
        return try CertificateStatus.decode(data)
    }
}
