import VaultCrypto
import VaultProofs

extension BenchRecordsCommand {
    /// The libsodium calls one ten-field record write must make, through VaultCrypto's thin wrappers, on inputs of
    /// the real lengths (`RecordShape`): no encoding, no allocation of rows, no storage. Per record:
    /// - 1 keyed BLAKE2b (the citizen's pseudonym);
    /// - per tier used (4): 1 AEAD open (the tier key under the KEK), 32 random bytes (DEK), 1 AEAD seal (DEK wrap);
    /// - per field (10): 1 AEAD seal; per attestable field (4): 64 random bytes reduced to a scalar (blinding),
    ///   1 base and 1 variable-base multiplication and 1 addition (C = v*G + r*H), 1 AEAD seal of the opening;
    /// - 24 random bytes per AEAD seal (18 nonces);
    /// - SHA-256: the ciphertexts, the entry's leaf, the Merkle nodes the append completes and the root, the block;
    /// - 2 Ed25519 signatures (block header and checkpoint note).
    struct FloorMaterial {
        let kek = SecureBytes.random(count: 32)
        let pseudonymKey = SecureBytes.random(count: 32)
        let signingKey = Ed25519SigningKey.generate()
        let tierKeyEnvelopes: [[UInt8]]
        let plaintexts: [[UInt8]]
        let entry: [UInt8]
        let header: [UInt8]
        let note: [UInt8]
        let h = Generators.h
        static let aad = [UInt8](repeating: 0x61, count: 48)

        init(shape: RecordShape) throws {
            var envelopes: [[UInt8]] = []
            for _ in 0..<BenchNode.tenFieldTiers {
                let nonce = RandomBytes.generate(XChaCha20Poly1305.nonceByteCount)
                envelopes.append(nonce + (try XChaCha20Poly1305.encrypt(RandomBytes.generate(32), key: kek, nonce: nonce, associatedData: Self.aad)))
            }
            tierKeyEnvelopes = envelopes
            plaintexts = shape.plaintextSizes.map { [UInt8](repeating: 0x42, count: $0) }
            entry = [0x00] + [UInt8](repeating: 0x45, count: shape.entryBytes)
            header = [UInt8](repeating: 0x48, count: shape.headerBytes)
            note = [UInt8](repeating: 0x4e, count: shape.noteBytes)
        }

        var callSummary: String {
            "1 keyed BLAKE2b, \(BenchNode.tenFieldTiers) AEAD opens, \(BenchNode.tenFieldTiers + BenchNode.tenFieldFields + BenchNode.tenFieldAttestable) AEAD seals, "
                + "\(BenchNode.tenFieldAttestable) x (scalar reduce + base mult + var-base mult + add), SHA-256 x (3 + Merkle nodes), 2 Ed25519 signs, "
                + "\(BenchNode.tenFieldTiers + BenchNode.tenFieldTiers + BenchNode.tenFieldFields + 2 * BenchNode.tenFieldAttestable) randombytes_buf"
        }

        func seal(_ plaintext: [UInt8], _ key: SecureBytes) throws -> [UInt8] {
            try XChaCha20Poly1305.encrypt(plaintext, key: key, nonce: RandomBytes.generate(XChaCha20Poly1305.nonceByteCount), associatedData: Self.aad)
        }

        /// One record's calls; `treeSize` (before the append) sets how many Merkle node hashes the append makes.
        func oneRecord(treeSize n: UInt64) throws {
            var sink: [[UInt8]] = []
            sink.append(try BLAKE2b.hash([UInt8](repeating: 0x43, count: 40), key: pseudonymKey))
            var deks: [SecureBytes] = []
            for envelope in tierKeyEnvelopes {
                let tierKey = try XChaCha20Poly1305.decrypt(envelope[24...], key: kek, nonce: Array(envelope[0..<24]), associatedData: Self.aad)
                let dek = SecureBytes.random(count: 32)
                sink.append(try dek.withUnsafeBytes { try seal(Array($0), tierKey) })
                deks.append(dek)
            }
            var ciphertexts: [[UInt8]] = []
            for (i, plaintext) in plaintexts.enumerated() { ciphertexts.append(try seal(plaintext, deks[i % deks.count])) }
            for i in 0..<BenchNode.tenFieldAttestable {
                let blinding = try Scalar.reduce(wide: RandomBytes.generate(Scalar.wideByteCount))
                let c = Point.base(times: Scalar(UInt64(40_000 + i))) + h.times(blinding)
                sink.append(c.bytes)
                sink.append(try seal([UInt8](repeating: 0x4f, count: 64), deks[i % deks.count]))
            }
            sink.append(SHA256.hash(parts: ciphertexts))
            sink.append(SHA256.hash(entry))
            // The append merges one node per trailing 1-bit of n, then folds the frontier (popcount(n + 1) - 1) into the root.
            let nodeHashes = (~n).trailingZeroBitCount + max(0, (n + 1).nonzeroBitCount - 1)
            var node = [UInt8](repeating: 0x01, count: 65)
            for _ in 0..<nodeHashes { node.replaceSubrange(1..<33, with: SHA256.hash(node)) }
            sink.append(node)
            sink.append(SHA256.hash(header))
            sink.append(signingKey.sign(header))
            sink.append(signingKey.sign(note))
            if sink.count == 0 { print("") }
        }
    }
}
