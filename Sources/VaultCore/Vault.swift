import Foundation
import VaultCrypto
import VaultLedger

/// The records vault: encrypts records field by field under tiered keys, commits attestable fields, enforces
/// clearance, and writes every operation to the ledger in the same transaction as the data it concerns.
///
/// Thread-safe: all state is in the store; each public method is one or more store transactions.
public final class Vault: Sendable {
    let store: AnchoredStore
    let keys: NodeKeys
    /// MACs of the rows the ledger does not anchor (tokens, approvals) and the keyed hash of tokens.
    public let authenticator: StateAuthenticator
    let keyring: TierKeyring
    let clock: @Sendable () -> UInt64
    /// The node's time zone: "today", the only date age questions are asked on, is the clock's date here.
    let timeZone: TimeZone
    /// Picks the signed checkpoint attestations are proven against (e.g. the newest one witnesses made final);
    /// nil means the latest checkpoint of the log.
    let checkpointSelector: (@Sendable () async throws -> String?)?

    /// A vault over `store`, using the node's `keys`. `clock` gives milliseconds since the epoch (tests pin it);
    /// `timeZone` is the node's (the process's by default, i.e. `TZ`).
    public init(
        store: any VaultStore, keys: NodeKeys, clock: @escaping @Sendable () -> UInt64 = Vault.systemClock,
        checkpointSelector: (@Sendable () async throws -> String?)? = nil, timeZone: TimeZone = .current,
        keyChain: LedgerKeyChain? = nil
    ) {
        let authenticator = StateAuthenticator(keys: keys)
        if let anchored = store as? AnchoredStore {
            self.store = anchored
        } else {
            // The node's name was checked when its keys were made; a name a note key refuses cannot reach here.
            let signer = try! LedgerSigner(name: keys.name, key: keys.signingKey)
            self.store = AnchoredStore(
                base: store,
                anchor: LedgerAnchor(origin: keys.name, keyChain: keyChain ?? signer.keyChain, authenticator: authenticator, trail: CitizenTrail(keys: keys)))
        }
        self.keys = keys
        self.authenticator = authenticator
        self.keyring = TierKeyring(keyEncryptionKey: keys.keyEncryptionKey)
        self.clock = clock
        self.checkpointSelector = checkpointSelector
        self.timeZone = timeZone
    }

    /// The same vault, proving attestations against the checkpoints `selector` picks (which must be this log's);
    /// when it returns nil, attestations are refused with `notWitnessed`.
    public func provingAgainst(_ selector: @escaping @Sendable () async throws -> String?) -> Vault {
        Vault(store: store, keys: keys, clock: clock, checkpointSelector: selector, timeZone: timeZone)
    }

    /// Write transactions committed so far and the writers they carried (group commit's batching).
    public var commitCounts: GroupCommitCounts { store.commitCounts }

    /// The node's view of its verified ledger (state every access decision is checked against).
    public var anchor: LedgerAnchor { store.anchor }

    /// Replays the verified ledger into the anchor now (a node does this at start-up rather than on its first request).
    public func loadAnchor() async throws { try await store.read { _ in } }

    /// Milliseconds since the Unix epoch from the system clock.
    public static let systemClock: @Sendable () -> UInt64 = { UInt64(Date().timeIntervalSince1970 * 1000) }

    /// The pseudonym of a national id on this node.
    public func pseudonym(of nationalID: String) throws -> Pseudonym {
        try Pseudonym(nationalID: nationalID, key: keys.pseudonymKey)
    }

    /// Builds a ledger entry stamped with the vault's clock.
    func entry(_ type: String, _ caller: Caller, _ attributes: [String: LedgerEntry.Value]) throws -> LedgerEntry {
        try LedgerEntry(type: type, timestampMs: clock(), actor: caller.id, attributes: attributes)
    }

    /// The current tier order as stored.
    func tierLevels(_ tx: any VaultReading) throws -> (levels: [String: TierState], order: TierLevels?) {
        let states = try tx.tiers()
        let byName = Dictionary(uniqueKeysWithValues: states.map { ($0.name, $0) })
        let names = states.sorted { $0.rank < $1.rank }.map(\.name)
        return (byName, names.isEmpty ? nil : try TierLevels(names: names))
    }

    /// The plaintext tier key `version` of `tier`, refusing retired versions.
    func tierKey(_ tx: any VaultReading, tier: TierState, version: Int) throws -> SecureBytes {
        guard version >= tier.minDecryptionVersion, let wrapped = try tx.tierKey(tier: tier.name, version: version) else {
            throw VaultError.corrupt("tier \(tier.name) key version \(version) is retired or missing")
        }
        return try keyring.open(wrapped)
    }

    /// The one place every operation authorizes its caller: refuses actor ids that are not codes, roles not in
    /// `roles`, tokens the ledger revoked (alone, or with every token of their actor), and members who are revoked
    /// or whose role an officer has changed since their token was made (the anchored member record is current).
    func authorize(_ caller: Caller, _ roles: Set<Role>, _ tx: any VaultReading, action: String) throws {
        guard LedgerEntry.isValidIdentifier(caller.id) else { throw VaultError.invalidActor(String(caller.id.prefix(64))) }
        if let credential = caller.credential, anchor.withState({ $0.isRevoked(credential, actor: caller.id) }) {
            throw VaultError.credentialRevoked
        }
        guard roles.contains(caller.role) else { throw VaultError.forbidden("role \(caller.role.rawValue) may not \(action)") }
        if let member = try tx.member(id: caller.id) {
            guard !member.revoked else { throw VaultError.forbidden("member \(caller.id) is revoked") }
            guard member.role == caller.role else { throw VaultError.forbidden("member \(caller.id) is now a \(member.role.rawValue)") }
        }
    }

    /// Authorizes `caller` for an operation that reads no vault state (e.g. verifying the whole ledger).
    public func authorize(_ caller: Caller, _ roles: Set<Role>, action: String) async throws {
        try await store.read { tx in try authorize(caller, roles, tx, action: action) }
    }

    /// The rank up to which `caller` may read: its own clearance, lowered to its member record's when an officer
    /// has since granted it less. Officers without a clearance read everything; others without one read nothing.
    func clearanceRank(_ caller: Caller, _ tiers: [String: TierState], _ tx: any VaultReading) throws -> Int {
        func rank(_ clearance: String?, _ role: Role) -> Int {
            clearance.flatMap { tiers[$0]?.rank } ?? (role == .officer && clearance == nil ? Int.max : -1)
        }
        let own = rank(caller.clearance, caller.role)
        guard let member = try tx.member(id: caller.id) else { return own }
        return min(own, rank(member.clearance, member.role))
    }

    /// Purposes are codes (they are written to the public ledger), never free text.
    static func checkPurpose(_ purpose: String) throws {
        guard LedgerEntry.isValidIdentifier(purpose) else { throw VaultError.invalidPurpose }
    }
}
