import Foundation
import Testing
import VaultCore
import VaultNode
import VaultTestSupport

/// The debug check behind "no blocking call on a cooperative thread": inside a request's task a synchronous database
/// call is forbidden on the task's own thread, and allowed in a store door's body and on the blocking pool.
@Suite struct BlockingCallCheckTests {
    @Test func aRequestTaskMayNotBlockItsOwnThread() async throws {
        #expect(!BlockingCallCheck.blockingIsForbiddenHere)  // outside a request
        try await BlockingCallCheck.$forbidden.withValue(true) {
            #expect(BlockingCallCheck.blockingIsForbiddenHere)
            let offloaded = try await BlockingCallCheck.offload { BlockingCallCheck.blockingIsForbiddenHere }
            #expect(!offloaded)
        }
    }

    @Test(arguments: StorageBackend.available) func storeDoorsAndOffloadedReadsPassTheCheck(backend: StorageBackend) async throws {
        let test = try TestStore(backend)
        defer { test.cleanUp() }
        let ledger = test.store.ledger
        try await BlockingCallCheck.$forbidden.withValue(true) {
            // Each of these would trap in a debug build if it ran a statement on this task's thread.
            try await test.vault.createStandardTiersIfNeeded(by: .operatorCLI())
            #expect(try await test.vault.tiers().count == 4)
            let size = try await BlockingCallCheck.offload { try ledger.treeSize() }
            #expect(size > 0)
            let inDoor = try await test.vaultStore.read { _ in BlockingCallCheck.blockingIsForbiddenHere }
            #expect(!inDoor)
        }
    }
}
