import Foundation
import Testing
import VaultCore
import VaultCrypto
import VaultLedger
import VaultProofs
import VaultSQLite

/// Mutation fuzzing of every decoder that reads bytes from outside: ledger entries, signed notes and checkpoints,
/// note verifier keys, statements, proof contexts, proofs, attestation bundles, envelopes, key files, policies
/// and schemas. Seeds are valid encodings made here (and any files under Tests/Corpus/<decoder>/); each
/// mutation must be rejected with the decoder's typed error, or be accepted only as the exact canonical
/// encoding it re-encodes to (parsers) or an equivalent of the seed (verifiers). A crash fails the run.
///
/// `make test` runs a quick count per decoder; `make soak` sets CIVICVAULT_FUZZ_ITERATIONS=100000.
@Suite struct FuzzDecoderTests {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Seeds made in process plus the committed corpus of `name`; with CIVICVAULT_WRITE_CORPUS=1 the made seeds
    /// are (re)written to Tests/Corpus/<name>/ for libFuzzer or other tools.
    static func seeds(_ name: String, _ made: [[UInt8]]) throws -> [[UInt8]] {
        let dir = repo.appendingPathComponent("Tests/Corpus/\(name)")
        if ProcessInfo.processInfo.environment["CIVICVAULT_WRITE_CORPUS"] == "1" {
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            for (i, seed) in made.enumerated() { try Data(seed).write(to: dir.appendingPathComponent("seed-\(i)")) }
        }
        let files = (try? FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()) ?? []
        let committed = files.compactMap { FileManager.default.contents(atPath: dir.appendingPathComponent($0).path).map { [UInt8]($0) } }
        return made + committed.filter { !made.contains($0) }
    }

    /// Runs `body` on `count` mutations (a `share` of CIVICVAULT_FUZZ_ITERATIONS when it is set); `body` returns
    /// true when the input was accepted (and already checked).
    static func fuzz(_ name: String, seeds: [[UInt8]], quick: Int, share: Int = 1, _ body: ([UInt8]) throws -> Bool) rethrows -> FuzzTally {
        var mutator = Mutator(seeds: seeds)
        var tally = FuzzTally(name: name)
        for _ in 0..<max(1, Mutator.iterations(quick: quick * share) / share) {
            let input = mutator.next()
            tally.tried += 1
            if try body(input) { tally.acceptedEquivalent += 1 } else { tally.rejected += 1 }
        }
        print(tally)
        return tally
    }

    /// The text parsers take a `String`: invalid UTF-8 in a mutation arrives as U+FFFD, as it would from any reader.
    static func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    // MARK: ledger

    static let entries: [LedgerEntry] = [
        try! LedgerEntry(type: "record.created", timestampMs: 1_795_000_000_000, actor: "clerk-1", attributes: [
            "record": .string("r-00112233445566778899aabbccddeeff"), "type": .string("citizen"), "version": .u64(1),
            "citizen": .bytes(Array(repeating: 0xab, count: 32)), "commitment.birth_date": .bytes(Array(repeating: 0x11, count: 32)),
            "ciphertext_hash": .bytes(Array(repeating: 0x22, count: 32)),
        ]),
        try! LedgerEntry(type: "field.read", timestampMs: 1, actor: "bank-1", attributes: [
            "record": .string("r-1"), "purpose": .string("loan"), "fields": .string(""), "refused": .string("full_name,income"),
        ]),
        try! LedgerEntry(type: "tier.created", timestampMs: 0, actor: "operator", attributes: [:]),
    ]

    @Test func ledgerEntryCodec() throws {
        let tally = try Self.fuzz("entry", seeds: try Self.seeds("entry", Self.entries.map(EntryCodec.encode)), quick: 4000) { input in
            do {
                let entry = try EntryCodec.decode(input)
                #expect(EntryCodec.encode(entry) == input, "a non-canonical entry was accepted")
                return true
            } catch is LedgerError { return false }
        }
        #expect(tally.tried > 0)
    }

