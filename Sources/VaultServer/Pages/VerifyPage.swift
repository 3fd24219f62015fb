import Foundation
import Hummingbird
import VaultCore
import VaultCrypto
import VaultLedger
import VaultNode
import VaultPages

/// `/verify`: a bundle pasted or dropped, checked on the node by `BundleVerifier` (the code of `civicvault verify`
/// and `POST /v1/attestations/verify`); the page then has the browser check the checkpoint signature and the
/// inclusion proof itself (verify.js) and says which check ran where.
extension PagesController {
    static let verifyFields: Set<String> = [PageLabels.csrfField, "bundle", "requester", "nonce", "record", "no_replay_check"]

    func verifyForm(_ request: Request) async -> Response {
        await formPage(request, "verify", ["noReplayCheck": false], title: "Verify an attestation", current: "verify", scripts: ["ledger.js", "verify.js"])
    }

    func verify(_ request: Request) async throws -> Response {
        let form = try await PageForm.read(request, allowed: Self.verifyFields, maxBytes: state.configuration.maxBodyBytes)
        try form.checkCSRF(cookie: request)
        let bundleText = form["bundle"] ?? ""
        let skip = form.value("no_replay_check") != nil
        var values: [String: Any] = [
            "bundleText": bundleText, "requester": form["requester"] ?? "", "nonce": form["nonce"] ?? "", "record": form["record"] ?? "",
            "noReplayCheck": skip, "verifierKey": state.verifierKey.description,
        ]
        let outcome = PageVerification.run(
            bundle: bundleText, requester: skip ? nil : form.value("requester"), nonce: skip ? nil : form.value("nonce"),
            record: form.value("record"), skipReplay: skip, key: state.verifierKey)
        values["result"] = outcome.values
        return await formPage(request, "verify", values, title: "Verify an attestation", current: "verify", scripts: ["ledger.js", "verify.js"],
                        status: outcome.valid ? .ok : .unprocessableContent)
    }
}

/// One verification for the page: the verifier's answer, or the name of the check that failed, and each check's state.
struct PageVerification {
    /// The verifier's checks in the order it runs them (docs/format/bundle.md); a failure at one means the later ones
    /// did not run.
    static let checks = [
        "format", "version", "expiry", "checkpoint-signature", "inclusion", "entry", "predicate", "fields", "commitments",
        "statement", "record", "requester", "nonce", "context", "proof",
    ]

    var valid = false
    var failedCheck: String?
    var failedMessage: String?
    var verified: BundleVerifier.Verified?
    var claims: [String] = []
    var skipReplay = false
    var askedRecord = false

    static func run(bundle text: String, requester: String?, nonce nonceText: String?, record: String?, skipReplay: Bool, key: NoteVerifierKey) -> PageVerification {
        var outcome = PageVerification()
        outcome.skipReplay = skipReplay
        outcome.askedRecord = record != nil
        func fail(_ check: String, _ message: String) -> PageVerification {
            outcome.failedCheck = check
            outcome.failedMessage = message
            return outcome
        }
        guard !skipReplay || (requester == nil && nonceText == nil) else { return fail("input", "no replay check goes without a requester and nonce") }
        guard skipReplay || (requester != nil && nonceText != nil) else {
            return fail("input", "give the requester id and nonce you sent with the request, or tick “skip the replay check”")
        }
        var nonce: [UInt8]?
        if let nonceText {
            guard let bytes = Base64.decode(nonceText) else { return fail("input", "the nonce is not base64") }
            nonce = bytes
        }
        let expectation: BundleVerifier.Expectation
        if let requester, let nonce {
            expectation = .replay(requester: requester, nonce: nonce, record: record)
        } else {
            expectation = .noReplayCheck(record: record)
        }
        // The same reading (strict JSON) and the same verifier as `POST /v1/attestations/verify` and `civicvault verify`.
        do {
            let bundle = try AttestationBundle.decode(Data(text.utf8))
            let verified = try BundleVerifier(ledgerKey: key).verify(bundle, now: UInt64(Date().timeIntervalSince1970), expecting: expectation)
            outcome.verified = verified
            outcome.valid = true
            // The verifier's words, with the field name as words ("birth_date: ..." -> "birth date: ...").
            outcome.claims = verified.claims.map { claim in
                guard let colon = claim.range(of: ": ") else { return claim }
                return PlainWords.field(String(claim[..<colon.lowerBound])) + claim[colon.lowerBound...]
            }
            return outcome
        } catch {
            return fail(error.check, error.detail)
        }
    }

    /// The template's values.
    var values: [String: Any] {
        let failedAt = failedCheck.flatMap { Self.checks.firstIndex(of: $0) }
        var list: [[String: Any]] = []
        if let failedCheck, failedAt == nil { list.append(["name": failedCheck, "state": "fail", "mark": "✗", "stateText": "failed on the node"]) }
        for (n, name) in Self.checks.enumerated() {
            var state = "pass", text = "passed on the node"
            if (name == "requester" || name == "nonce") && skipReplay { (state, text) = ("notrun", "skipped: you asked for no replay check") }
            if name == "record" && !askedRecord { (state, text) = ("notrun", "not asked: no record id given") }
            if let failedAt {
                if n == failedAt { (state, text) = ("fail", "failed on the node") } else if n > failedAt { (state, text) = ("notrun", "not run") }
            } else if failedCheck != nil {
                (state, text) = ("notrun", "not run")
            }
            list.append(["name": name, "state": state, "mark": state == "pass" ? "✓" : state == "fail" ? "✗" : "–", "stateText": text])
        }
        var values: [String: Any] = ["valid": valid, "checks": list]
        if let failedCheck { values["failedCheck"] = failedCheck; values["failedMessage"] = failedMessage ?? "" }
        if let v = verified {
            values["claims"] = claims
            values["recordType"] = v.recordType
            values["recordID"] = v.recordID
            values["recordVersion"] = v.recordVersion
            values["purpose"] = v.purpose ?? "not bound (a version 1 bundle)"
            values["requester"] = v.requester
            values["expiry"] = PlainWords.time(v.expiry * 1000)
            values["ledgerIndex"] = v.ledgerIndex
            values["treeSize"] = v.treeSize
            values["replay"] = skipReplay ? "skipped: this may be a copy of someone else's bundle" : "checked: made for this requester with this nonce"
        }
        return values
    }
}
