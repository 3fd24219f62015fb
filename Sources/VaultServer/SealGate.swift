import Foundation
import Hummingbird
import Logging
import VaultCore
import VaultCrypto
import VaultNode

/// Whether the node's keys are in memory. A node whose `node.key` is opened by officers' shares starts sealed:
/// it answers `/health`, `/ready` (503 `sealed`) and `/v1/sys/*`, and every other route with 503 `sealed`, until
/// `POST /v1/sys/unseal` has been given k valid shares. `POST /v1/sys/seal` (an officer) drops the keys again:
/// the service state and the storage holding the KEK are released, and their `SecureBytes` zeroed as they go.
public final class SealGate: @unchecked Sendable {
    /// Opens the node (key file, storage, start-up work) from the secret the shares gave back.
    public typealias Opener = @Sendable (Scalar) async throws -> ServiceState

    private let lock = NSLock()
    private var state: ServiceState?
    private var responder: RouterResponder<VaultRequestContext>?
    /// Collects shares; nil for a passphrase-protected node (which cannot be unsealed over HTTP).
    private let collector: ShareCollector?
    private let opener: Opener?

    /// A node started unsealed (its keys opened by a passphrase at start).
    public init(unsealed state: ServiceState) async {
        collector = nil
        opener = nil
        await install(state)
    }

    /// A node that starts sealed and waits for shares of `set`.
    public init(sealed set: SecretShares.ShareSet, opener: @escaping Opener) {
        collector = ShareCollector(set: set)
        self.opener = opener
    }

    /// The running state, nil while sealed.
    public var current: ServiceState? { lock.withLock { state } }
    var currentResponder: RouterResponder<VaultRequestContext>? { lock.withLock { responder } }
    public var isSealed: Bool { current == nil }

    private func install(_ state: ServiceState) async {
        let responder = await buildRouter(state).buildResponder()
        lock.withLock {
            self.state = state
            self.responder = responder
        }
    }

    /// Where unsealing stands, for `GET /v1/sys/seal-status` and the answers of unseal.
    public struct Status: Encodable, Sendable {
        public var sealed: Bool
        public var threshold: Int?
        public var shares: Int?
        public var progress: Int
        public var unsealable: Bool
    }

    public var status: Status {
        Status(
            sealed: isSealed, threshold: collector?.set.threshold, shares: collector?.set.count, progress: collector?.progress ?? 0,
            unsealable: collector != nil)
    }

    /// Why unsealing or sealing did not happen.
    public enum Refusal: Error, Equatable, Sendable, CustomStringConvertible {
        case notShareProtected
        case alreadyUnsealed
        case openFailed(String)

        public var description: String {
            switch self {
            case .notShareProtected: return "this node's keys are opened by a passphrase at start, not by shares; restart the service to unseal it"
            case .alreadyUnsealed: return "the node is unsealed already"
            case let .openFailed(why): return "the shares were valid but the node could not be opened: \(why)"
            }
        }
    }

    /// Takes one share; unseals when it completes the threshold.
    public func unseal(share: SecureBytes) async throws -> Status {
        guard let collector, let opener else { throw Refusal.notShareProtected }
        guard isSealed else { throw Refusal.alreadyUnsealed }
        guard let secret = try collector.add(share) else { return status }
        do { await install(try await opener(secret)) } catch { throw Refusal.openFailed(String(describing: error)) }
        return status
    }

    /// Drops the keys: new requests get 503 `sealed`; requests already running finish with what they hold.
    public func seal() throws {
        guard collector != nil else { throw Refusal.notShareProtected }
        collector?.reset()
        lock.withLock {
            state = nil
            responder = nil
        }
    }
}