    @Test func signedNotesCheckpointsAndVerifierKeys() throws {
        let keys = NodeKeys.generate(name: "fuzz.node/ledger")
        let signer = try LedgerSigner(name: keys.name, key: keys.signingKey)
        let verifier = signer.verifierKey
        let checkpoint = Checkpoint(origin: keys.name, treeSize: 12_345, root: SHA256.hash([1, 2, 3]))
        let note = try checkpoint.sign(name: keys.name, key: keys.signingKey)
        let cosigned = try note.adding(name: "witness.example/w1", key: NodeKeys.generate(name: "w").signingKey)
        let noteSeeds = try Self.seeds("note", [Array(note.serialized.utf8), Array(cosigned.serialized.utf8)])

        _ = try Self.fuzz("note", seeds: noteSeeds, quick: 3000) { input in
            let text = Self.text(input)
            let parsed: SignedNote
            do { parsed = try SignedNote(parsing: text) } catch is LedgerError { return false }
            #expect(try SignedNote(parsing: parsed.serialized) == parsed, "a parsed note does not round-trip")
            do {
                let (opened, _) = try Checkpoint.open(text, keys: [verifier], origin: keys.name)
                // Accepted only with the very same signed body (other keys' lines are ignored by design).
                #expect(opened == checkpoint && parsed.text == note.text, "a mutated checkpoint verified")
                return true
            } catch is LedgerError { return false }
        }
        _ = try Self.fuzz("checkpoint-body", seeds: try Self.seeds("checkpoint-body", [Array(checkpoint.body.utf8)]), quick: 3000) { input in
            do {
                let parsed = try Checkpoint(parsing: Self.text(input))
                #expect(Array(parsed.body.utf8) == Array(Self.text(input).utf8), "a non-canonical checkpoint body was accepted")
                return true
            } catch is LedgerError { return false }
        }
        _ = try Self.fuzz("verifier-key", seeds: try Self.seeds("verifier-key", [Array(verifier.description.utf8)]), quick: 3000) { input in
            do {
                let text = Self.text(input)
                let key = try NoteVerifierKey(parsing: text)
                // The hex key id may be upper case, as Go's note.NewVerifier (strconv.ParseUint) also accepts:
                // the same id and key. Anything else must be the canonical string.
                var parts = text.split(separator: "+", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
                if parts.count == 3 { parts[1] = parts[1].lowercased() }
                #expect(key.description == parts.joined(separator: "+"), "a non-canonical verifier key was accepted")
                return true
            } catch is LedgerError { return false }
        }
    }

    // MARK: proofs

    struct ProofSeed {
        let statement: Statement
        let context: ProofContext
        let proof: Proof
    }

    static func proofSeeds() throws -> [ProofSeed] {
        let context = try ProofContext(
            requester: "bank-1", nonce: Array(0..<32), expiry: 1_800_000_000, predicate: "fuzz", purpose: "fuzz", fields: "{}", ledgerIndex: 7,
            checkpointHash: SHA256.hash(Array("checkpoint".utf8)))
        let shapes: [([Scalar], [Clause])] = [
            ([Scalar(42)], [Clause(commitment: 0, predicate: .knowsOpening)]),
            ([Scalar(7)], [Clause(commitment: 0, predicate: .equals(Scalar(7)))]),
            ([Scalar(9), Scalar(9)], [Clause(commitment: 0, predicate: .equalsCommitment(1))]),
            ([Scalar(5)], [Clause(commitment: 0, predicate: .member(of: [Scalar(3), Scalar(5), Scalar(9)]))]),
            ([Scalar(12)], [Clause(commitment: 0, predicate: .atLeast(Scalar(10), bits: 4))]),
            ([Scalar(8)], [Clause(commitment: 0, predicate: .atMost(Scalar(10), bits: 4))]),
            ([Scalar(12)], [Clause(commitment: 0, predicate: .between(Scalar(10), Scalar(15), bits: 3))]),
            ([Scalar(1), Scalar(12)], [
                Clause(commitment: 0, predicate: .knowsOpening), Clause(commitment: 1, predicate: .atLeast(Scalar(10), bits: 2)),
                Clause(commitment: 0, predicate: .member(of: [Scalar(1), Scalar(2)])),
            ]),
        ]
        return try shapes.map { values, clauses in
            let made = values.map { Commitment.commit(to: $0) }
            let statement = try Statement(commitments: made.map(\.commitment), clauses: clauses)
            return ProofSeed(statement: statement, context: context, proof: try Prover.prove(statement, openings: made.map(\.opening), context: context))
        }
    }

    /// Mutated proofs of every type against their own statement and context: none verifies.
    @Test func proofsNeverAcceptAMutation() throws {
        let made = try Self.proofSeeds()
        for (i, seed) in made.enumerated() {
            try Verifier.verify(seed.proof, for: seed.statement, context: seed.context)
            let corpus = try Self.seeds("proof-\(i)", [seed.proof.encoded])
            // 10^5 in soak over all proof types together.
            _ = try Self.fuzz("proof-\(i) (type \(seed.proof.type))", seeds: corpus, quick: 400, share: made.count) { input in
                do {
                    try Verifier.verify(input, for: seed.statement, context: seed.context, now: 0)
                    Issue.record("a mutated proof verified: \(Hex.encode(input))")
                    return true
                } catch { return false }  // ProofError by the typed throws of `verify`
            }
        }
    }

    @Test func statementsAndContextsDecodeOnlyCanonically() throws {
        let made = try Self.proofSeeds()
        _ = try Self.fuzz("statement", seeds: try Self.seeds("statement", made.map(\.statement.encoded)), quick: 3000) { input in
            do {
                let s = try Statement(decoding: input)
                #expect(s.encoded == input, "a non-canonical statement was accepted")
                return true
            } catch { return false }
        }
        _ = try Self.fuzz("proof-context", seeds: try Self.seeds("proof-context", [made[0].context.encoded]), quick: 3000) { input in
            do {
                let c = try ProofContext(decoding: input)
                #expect(c.encoded == input, "a non-canonical context was accepted")
                return true
            } catch { return false }
        }
    }

    // MARK: bundles

    struct BundleSeed {
        let fixture: VaultFixture
        let bundle: AttestationBundle
        let json: [UInt8]
        let verifier: BundleVerifier
        static let now: UInt64 = 1_795_000_000
    }

    static func bundleSeed() async throws -> BundleSeed {
        let f = try await VaultFixture()
        try await f.vault.installPolicy(try Policy.parse(Data(AttestationTests.policyJSON.utf8)), by: f.officer)
        let id = try await f.vault.createRecord(type: "citizen", nationalID: "38001010000", input: f.input("38001010000", born: "2000-01-01", income: 25_000), by: f.officer).recordID
        let request = AttestationRequest(
            recordID: id, predicates: [PredicateSpec(field: "birth_date", age_at_least: 18), PredicateSpec(field: "income", below: 30_000)],
            requester: "bank-1", nonce: Array(repeating: 7, count: 32), expiry: BundleSeed.now + 600, purpose: "loan")
        let made = try await f.vault.attestUnderPolicy(request, by: Caller(id: "bank-1", role: .requester))
        let verifier = BundleVerifier(ledgerKey: try NoteVerifierKey(name: f.keys.name, publicKey: f.keys.signingKey.publicKey))
        _ = try verifier.verify(made.bundle, now: BundleSeed.now, expecting: .noReplayCheck())
        return BundleSeed(fixture: f, bundle: made.bundle, json: [UInt8](try made.bundle.encoded()), verifier: verifier)
    }

    /// The bytes a bundle's fields stand for, so an accepted mutation can be compared with the seed by meaning
    /// (JSON whitespace or key order changes nothing).
    static func meaning(_ b: AttestationBundle) -> [String] {
        [b.record_type, (b.field_types ?? [:]).sorted { $0.key < $1.key }.description,
         (b.fields ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value.type),\(String(describing: $0.value.minimum)),\(String(describing: $0.value.maximum))" }.description,
         b.purpose ?? "-", b.predicate, b.requester, "\(Base64.decode(b.nonce) ?? [])",
         "\(b.expiry)", "\(b.ledger_index)", "\(Base64.decode(b.entry) ?? [])", "\(b.inclusion.tree_size)", "\(b.inclusion.leaf_index)",
         b.inclusion.hashes.map { "\(Base64.decode($0) ?? [])" }.joined(), b.checkpoint, "\(Base64.decode(b.statement) ?? [])",
         "\(Base64.decode(b.proof) ?? [])", "\(b.version)"]
    }

    /// 10^5 in soak: raw JSON mutations and field-level mutations (bytes of the proof, statement, entry, nonce,
    /// inclusion hashes and checkpoint, re-encoded): no mutated bundle verifies unless it means the same thing.
    @Test func bundlesNeverAcceptAMutation() async throws {
        let seed = try await Self.bundleSeed()
        defer { seed.fixture.cleanUp() }
        let original = Self.meaning(seed.bundle)
        var fieldMutator = Mutator(seeds: [[0]], seed: Mutator.seed ^ 0xB0B)
        _ = try Self.fuzz("bundle", seeds: try Self.seeds("bundle", [seed.json]), quick: 1500) { input in
            var bundle: AttestationBundle
            do { bundle = try AttestationBundle.decode(Data(input)) } catch is BundleVerifier.Failure { return false }
            // Every other bundle: leave the JSON, mutate one field's bytes instead.
            if fieldMutator.int(0..<2) == 0 { Self.mutateField(&bundle, with: &fieldMutator) }
            do {
                _ = try seed.verifier.verify(bundle, now: BundleSeed.now, expecting: .noReplayCheck())
                #expect(Self.meaning(bundle) == original, "a mutated bundle verified: \(String(decoding: (try? bundle.encoded()) ?? Data(), as: UTF8.self))")
                return true
            } catch is BundleVerifier.Failure { return false }
        }
    }

    static func mutateField(_ b: inout AttestationBundle, with m: inout Mutator) {
        func bytes(_ text: String) -> [UInt8] { Base64.decode(text) ?? Array(text.utf8) }
        func mutated(_ x: [UInt8]) -> [UInt8] {
            var local = Mutator(seeds: [x], seed: m.rng.next())
            return local.next()
        }
        switch m.int(0..<9) {
        case 0: b.proof = Base64.encode(mutated(bytes(b.proof)))
        case 1: b.statement = Base64.encode(mutated(bytes(b.statement)))
        case 2: b.entry = Base64.encode(mutated(bytes(b.entry)))
        case 3: b.nonce = Base64.encode(mutated(bytes(b.nonce)))
        case 4:
            guard !b.inclusion.hashes.isEmpty else { b.inclusion.hashes = [Base64.encode(m.bytes(32))]; return }
            let i = m.int(0..<b.inclusion.hashes.count)
            b.inclusion.hashes[i] = Base64.encode(mutated(bytes(b.inclusion.hashes[i])))
        case 5: b.checkpoint = String(decoding: mutated(Array(b.checkpoint.utf8)), as: UTF8.self)
        case 6: b.predicate = String(decoding: mutated(Array(b.predicate.utf8)), as: UTF8.self)
        case 7:
            b.expiry = b.expiry &+ UInt64(m.int(1..<1_000_000))
        default:
            b.ledger_index = UInt64(m.int(0..<8))
            b.inclusion.leaf_index = b.ledger_index
        }
    }

    // MARK: crypto

    @Test func envelopesAndKeyFiles() throws {
        let key = SecureBytes.random(count: Envelope.keyByteCount)
        let aad = Array("civicvault/fuzz/aad".utf8)
        let envelopes = try [Array("Mari Maasikas".utf8), [], Array(repeating: 0x55, count: 300)].map { try Envelope.seal($0, key: key, associatedData: aad) }
        _ = try Self.fuzz("envelope", seeds: try Self.seeds("envelope", envelopes), quick: 4000) { input in
            do {
                _ = try Envelope.open(input, key: key, associatedData: aad)
                Issue.record("a mutated envelope opened")
                return true
            } catch is CryptoError { return false }
        }

        let keys = NodeKeys.generate(name: "fuzz.node/keys")
        let cheap = Argon2idParameters(opsLimit: 1, memLimit: 8192)
        let passphrase = SecureBytes(copying: Array("correct horse".utf8))
        let file = try KeyFile.seal(keys, passphrase: passphrase, protection: .passphrase, parameters: cheap)
        let dev = try KeyFile.seal(keys, passphrase: nil, protection: .devNoPassphrase, parameters: cheap)
        let keyFiles = try Self.seeds("key-file", [file, dev])
        _ = try Self.fuzz("key-file", seeds: keyFiles, quick: 600) { input in
            var input = input
            // Argon2id's cost parameters sit at bytes 8..<20: keep mutated ones cheap (<= 4 passes, <= 1 MiB) so
            // the run measures parsing, not hashing; a larger value is parsed, then the seed's value is restored.
            if input.count >= 20 {
                let ops = input[8..<12].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
                let mem = input[12..<20].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
                if ops > 4 || mem > 1 << 20 { input.replaceSubrange(8..<20, with: file[8..<20]) }
            }
            // A clamped mutation can restore a seed exactly (committed seeds are valid files too): not a mutation.
            guard !keyFiles.contains(input) else { return false }
            do {
                _ = try KeyFile.open(input, passphrase: passphrase)
                Issue.record("a mutated key file opened")
                return true
            } catch is KeyFile.Failure { return false } catch is CryptoError { return false }
        }
    }

    // MARK: policy and schema

    @Test func policiesAndSchemas() throws {
        let policyFile = try Data(contentsOf: Self.repo.appendingPathComponent("Keys/policy.example.json"))
        _ = try Self.fuzz("policy", seeds: try Self.seeds("policy", [[UInt8](policyFile), Array(AttestationTests.policyJSON.utf8)]), quick: 3000) { input in
            do {
                let policy = try Policy.parse(Data(input))
                _ = policy.hash
                _ = try? policy.evaluate(requester: "bank-1", recordType: "citizen", predicates: [PredicateSpec(field: "income", below: 1)], purpose: "loan", today: "2026-12-01")
                return true
            } catch is VaultError { return false }
        }
        let schemaFile = try Data(contentsOf: Self.repo.appendingPathComponent("schemas/citizen.json"))
        let tiers = try TierLevels(names: ["public", "internal", "confidential", "restricted"])
        _ = try Self.fuzz("schema", seeds: try Self.seeds("schema", [[UInt8](schemaFile), Array(VaultFixture.citizenSchema.utf8)]), quick: 3000) { input in
            do {
                let schema = try RecordSchema.parse(json: Data(input), tiers: tiers)
                _ = try? schema.validate(["national_id": .string("1"), "income": .integer(-1), "birth_date": .string("0000-02-29")])
                return true
            } catch is VaultError { return false }
        }
    }
}
