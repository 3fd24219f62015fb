import Testing
import VaultTestSupport
@testable import VaultCrypto

/// Known-answer tests from the standards, read from committed JSON vectors (Vectors/*.json).
@Suite struct KnownAnswerTests {
    struct Ed25519File: Decodable {
        struct Vector: Decodable { let name, secret_key, public_key, message, signature: String }
        let vectors: [Vector]
    }

    @Test func ed25519RFC8032() throws {
        let file = try loadVectors("ed25519", as: Ed25519File.self)
        #expect(file.vectors.count == 3)
        for v in file.vectors {
            let key = try Ed25519SigningKey(seed: SecureBytes(copying: hex(v.secret_key)))
            #expect(key.publicKey.bytes == hex(v.public_key), "\(v.name)")
            let signature = key.sign(hex(v.message))
            #expect(signature == hex(v.signature), "\(v.name)")
            #expect(key.publicKey.isValidSignature(signature, for: hex(v.message)))
            var flipped = signature
            flipped[0] ^= 1
            #expect(!key.publicKey.isValidSignature(flipped, for: hex(v.message)))
            #expect(!key.publicKey.isValidSignature(signature, for: hex(v.message) + [0]))
        }
    }

    struct XChaChaFile: Decodable { let plaintext, aad, key, nonce, ciphertext, tag: String }

    @Test func xchacha20poly1305DraftA31() throws {
        let v = try loadVectors("xchacha20poly1305", as: XChaChaFile.self)
        let key = SecureBytes(copying: hex(v.key))
        let sealed = try XChaCha20Poly1305.encrypt(hex(v.plaintext), key: key, nonce: hex(v.nonce), associatedData: hex(v.aad))
        #expect(sealed == hex(v.ciphertext) + hex(v.tag))
        let opened = try XChaCha20Poly1305.decrypt(sealed[...], key: key, nonce: hex(v.nonce), associatedData: hex(v.aad))
        #expect(opened.unsafeCopy() == hex(v.plaintext))
        #expect(throws: CryptoError.authenticationFailed) {
            try XChaCha20Poly1305.decrypt(sealed[...], key: key, nonce: hex(v.nonce), associatedData: [])
        }
    }

    struct HashFile: Decodable {
        struct Digest: Decodable { let message, digest: String; let key: String? }
        let sha256, sha512, blake2b512, blake2b256_keyed: [Digest]
    }

    @Test func hashes() throws {
        let file = try loadVectors("hashes", as: HashFile.self)
        for v in file.sha256 { #expect(SHA256.hash(hex(v.message)) == hex(v.digest)) }
        for v in file.sha512 { #expect(SHA512.hash(hex(v.message)) == hex(v.digest)) }
        for v in file.blake2b512 { #expect(try BLAKE2b.hash(hex(v.message), length: 64) == hex(v.digest)) }
        for v in file.blake2b256_keyed {
            #expect(try BLAKE2b.hash(hex(v.message), key: SecureBytes(copying: hex(v.key!))) == hex(v.digest))
        }
        // Multi-part hashing equals hashing the concatenation.
        #expect(SHA256.hash([1, 2], [3]) == SHA256.hash([1, 2, 3]))
    }

    struct RistrettoFile: Decodable {
        struct HashVector: Decodable { let label, encoding: String }
        let generator_multiples: [String]
        let invalid_encodings: [String]
        let hash_to_group: [HashVector]
    }

    @Test func ristretto255RFC9496() throws {
        let file = try loadVectors("ristretto255", as: RistrettoFile.self)
        #expect(file.generator_multiples.count == 16)
        var accumulator = Point.identity
        for (k, encoding) in file.generator_multiples.enumerated() {
            #expect(accumulator.bytes == hex(encoding), "[\(k)]B by addition")
            #expect(Point.base(times: Scalar(UInt64(k))).bytes == hex(encoding), "[\(k)]B by base mult")
            #expect(Point.generator.times(Scalar(UInt64(k))).bytes == hex(encoding), "[\(k)]B by var-base mult")
            let decoded = try Point(canonical: hex(encoding), allowIdentity: true)
            #expect(decoded == accumulator)
            accumulator = accumulator + .generator
        }
        #expect(throws: CryptoError.identityPoint) { try Point(canonical: hex(file.generator_multiples[0])) }
        #expect(file.invalid_encodings.count == 29)
        for encoding in file.invalid_encodings {
            #expect(throws: CryptoError.invalidPoint, "\(encoding)") { try Point(canonical: hex(encoding)) }
        }
        for v in file.hash_to_group {
            #expect(try Point.fromHash(SHA512.hash(Array(v.label.utf8))).bytes == hex(v.encoding), "\(v.label)")
        }
    }
}
