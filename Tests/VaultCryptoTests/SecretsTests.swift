import Testing
@testable import VaultCrypto

/// Secrets must never show up in descriptions, and compare in constant time.
@Suite struct SecretsTests {
    @Test func secureBytesAreRedactedAndCompareByValue() {
        let marker = Array("TOP-SECRET-MARKER".utf8)
        let secret = SecureBytes(copying: marker)
        for text in [secret.description, secret.debugDescription, "\(secret)", String(reflecting: secret)] {
            #expect(!text.contains("TOP-SECRET"))
            #expect(!text.contains(Hex.encode(marker)))
        }
        #expect(secret == SecureBytes(copying: marker))
        #expect(secret != SecureBytes(copying: marker.dropLast()))
        #expect(secret != SecureBytes(copying: Array("TOP-SECRET-MARKEX".utf8)))
        #expect(SecureBytes.random(count: 32) != SecureBytes.random(count: 32))
    }

    @Test func nodeKeysAndErrorsDoNotPrintKeyMaterial() throws {
        let keys = NodeKeys.generate(name: "test.node")
        let kekHex = Hex.encode(keys.currentKeyEncryptionKey.key.unsafeCopy())
        let rootHex = Hex.encode(keys.derivationRoot.unsafeCopy())
        let seedHex = Hex.encode(keys.signingKey.seed.unsafeCopy())
        let pseudoHex = Hex.encode(keys.pseudonymKey.unsafeCopy())
        let rendered = "\(keys) \(String(reflecting: keys)) \(keys.signingKey)"
        for secret in [kekHex, rootHex, seedHex, pseudoHex] {
            #expect(!rendered.contains(secret))
            #expect(!rendered.contains(Base64.encode(Hex.decode(secret)!)))
        }
        let errors: [any Error] = [
            CryptoError.authenticationFailed, KeyFile.Failure.wrongPassphraseOrAltered, CryptoError.invalidSignature,
        ]
        for error in errors { #expect(!"\(error)".contains(kekHex)) }
    }

    @Test func constantTimeHelpers() {
        #expect(ConstantTime.equals([1, 2, 3], [1, 2, 3]))
        #expect(!ConstantTime.equals([1, 2, 3], [1, 2, 4]))
        #expect(!ConstantTime.equals([1, 2, 3], [1, 2]))
        #expect(ConstantTime.equals([], []))
        #expect(ConstantTime.isZero([0, 0]))
        #expect(!ConstantTime.isZero([0, 1]))
    }

    @Test func strictTextCodecs() {
        #expect(Hex.decode("00ff") == [0, 255])
        #expect(Hex.decode("0") == nil)
        #expect(Hex.decode("zz") == nil)
        #expect(Base64.decode("AAE=") == [0, 1])
        #expect(Base64.decode("AAF=") == nil)  // non-zero padding bits
        #expect(Base64.decode("AAE") == nil)  // missing padding
        #expect(Base64.decode(" AAE=") == nil)
    }
}
