import Foundation
import VaultCore
import VaultCrypto
import VaultLedger
import VaultNode

extension VaultTamperTests {
    /// What the reopened node showed: named errors (detections), silent wrong answers, or nothing different.
    struct Observation {
        /// Named errors: the change was caught.
        var detected: [String] = []
        /// Answers that differ and are not errors: a value that changed, more access than granted.
        var wrong: [String] = []
        /// Answers with less in them and no error: fields silently missing, a token with less clearance.
        var missing: [String] = []
        var summary: String {
            if !wrong.isEmpty { return "NOT DETECTED: " + wrong.joined(separator: "; ") }
            if !missing.isEmpty { return "NOT DETECTED (less returned): " + missing.joined(separator: "; ") }
            return detected.isEmpty ? "no observable change" : detected.joined(separator: "; ")
        }
    }

    /// Opens the node with `open` (a failure is a detection) and runs everything it offers against it:
    /// `ledger verify` (the same `LedgerVerifier`), the checkpoint an auditor kept, reading every record,
    /// attesting and verifying the bundle offline, the citizen's access log, the tokens (and an attacker's and a
    /// revoked one), a clerk's and a revoked member's reads, the approvals and the approved bundle, a landlord's
    /// request (policy v2 needs an officer), and a new write.
    static func observe(_ p: Pristine, open: () throws -> NodeStore) async -> Observation {
        var o = Observation()
        func named(_ error: any Error) -> String { "\(type(of: error)): \(error)" }
        let storage: NodeStore
        do { storage = try open() } catch {
            o.detected.append("open: \(named(error))")
            return o
        }
        do { _ = try storage.verifyLedger() } catch { o.detected.append("ledger verify: \(named(error))") }
        do {
            let kept = try Checkpoint(parsing: try SignedNote(parsing: p.keptNote).text)
            let size = try storage.ledger.treeSize()
            if size < kept.treeSize {
                o.detected.append("kept checkpoint: size \(kept.treeSize) > stored \(size) (a consistency proof cannot exist)")
            } else if try storage.ledger.root(treeSize: kept.treeSize) != kept.root {
                o.detected.append("kept checkpoint: root of size \(kept.treeSize) differs")
            }
        } catch { o.detected.append("kept checkpoint: \(named(error))") }
        let vault = storage.vault
        for (id, values) in p.expected.sorted(by: { $0.key < $1.key }) {
            do {
                let view = try await vault.readRecord(id: id, purpose: "audit", by: officer)
                let changed = values.keys.filter { view.fields[$0] != nil && view.fields[$0] != values[$0] }.sorted()
                let absent = values.keys.filter { view.fields[$0] == nil }.sorted()
                if !changed.isEmpty { o.wrong.append("read \(id) returned other values for \(changed.joined(separator: ","))") }
                if !absent.isEmpty { o.missing.append("read \(id) returned no \(absent.joined(separator: ","))") }
            } catch { o.detected.append("read \(id): \(named(error))") }
        }
        do {
            let view = try await vault.readRecord(id: p.shredded, purpose: "audit", by: officer)
            if !view.fields.isEmpty { o.wrong.append("shredded record \(p.shredded) returned values") }
        } catch VaultError.recordShredded {
        } catch { o.detected.append("read of the shredded record: \(named(error))") }
        let verifier: BundleVerifier
        do { verifier = BundleVerifier(ledgerKey: try NoteVerifierKey(name: p.keys.name, publicKey: p.keys.signingKey.publicKey)) } catch {
            o.detected.append("ledger key: \(named(error))")
            return o
        }
        do {
            let made = try await vault.attestUnderPolicy(attestation(p.attestable), by: bank)
            do { _ = try verifier.verify(made.bundle, now: UInt64(Date().timeIntervalSince1970), expecting: .noReplayCheck()) } catch { o.detected.append("bundle verification: \(named(error))") }
        } catch { o.detected.append("attest: \(named(error))") }
        do {
            let log = try await vault.accessLog(nationalID: p.citizens[p.attestable]!).map { Int($0.ledgerIndex) }
            // The attestation just made adds one event; anything else is a change.
            if Array(log.prefix(p.accessLog.count)) != p.accessLog { o.wrong.append("citizen access log differs: \(log) vs \(p.accessLog)") }
        } catch { o.detected.append("access log: \(named(error))") }
        let registry = storage.tokens
        for (token, grant) in p.tokens.sorted(by: { $0.key < $1.key }) {
            do {
                let now = try registry.resolve(token)
                let rank = ["public": 0, "internal": 1, "confidential": 2, "restricted": 3]
                if now != grant {
                    let text = "token of \(grant.actor) now resolves to \(now.role.rawValue)/\(now.actor)/\(now.clearance ?? "-")"
                    let less = now.role == grant.role && now.actor == grant.actor && now.citizen == grant.citizen
                        && (now.clearance.flatMap { rank[$0] } ?? -1) < (grant.clearance.flatMap { rank[$0] } ?? -1)
                    if less { o.missing.append(text) } else { o.wrong.append(text) }
                }
            } catch { o.detected.append("token of \(grant.actor): \(named(error))") }
        }
        // A token the attacker minted a row for: unknown, as before; resolving it at all is a wrong answer.
        do {
            let grant = try registry.resolve(p.attackerToken)
            o.wrong.append("the attacker's token resolves to \(grant.role.rawValue)/\(grant.actor)")
            if await (try? vault.readRecord(id: p.attestable, purpose: "audit", by: grant.caller)) != nil { o.wrong.append("the attacker's token read a record") }
        } catch TokenRegistry.Refusal.unknown {
        } catch { o.detected.append("attacker's token: \(named(error))") }
        // A token revoked on the ledger: refused (`token_revoked`) as before; if it resolves, every use must be refused.
        do {
            let grant = try registry.resolve(p.revokedToken)
            do {
                _ = try await vault.readRecord(id: p.attestable, purpose: "audit", by: grant.caller)
                o.wrong.append("revoked token of clerk-1 could read")
            } catch { o.detected.append("revoked token resolved, its read: \(named(error))") }
        } catch TokenRegistry.Refusal.revoked {
        } catch { o.detected.append("revoked token: \(named(error))") }
        do {
            _ = try await vault.readRecord(id: p.attestable, purpose: "audit", by: Caller(id: "gone-1", role: .department, clearance: "restricted"))
            o.wrong.append("revoked member gone-1 could read")
        } catch let error as VaultError {
            if case .stateTampered = error { o.detected.append("revoked member's read: \(named(error))") }
        } catch {}
        do {
            let view = try await vault.readRecord(id: p.attestable, purpose: "audit", by: clerk)
            if view.fields["national_id"] != nil || view.fields["income"] != nil { o.wrong.append("confidential clerk read restricted fields") }
        } catch { o.detected.append("clerk read: \(named(error))") }
        // Approvals as the pristine node decided them, and the approved one's bundle as its requester collects and
        // checks it (offline, bound to its own name and nonce).
        do {
            let now = await Dictionary(uniqueKeysWithValues: try vault.approvals().map { ($0.id, $0.status) })
            if now != p.approvals { o.wrong.append("approvals differ: \(now) vs \(p.approvals)") }
        } catch { o.detected.append("approvals: \(named(error))") }
        do {
            if let bundle = try await vault.approval(id: p.approved, by: landlord)?.bundle {
                do { _ = try verifier.verify(bundle, now: UInt64(Date().timeIntervalSince1970), expecting: .replay(requester: landlord.id, nonce: Array(repeating: 5, count: 32))) } catch {
                    o.detected.append("approved bundle verification: \(named(error))")
                }
            } else { o.missing.append("approval \(p.approved) serves no bundle") }
        } catch { o.detected.append("approved bundle: \(named(error))") }
        // Policy v2 still sends the landlord to an officer: an attestation issued at once is more than granted.
        do {
            if case .issued = try await vault.requestAttestation(landlordRequest(p.landlordRecord, nonce: 4), by: landlord) {
                o.wrong.append("the landlord's request was issued without an officer's approval")
            }
        } catch { o.detected.append("landlord's request: \(named(error))") }
        do {
            let id = try await vault.createRecord(type: "citizen", nationalID: "TAMPER-NEW", input: [
                "national_id": .string("TAMPER-NEW"), "full_name": .string("New"), "birth_date": .string("1990-01-01"), "income": .integer(1),
                "email": .string("new@example.org"),
            ], by: registrar).recordID
            if try await vault.readRecord(id: id, purpose: "audit", by: officer).fields["national_id"] != .string("TAMPER-NEW") { o.wrong.append("new write reads back wrong") }
            if try await vault.readRecord(id: id, purpose: "audit", by: clerk).fields["national_id"] != nil { o.wrong.append("confidential clerk read a new record's national_id") }
        } catch { o.detected.append("write: \(named(error))") }
        return o
    }
}
