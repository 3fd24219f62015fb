import Foundation
import Hummingbird
import VaultCore
import VaultCrypto
import VaultLedger
import VaultNode
import VaultPages

/// `/officer`: the approval queue with k-of-n progress (approve or deny with a reason code), tiers with their key
/// versions and rotations (start, resume), members and grants (grant, change clearance, revoke), the policy and its
/// history, and the ledger audit. Officers only; every action is the vault call the JSON API makes.
extension PagesController {
    /// Policy changes are looked for among this many latest ledger entries.
    static let policyHistoryWindow: UInt64 = 10_000

    func addOfficerRoutes(to group: RouterGroup<VaultRequestContext>) {
        group.get("officer") { request, _ in try await officer(request, audit: nil) }
        group.post("officer/approvals/{id}") { request, context in
            let id = try context.parameters.require("id")
            return try await sessionForm(request, roles: [.officer], page: "/officer", fields: ["decision", "reason"]) { viewer, form in
                guard let decision = form["decision"], decision == "approve" || decision == "deny" else {
                    throw APIError(.badRequest, "invalid_request", "the decision is approve or deny")
                }
                let decided = try await state.vault.decide(approvalID: id, approve: decision == "approve", reason: form.value("reason"), by: viewer.caller)
                switch decided.status {
                case .approved: return "Approved \(id): the attestation was issued to \(decided.request.requester)."
                case .denied: return "Denied \(id)."
                case .pending: return "Approved \(id): \(decided.approvers.count) of \(decided.required) approvals so far."
                }
            }
        }
        group.post("officer/tiers/{name}/rotate") { request, context in
            let name = try context.parameters.require("name")
            return try await sessionForm(request, roles: [.officer], page: "/officer", fields: []) { viewer, _ in
                let done = try await state.vault.rotate(tier: name, by: viewer.caller)
                return "Rotated \(done.tier) to key version \(done.version): \(done.rewrapped) data keys rewrapped."
            }
        }
        group.post("officer/rotations/resume") { request, _ in
            try await sessionForm(request, roles: [.officer], page: "/officer", fields: []) { viewer, _ in
                let done = try await state.vault.resumeRotations(by: viewer.caller)
                return done.isEmpty ? "No rotation was unfinished." : "Finished: " + done.map { "\($0.tier) v\($0.version) (\($0.rewrapped) rewrapped)" }.joined(separator: ", ") + "."
            }
        }
        group.post("officer/grants") { request, _ in
            try await sessionForm(request, roles: [.officer], page: "/officer", fields: ["member", "role", "clearance"]) { viewer, form in
                guard let member = form.value("member"), let role = form.value("role").flatMap(Role.init(rawValue:)) else {
                    throw APIError(.badRequest, "invalid_request", "a grant needs a member id and a role")
                }
                try await state.vault.grant(memberID: member, role: role, clearance: form.value("clearance"), by: viewer.caller)
                return "Granted \(member): \(role.rawValue)\(form.value("clearance").map { ", cleared for \($0)" } ?? "")."
            }
        }
        group.post("officer/grants/{member}/revoke") { request, context in
            let member = try context.parameters.require("member")
            return try await sessionForm(request, roles: [.officer], page: "/officer", fields: []) { viewer, _ in
                let revocation = try await state.vault.revoke(memberID: member, by: viewer.caller)
                return "Revoked \(member): \(revocation.tokens) tokens; rotated \(PlainWords.list(revocation.rotations.map(\.tier)))."
            }
        }
        group.post("officer/audit") { request, _ in
            let form = try await PageForm.read(request, allowed: [PageLabels.csrfField], maxBytes: 1024)
            guard let viewer = await PageViewer.of(request, state) else { throw PageForm.csrfRefused }
            try form.checkCSRF(session: viewer.session)
            _ = try await PageViewer.require(request, state, [.officer], page: "officer")
            try await state.vault.authorize(viewer.caller, [.auditor, .officer], action: "verify the ledger")
            do {
                let summary = try await BlockingCallCheck.offload({ try state.storage.verifyLedger() })
                return try await officer(request, audit: ["class": "pass", "text": "The ledger verifies: \(summary.treeSize) entries in \(summary.blockCount) blocks, every leaf, link, signature and root recomputed."])
            } catch let error as LedgerError {
                return try await officer(request, audit: ["class": "fail", "text": "The ledger does NOT verify: \(error)"])
            }
        }
    }

