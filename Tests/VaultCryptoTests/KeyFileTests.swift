import Testing
@testable import VaultCrypto

@Suite struct KeyFileTests {
    /// The cheapest parameters libsodium accepts, so the byte-by-byte test stays fast; production uses .moderate.
    static let cheap = Argon2idParameters(opsLimit: 1, memLimit: 8192)
    let keys = NodeKeys.generate(name: "civicvault.test/node-1")
    let passphrase = SecureBytes(copying: Array("correct horse".utf8))

    func sealed() throws -> [UInt8] {
        try KeyFile.seal(keys, passphrase: passphrase, protection: .passphrase, parameters: Self.cheap)
    }

    @Test func roundTripRestoresEveryKey() throws {
        let opened = try KeyFile.open(try sealed(), passphrase: passphrase)
        #expect(opened.name == keys.name)
        #expect(opened.signingKey.publicKey == keys.signingKey.publicKey)
        #expect(opened.derivationRoot == keys.derivationRoot)
        #expect(opened.keyEncryptionKeys.map(\.version) == [1] && opened.currentKeyEncryptionKey.key == keys.currentKeyEncryptionKey.key)
        #expect(opened.currentKeyEncryptionKey.key != opened.derivationRoot)
        #expect(opened.pseudonymKey == keys.pseudonymKey)
        #expect(try KeyFile.protection(of: try sealed()) == .passphrase)
    }

