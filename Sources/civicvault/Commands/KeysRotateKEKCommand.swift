import ArgumentParser
import Foundation
import VaultCore
import VaultCrypto
import VaultNode

extension KeysCommand {
    /// `civicvault keys rotate-kek`: a new key-encryption key, every tier key re-wrapped under it, the old one
    /// dropped. Run it with the node stopped (every node, on a shared database; then copy node.key to the others).
    ///
    /// Resumable in three steps, each safe to repeat: (1) node.key is replaced (atomically, same passphrase or
    /// shares) by one holding the old KEK and a new one of the next version (the rotating state; the node refuses
    /// to start in it); (2) tier-key rows are re-wrapped in batches, each one transaction, `kek.rotation_started`
    /// and `kek.rotated` on the ledger with the first and last batch; (3) node.key is replaced by one without the
    /// old KEK. A rerun finds node.key rotating and goes on from step 2 with the KEK already there.
    struct RotateKEK: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rotate-kek", abstract: "Replace the key-encryption key, re-wrapping every tier key (resumable).")
        @OptionGroup var node: NodeOptions
        @Option(help: "Tier keys re-wrapped per transaction.") var batchSize: Int = 100
        @Option(help: .hidden) var batchPauseMs: Int = 0

        func validate() throws {
            guard batchSize > 0 else { throw ValidationError("--batch-size must be positive") }
            guard batchPauseMs >= 0 else { throw ValidationError("--batch-pause-ms must not be negative") }
        }

        func run() async throws {
            let directory = node.keyOptions.directory
            guard !directory.hasPendingKeyFile else {
                throw CLIFailure("a log-key rotation is unfinished (\(directory.pendingSecretFilePath) exists)", hint: "rerun `civicvault keys rotate-log-key` to finish it first")
            }
            let (current, resealer) = try node.keyOptions.loadNodeKeysForRewrite()
            let rotating: NodeKeys
            if current.isRotatingKeyEncryptionKey {
                rotating = current
                print("resuming the KEK rotation from v\(current.keyEncryptionKeys[0].version) to v\(current.currentKeyEncryptionKey.version)")
            } else {
                rotating = try wrap { try current.addingKeyEncryptionKey() }
                try wrap { try directory.replaceKeyFile(try resealer.seal(rotating)) }
            }
            let vault = try await node.open(keys: rotating, duringKEKRotation: true).vault
            let pause = UInt32(batchPauseMs) * 1000
            let done: KEKRotationProgress
            do {
                done = try await vault.rewrapTierKeys(by: node.caller, batchSize: batchSize) { p in
                    FileHandle.standardError.write(Data("re-wrapping tier keys under KEK v\(p.to): \(p.rewrapped) rewrapped, \(p.remaining) left\n".utf8))
                    if pause > 0 { usleep(pause) }
                }
                let left = try await vault.tierKeysUnderPreviousKEK()
                guard left == 0 else {
                    throw CLIFailure("\(left) tier keys are still under the old KEK", hint: "rerun `civicvault keys rotate-kek`; is another node running?")
                }
            } catch let failure as CLIFailure { throw failure } catch { throw CLIFailure.from(error) }
            try wrap { try directory.replaceKeyFile(try resealer.seal(try rotating.droppingPreviousKeyEncryptionKeys())) }
            print("KEK rotated to v\(done.to): \(done.rewrapped) tier keys re-wrapped in this run; node.key no longer holds KEK v\(done.from)")
        }
    }
}
