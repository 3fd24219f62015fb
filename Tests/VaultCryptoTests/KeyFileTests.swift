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
        #expect(opened.keyEncryptionKey == keys.keyEncryptionKey)
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
        #expect(try KeyFile.open(file, passphrase: nil).keyEncryptionKey == keys.keyEncryptionKey)
    }
}
