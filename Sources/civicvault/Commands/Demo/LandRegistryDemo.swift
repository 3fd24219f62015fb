import Foundation
import VaultCore
import VaultCrypto
import VaultLedger

/// `civicvault demo --scenario land-registry`: the registrar registers a parcel's title; anyone reads its public
/// fields and history without a token and checks them offline against the signed checkpoint (never learning the
/// owner); a bank learns "this person owns parcel P and P is unencumbered" in zero knowledge, with the owner's
/// consent; then the parcel is sold under the transfer rule, which the node executes itself when the last of
/// its conditions is met; the old owner's title is gone and the public history shows the transfer.
struct LandRegistryDemo {
    let kit: DemoKit

    func run() async throws {
        let s = kit.suffix
        let parcel = "p-\(s)"
        let seller = "ANN\(s)", buyer = "BEN\(s)"
        let registrar = try kit.token(.department, "registry-land-\(s)", clearance: "restricted")
        let bank = try kit.token(.requester, "bank-mortgage-\(s)")
        let ann = try kit.token(.citizen, "citizen-ann-\(s)", nationalID: seller)
        let auditor = try kit.token(.auditor, "auditor-land-\(s)")
        let start = try await kit.checkpoint()
        kit.say("auditor", "checkpoint at size \(start.treeSize), signature checked with \(kit.key)")

        let registered = try await kit.http.json("POST", "/v1/parcels", token: registrar, body: [
            "owner_national_id": seller,
            "values": ["parcel_id": parcel, "area_m2": 812, "district": "north", "land_use": "residential", "title_number": 1, "encumbrances": 0] as [String: Any],
        ])
        let title = try kit.field(registered, "record")
        kit.say("registrar", "registered parcel \(parcel) for its owner: title \(title) (parcel.registered at \(registered["ledger_index"] ?? "?"))")

        let history = try await publicHistory(parcel, as: "anyone (no token)")
        try kit.expect(history.fields["owner_ref"] == nil && history.fields["encumbrances"] == nil, "the public view showed a non-public field")

        let nonce = RandomBytes.generate(32)
        let asked = try await kit.attest(bank, record: title, predicates: [
            ["field": "parcel_id", "equals": parcel], ["field": "owner_ref", "equals": seller], ["field": "encumbrances", "at_most": 0],
        ], purpose: "mortgage", nonce: nonce)
        let request = try kit.field(asked, "approval")
        kit.say("bank", "asks \"does the applicant own \(parcel), and is it unencumbered?\": \(asked["status"] ?? "?"), waiting for the owner's consent")
        _ = try await kit.http.json("POST", "/v1/citizens/me/requests/\(request)", token: ann, body: ["decision": "approve"])
        kit.say("owner", "approves request \(request)")
        let answered = try await kit.http.json("GET", "/v1/approvals/\(request)", token: bank)
        let (verified, bytes) = try kit.verifyOffline(answered["bundle"], requester: "bank-mortgage-\(s)", nonce: nonce, record: title)
        kit.say("bank", "verified offline (\(bytes) bytes): \(verified.claims.joined(separator: "; ")); it learned no area, no other owner data")

        try await transfer(parcel: parcel, title: title, seller: ann, buyerID: buyer, registrar: registrar)

        let annLog = try await kit.accessLog(ann)
        kit.say("seller", "access log: \(annLog.joined(separator: "; "))")
        let benLog = try await kit.accessLog(try kit.token(.citizen, "citizen-ben-\(s)", nationalID: buyer))
        kit.say("buyer", "access log: \(benLog.joined(separator: "; "))")
        kit.say("auditor", try await kit.audit(auditor, since: start))
        print("land-registry demo complete")
    }