    @Test func wrongOrMissingPassphraseFails() throws {
        let file = try sealed()
        #expect(throws: KeyFile.Failure.wrongPassphraseOrAltered) {
            try KeyFile.open(file, passphrase: SecureBytes(copying: Array("wrong".utf8)))
        }
        #expect(throws: KeyFile.Failure.passphraseRequired) { try KeyFile.open(file, passphrase: nil) }
    }

    @Test func everyAlteredByteIsRefused() throws {
        let file = try sealed()
        // Each header byte is either parsed strictly or authenticated as associated data; each body byte is authenticated.
        for index in file.indices {
            var altered = file
            altered[index] ^= 0x04
            #expect(throws: (any Error).self, "byte \(index)") { try KeyFile.open(altered, passphrase: passphrase) }
        }
    }

    @Test func truncatedUnknownVersionAndForeignFilesAreNamed() throws {
        let file = try sealed()
        #expect(throws: KeyFile.Failure.truncated) { try KeyFile.open(Array(file.prefix(30)), passphrase: passphrase) }
        #expect(throws: KeyFile.Failure.truncated) { try KeyFile.open([], passphrase: passphrase) }
        var version = file
        version[6] = 9
        #expect(throws: KeyFile.Failure.unknownVersion(9)) { try KeyFile.open(version, passphrase: passphrase) }
        #expect(throws: KeyFile.Failure.notAKeyFile) { try KeyFile.open(Array(repeating: 0x41, count: 200), passphrase: passphrase) }
        var params = file
        params[8] = 0xff  // opslimit far above the accepted range
        #expect(throws: KeyFile.Failure.badParameters) { try KeyFile.open(params, passphrase: passphrase) }
    }

    @Test func devFilesNeedNoPassphrase() throws {
        let file = try KeyFile.seal(keys, passphrase: nil, protection: .devNoPassphrase, parameters: .interactive)
        #expect(try KeyFile.protection(of: file) == .devNoPassphrase)
        #expect(try KeyFile.open(file, passphrase: nil).currentKeyEncryptionKey.key == keys.currentKeyEncryptionKey.key)
    }

    /// A key file of payload version 1 (written before KEK rotation): `u8 1 || seed || KEK || pseudonym || str16(name)`.
    static func legacyFile(_ keys: NodeKeys, kek: SecureBytes, passphrase: SecureBytes) throws -> [UInt8] {
        let template = try KeyFile.seal(keys, passphrase: passphrase, protection: .passphrase, parameters: cheap)
        let resealer = try KeyFile.openForRewrite(template, passphrase: passphrase).resealer
        let name = Array(keys.name.utf8)
        let payload = [UInt8(1)] + keys.signingKey.seed.unsafeCopy() + kek.unsafeCopy() + keys.pseudonymKey.unsafeCopy()
            + [UInt8(name.count >> 8), UInt8(name.count & 0xff)] + name
        return resealer.header + (try Envelope.seal(
            SecureBytes(copying: payload), key: resealer.fileKey, associatedData: CryptoLabels.keyFilePayload + resealer.header))
    }

    @Test func payloadVersionOneStillOpensWithTheKEKAsRootAndVersionOne() throws {
        let kek = SecureBytes.random(count: 32)
        let file = try Self.legacyFile(keys, kek: kek, passphrase: passphrase)
        let opened = try KeyFile.open(file, passphrase: passphrase)
        #expect(opened.name == keys.name && opened.signingKey.publicKey == keys.signingKey.publicKey && opened.pseudonymKey == keys.pseudonymKey)
        #expect(opened.derivationRoot == kek)
        #expect(opened.keyEncryptionKeys.count == 1 && opened.currentKeyEncryptionKey.version == 1 && opened.currentKeyEncryptionKey.key == kek)
        // Resealed, it is written as payload version 2 and opens to the same keys.
        let (_, resealer) = try KeyFile.openForRewrite(file, passphrase: passphrase)
        let again = try KeyFile.open(try resealer.seal(opened), passphrase: passphrase)
        #expect(again.derivationRoot == kek && again.currentKeyEncryptionKey.key == kek && again.currentKeyEncryptionKey.version == 1)
    }

    @Test func rotatingKeysRoundTripAndDropTheOldKEK() throws {
        let rotating = try keys.addingKeyEncryptionKey()
        #expect(rotating.isRotatingKeyEncryptionKey && rotating.keyEncryptionKeys.map(\.version) == [1, 2])
        #expect(throws: CryptoError.self) { try rotating.addingKeyEncryptionKey() }
        let opened = try KeyFile.open(try KeyFile.seal(rotating, passphrase: passphrase, protection: .passphrase, parameters: Self.cheap), passphrase: passphrase)
        #expect(opened.keyEncryptionKeys.map(\.version) == [1, 2] && opened.derivationRoot == keys.derivationRoot)
        #expect(opened.keyEncryptionKeys[0].key == keys.currentKeyEncryptionKey.key && opened.keyEncryptionKeys[1].key == rotating.keyEncryptionKeys[1].key)
        let done = try opened.droppingPreviousKeyEncryptionKeys()
        #expect(done.keyEncryptionKeys.map(\.version) == [2] && done.derivationRoot == keys.derivationRoot)
        let reopened = try KeyFile.open(try KeyFile.seal(done, passphrase: passphrase, protection: .passphrase, parameters: Self.cheap), passphrase: passphrase)
        #expect(reopened.keyEncryptionKeys.map(\.version) == [2] && reopened.currentKeyEncryptionKey.key == rotating.keyEncryptionKeys[1].key)
        #expect(throws: CryptoError.self) {
            try NodeKeys(name: "n", signingKey: .generate(), derivationRoot: .random(count: 32),
                         keyEncryptionKeys: [try .init(version: 2, key: .random(count: 32)), try .init(version: 1, key: .random(count: 32))],
                         pseudonymKey: .random(count: 32))
        }
    }

    @Test func malformedPayloadsAreNamed() throws {
        let (_, resealer) = try KeyFile.openForRewrite(try sealed(), passphrase: passphrase)
        func file(_ payload: [UInt8]) throws -> [UInt8] {
            resealer.header + (try Envelope.seal(SecureBytes(copying: payload), key: resealer.fileKey, associatedData: CryptoLabels.keyFilePayload + resealer.header))
        }
        let body = [UInt8](repeating: 7, count: 96)
        let kek = [UInt8](repeating: 9, count: 32)
        let threeKEKs = [UInt8(2)] + body + [3] + [0, 0, 0, 1] + kek + [0, 0, 0, 2] + kek + [0, 0, 0, 3] + kek + [0, 1, 0x61]
        let descending = [UInt8(2)] + body + [2] + [0, 0, 0, 2] + kek + [0, 0, 0, 1] + kek + [0, 1, 0x61]
        let zero = [UInt8(2)] + body + [1] + [0, 0, 0, 0] + kek + [0, 1, 0x61]
        let longName = [UInt8(2)] + body + [1] + [0, 0, 0, 1] + kek + [0, 5, 0x61]
        let unknown = [UInt8(3)] + body + [1] + [0, 0, 0, 1] + kek + [0, 1, 0x61]
        for payload in [threeKEKs, descending, zero, longName, unknown] {
            #expect(performing: { try KeyFile.open(try file(payload), passphrase: passphrase) }, throws: { error in
                if case KeyFile.Failure.malformedPayload = error { return true } else { return false }
            })
        }
        #expect(try KeyFile.open(try file([UInt8(2)] + body + [1] + [0, 0, 0, 1] + kek + [0, 1, 0x61]), passphrase: passphrase).name == "a")
    }
}