    func officer(_ request: Request, audit: [String: String]?) async throws -> Response {
        guard await PageViewer.of(request, state) != nil else { return PageResponse.redirect("/signin") }
        let viewer = try await PageViewer.require(request, state, [.officer], page: "officer")
        let caller = viewer.caller
        let approvals = try await state.vault.approvals(status: .pending, by: caller)
        let tiers = try await state.vault.tiers(by: caller)
        let members = try await state.vault.members(by: caller).sorted { $0.id < $1.id }
        let policy = try await state.vault.policy()
        let tierNames = tiers.map(\.name)
        let history = try await policyHistory()
        var values: [String: Any] = [
            "csrf": viewer.session.csrf,
            "tierNames": tierNames,
            "approvals": approvals.filter { !$0.isConsent }.map { a -> [String: Any] in
                ["id": a.id, "requester": a.request.requester, "record": a.request.recordID, "purpose": a.request.purpose, "rule": a.rule,
                 "filedBy": a.filedBy, "claims": a.request.predicates.map(PlainWords.predicate), "count": a.approvers.count, "required": a.required,
                 "approvers": a.approvers.joined(separator: ", "), "csrf": viewer.session.csrf]
            },
            "tiers": tiers.map { t -> [String: Any] in
                ["name": t.name, "rank": t.rank, "version": t.currentVersion, "minVersion": t.minDecryptionVersion, "rotating": t.rotating, "csrf": viewer.session.csrf]
            },
            "members": members.map { m -> [String: Any] in
                ["id": m.id, "role": m.role.rawValue, "clearance": m.clearance ?? "none", "revoked": m.revoked, "csrf": viewer.session.csrf, "tierNames": tierNames]
            },
            "history": history,
            "historyScope": "Policy changes among the latest \(Self.policyHistoryWindow) ledger entries.",
        ]
        if let policy {
            values["policy"] = [
                "version": policy.version, "hash": Hex.encode(policy.hash),
                "rules": policy.rules.map { r -> [String: Any] in
                    let gate = r.consent == true ? "the citizen (\(r.consent_hours ?? 72) h)" : r.requiredApprovals > 0 ? "\(r.requiredApprovals) officer(s)" : "policy alone"
                    return ["id": r.id, "requesters": r.requesters.joined(separator: ", "), "recordType": r.record_type,
                            "allow": r.allow.joined(separator: "; "), "purposes": r.purposes.joined(separator: ", "), "gate": gate]
                },
            ] as [String: Any]
        }
        if let audit { values["audit"] = audit }
        return await state.render("officer", values, chrome: viewer.chrome(state, title: "Officer console", current: "officer"))
    }

    /// The `policy.changed` entries among the latest `policyHistoryWindow` entries, newest first.
    func policyHistory() async throws -> [[String: Any]] {
        guard let size = try await signedCheckpoint()?.size else { return [] }
        var found: [[String: Any]] = []
        var from = size > Self.policyHistoryWindow ? size - Self.policyHistoryWindow : 0
        while from < size {
            let rows = try await BlockingCallCheck.offload({ try state.storage.ledger.entries(from: from, limit: Int(min(1000, size - from))) })
            guard !rows.isEmpty else { break }
            for row in rows {
                let entry = try EntryCodec.decode(row.bytes)
                guard entry.type == LedgerEntry.Kind.policyChanged else { continue }
                var version: UInt64 = 0
                if case let .u64(v)? = entry.attributes["version"] { version = v }
                found.append(["index": row.index, "version": version, "actor": entry.actor, "time": PlainWords.time(entry.timestampMs)])
            }
            from += UInt64(rows.count)
        }
        return found.reversed()
    }
}
