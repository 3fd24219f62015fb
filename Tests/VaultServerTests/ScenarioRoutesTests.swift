import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import VaultSQLite
import VaultLedger
import VaultCore
@testable import VaultServer

/// The scenarios' routes through the router: the public parcel and certificate routes answer without a token and
/// serve no owner; registering, transfers and certificates refuse the wrong roles and bad input by name.
@Suite struct ScenarioRoutesTests {
    static let land = ServerFixture.repo.appendingPathComponent("scenarios/land-registry")

    func fixture() async throws -> ServerFixture {
        let f = try await ServerFixture()
        let officer = Caller.operatorCLI()
        try await f.state.vault.registerSchema(json: Data(contentsOf: Self.land.appendingPathComponent("schemas/title.json")), by: officer)
        try await f.state.vault.installTransferRule(try TransferRule.parse(Data(contentsOf: Self.land.appendingPathComponent("transfer-rule.json"))), by: officer)
        return f
    }

    @Test func publicRoutesNeedNoTokenAndServeNoOwner() async throws {
        let f = try await fixture()
        defer { f.cleanUp() }
        try await f.app.test(.router) { c in
            let registrar = f.tokens["registrar"]!
            let body = #"{"owner_national_id":"38001010000","values":{"parcel_id":"p-1","area_m2":500,"district":"north","title_number":1,"encumbrances":0}}"#
            #expect(try await c.call(.post, "/v1/parcels", body: body).status.code == 401)
            #expect(try await c.call(.post, "/v1/parcels", token: f.tokens["requester"]!, body: body).status.code == 403)
            #expect(try await c.call(.post, "/v1/parcels", token: f.tokens["department"]!, body: body).status.code == 403)  // confidential: cannot write owner_ref
            #expect(try await c.call(.post, "/v1/parcels", token: registrar, body: body).status.code == 201)
            let again = try await c.call(.post, "/v1/parcels", token: registrar, body: body)
            #expect(again.status.code == 409 && again.json["error"] as? String == "parcel_exists")
            let forged = #"{"owner_national_id":"38001010000","values":{"parcel_id":"p-2","area_m2":5,"district":"north","title_number":1,"encumbrances":0,"owner_ref":"someone-else"}}"#
            #expect(try await c.call(.post, "/v1/parcels", token: registrar, body: forged).status.code == 403)

            let history = try await c.call(.get, "/v1/public/parcels/p-1")
            #expect(history.status.code == 200)
            #expect(!history.text.contains("38001010000") && !history.text.contains("owner_ref") && !history.text.contains("encumbrances"))
            let verified = try ParcelHistory.decode(Data(history.text.utf8)).verify(ledgerKey: f.state.verifierKey)
            #expect(verified.parcel == "p-1" && verified.transfers == 0)
            #expect(try await c.call(.get, "/v1/public/parcels/p-none").status.code == 404)
            #expect(try await c.call(.get, "/v1/public/certificates/abc").status.code == 400)
            #expect(try await c.call(.get, "/v1/public/certificates/1").status.code == 404)
        }
    }

    @Test func transferAndCertificateRoutesRefuseTheWrongRolesByName() async throws {
        let f = try await fixture()
        defer { f.cleanUp() }
        try await f.app.test(.router) { c in
            _ = try await c.call(.post, "/v1/parcels", token: f.tokens["registrar"]!,
                                 body: #"{"owner_national_id":"38001010000","values":{"parcel_id":"p-1","area_m2":500,"district":"north","title_number":1,"encumbrances":0}}"#)
            let open = #"{"parcel":"p-1","buyer_national_id":"49002020000","rule":"land-transfer"}"#
            #expect(try await c.call(.post, "/v1/transfers", body: open).status.code == 401)
            #expect(try await c.call(.post, "/v1/transfers", token: f.tokens["requester"]!, body: open).status.code == 403)
            #expect(try await c.call(.post, "/v1/transfers", token: f.tokens["citizen"]!, body: #"{"parcel":"p-1","buyer_national_id":"1","rule":"land-transfer","x":1}"#).status.code == 400)
            let opened = try await c.call(.post, "/v1/transfers", token: f.tokens["citizen"]!, body: open)
            #expect(opened.status.code == 201)
            let id = try #require(opened.json["transfer"] as? String)
            let twice = try await c.call(.post, "/v1/transfers", token: f.tokens["registrar"]!, body: open)
            #expect(twice.status.code == 409 && twice.json["error"] as? String == "transfer_in_flight")
            let wrong = try await c.call(.post, "/v1/transfers/\(id)/conditions/duty_paid", token: f.tokens["registrar"]!)
            #expect(wrong.status.code == 403 && wrong.json["error"] as? String == "wrong_actor")
            #expect(try await c.call(.post, "/v1/transfers/\(id)/conditions/seller_consent", token: f.tokens["citizen"]!).status.code == 200)
            #expect(try await c.call(.get, "/v1/transfers/\(id)", token: f.tokens["auditor"]!).json["status"] as? String == "open")
            #expect(try await c.call(.get, "/v1/transfers/t-none", token: f.tokens["auditor"]!).status.code == 404)
            #expect(try await c.call(.post, "/v1/transfers/\(id)/execute", token: f.tokens["citizen"]!).status.code == 403)
            // Certificates: the citizen's route only, strict input.
            let cert = #"{"record":"r-x","fields":["district"],"verifier":"landlord-1","nonce":"\#(ServerFixture.nonce())"}"#
            #expect(try await c.call(.post, "/v1/citizens/me/certificates", token: f.tokens["requester"]!, body: cert).status.code == 403)
            #expect(try await c.call(.post, "/v1/citizens/me/certificates", token: f.tokens["citizen"]!, body: cert).status.code == 404)
            #expect(try await c.call(.delete, "/v1/certificates/1", token: f.tokens["requester"]!).status.code == 403)
            #expect(try await c.call(.delete, "/v1/certificates/1", token: f.tokens["officer"]!).status.code == 404)
        }
    }
}