    /// The sale under rule land-transfer: opened by the seller; a second transfer and a condition from the wrong
    /// party refused; the buyer withdraws and gives consent again; the last condition (duty paid) executes it.
    func transfer(parcel: String, title: String, seller: String, buyerID: String, registrar: String) async throws {
        let s = kit.suffix
        let buyer = try kit.token(.citizen, "citizen-ben-\(s)", nationalID: buyerID)
        let tax = try kit.token(.department, "tax-duty-\(s)")
        let opened = try await kit.http.json("POST", "/v1/transfers", token: seller, body: ["parcel": parcel, "buyer_national_id": buyerID, "rule": "land-transfer"])
        let id = try kit.field(opened, "transfer")
        kit.say("seller", "opens transfer \(id) of \(parcel) under rule land-transfer v\(opened["rule_version"] ?? "?"): conditions \(conditions(opened))")
        let twice = try await kit.refusal("POST", "/v1/transfers", token: registrar, body: ["parcel": parcel, "buyer_national_id": "CAT\(s)", "rule": "land-transfer"])
        kit.say("registrar", "a second transfer of \(parcel): refused \(twice.status) \(twice.code)")
        try kit.expect(twice.code == "transfer_in_flight", "a second transfer was not refused as transfer_in_flight")
        let wrong = try await kit.refusal("POST", "/v1/transfers/\(id)/conditions/seller_consent", token: buyer, body: nil)
        kit.say("buyer", "tries to give the seller's consent: refused \(wrong.status) \(wrong.code)")
        try kit.expect(wrong.code == "wrong_actor", "a condition from the wrong party was not refused as wrong_actor")
        var view = try await kit.http.json("POST", "/v1/transfers/\(id)/conditions/seller_consent", token: seller)
        kit.say("seller", "consents: \(conditions(view))")
        view = try await kit.http.json("POST", "/v1/transfers/\(id)/conditions/buyer_consent", token: buyer)
        view = try await kit.http.json("DELETE", "/v1/transfers/\(id)/conditions/buyer_consent", token: buyer)
        kit.say("buyer", "consents, then withdraws: \(conditions(view))")
        view = try await kit.http.json("POST", "/v1/transfers/\(id)/conditions/buyer_consent", token: buyer)
        view = try await kit.http.json("POST", "/v1/transfers/\(id)/conditions/registrar_approval", token: registrar)
        kit.say("buyer, registrar", "buyer consents again, registrar approves: \(conditions(view)); status \(view["status"] ?? "?")")
        view = try await kit.http.json("POST", "/v1/transfers/\(id)/conditions/duty_paid", token: tax)
        let newTitle = try kit.field(view, "new_title")
        kit.say("tax department", "attests the duty was paid: the last condition; the node executed the transfer itself at \(view["closed_at"] ?? "?"): status \(view["status"] ?? "?"), new title \(newTitle)")
        try kit.expect(view["status"] as? String == "executed", "the transfer did not execute")
        let gone = try await kit.refusal("GET", "/v1/records/\(title)?purpose=registry-check", token: registrar, body: nil)
        kit.say("registrar", "reads the seller's old title: refused \(gone.status) \(gone.code): it is shredded, the seller's access to it ended")
        try kit.expect(gone.code == "shredded", "the old title was not shredded")
        let history = try await publicHistory(parcel, as: "anyone (no token)")
        try kit.expect(history.record == newTitle, "the public history does not end at the new title")
    }

    func conditions(_ view: [String: Any]) -> String {
        (view["conditions"] as? [[String: Any]] ?? []).map { c in "\(c["id"] ?? "?")=\(c["met_at"].map { "met@\($0)" } ?? "open")" }.joined(separator: ", ")
    }

    /// Fetches the parcel's public history without a token and verifies it offline; prints what anyone sees.
    func publicHistory(_ parcel: String, as actor: String) async throws -> ParcelHistory {
        let (status, data) = try await kit.http.send("GET", "/v1/public/parcels/\(parcel)", token: nil, body: nil)
        try kit.expect(status == 200, "GET /v1/public/parcels/\(parcel) answered \(status)")
        let history = try ParcelHistory.decode(data)
        let verified = try history.verify(ledgerKey: kit.key)
        let fields = history.fields.keys.sorted().map { "\($0)=\(DemoKit.text(history.fields[$0]!))" }.joined(separator: ", ")
        kit.say(actor, "parcel \(parcel): \(fields); \(history.entries.count) ledger entries verified offline against checkpoint \(verified.treeSize): \(verified.events.joined(separator: "; "))")
        return history
    }
}
