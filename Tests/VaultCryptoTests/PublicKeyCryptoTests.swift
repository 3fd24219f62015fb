import Testing
@testable import VaultCrypto

@Suite struct PublicKeyCryptoTests {
    @Test func sealedBoxesOpenOnlyWithTheRecipientKey() throws {
        let recipient = X25519KeyPair.generate(), other = X25519KeyPair.generate()
        let box = try SealedBox.seal(Array("hello".utf8), to: recipient.publicKey)
        #expect(box.count == 5 + SealedBox.overhead)
        #expect(try SealedBox.open(box, with: recipient).unsafeCopy() == Array("hello".utf8))
        #expect(throws: CryptoError.sealedBoxOpenFailed) { try SealedBox.open(box, with: other) }
        var altered = box
        altered[altered.count - 1] ^= 1
        #expect(throws: CryptoError.sealedBoxOpenFailed) { try SealedBox.open(altered, with: recipient) }
        #expect(throws: CryptoError.self) { try SealedBox.open(Array(box.prefix(10)), with: recipient) }
        #expect(throws: CryptoError.self) { try SealedBox.seal([1], to: [1, 2, 3]) }
        // A key pair rebuilt from its secret half has the same public key.
        #expect(try X25519KeyPair(secretKey: recipient.secretKey).publicKey == recipient.publicKey)
    }

    @Test func ed25519SignVerifyAndRejects() throws {
        let key = Ed25519SigningKey.generate()
        let message = Array("checkpoint".utf8)
        let signature = key.sign(message)
        try key.publicKey.verify(signature, for: message)
        #expect(throws: CryptoError.invalidSignature) { try key.publicKey.verify(signature, for: message + [0]) }
        #expect(throws: CryptoError.invalidSignature) { try Ed25519SigningKey.generate().publicKey.verify(signature, for: message) }
        #expect(!key.publicKey.isValidSignature(Array(signature.dropLast()), for: message))
        #expect(throws: CryptoError.self) { try Ed25519PublicKey(bytes: [1, 2]) }
        #expect(throws: CryptoError.self) { try Ed25519SigningKey(seed: SecureBytes.random(count: 31)) }
        // The seed determines the key.
        #expect(try Ed25519SigningKey(seed: key.seed).publicKey == key.publicKey)
    }

    @Test func argon2idIsDeterministicPerSaltAndParameters() throws {
        let pass = SecureBytes(copying: Array("passphrase".utf8))
        let salt = RandomBytes.generate(PasswordKDF.saltByteCount)
        let k1 = try PasswordKDF.deriveKey(passphrase: pass, salt: salt, parameters: .interactive)
        let k2 = try PasswordKDF.deriveKey(passphrase: pass, salt: salt, parameters: .interactive)
        #expect(k1 == k2)
        #expect(k1 != (try PasswordKDF.deriveKey(passphrase: pass, salt: RandomBytes.generate(16), parameters: .interactive)))
        #expect(k1 != (try PasswordKDF.deriveKey(passphrase: SecureBytes(copying: Array("Passphrase".utf8)), salt: salt, parameters: .interactive)))
        #expect(throws: CryptoError.invalidKDFParameters) {
            try PasswordKDF.deriveKey(passphrase: pass, salt: salt, parameters: Argon2idParameters(opsLimit: 0, memLimit: 8192))
        }
        #expect(throws: CryptoError.self) { try PasswordKDF.deriveKey(passphrase: pass, salt: [1], parameters: .interactive) }
    }
}
