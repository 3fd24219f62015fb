import Foundation
import Testing
import VaultCrypto
import VaultLedger
import VaultTestSupport
@testable import VaultCore
@testable import VaultProofs

/// `Tests/VaultCoreTests/Vectors/bundles.json` (docs/format/bundle.md): honest version 1 and version 2 bundles of
/// every predicate kind with what they prove, and malformed ones with the check each must fail. The file
/// regenerates byte for byte from `BundleFactory` (CIVICVAULT_WRITE_VECTORS=1 writes it).
@Suite struct BundleVectorTests {
    struct Vectors: Codable, Equatable {
        let description: String
        let verifier_key: String
        let now: UInt64
        let valid: [Valid]
        let invalid: [Invalid]
    }

    struct Valid: Codable, Equatable {
        let name: String
        let bundle: String
        let requester: String
        let nonce: String
        let record: String
        let record_version: UInt64
        let record_type: String
        let purpose: String?
        let claims: [String]
        let on: [String]
        let expiry: UInt64
    }

    /// A bundle that fails `check` when verified at `now` (else the file's) expecting `requester` and `nonce`
    /// (base64) and, when given, `record`.
    struct Invalid: Codable, Equatable {
        let name: String
        let bundle: String
        let now: UInt64?
        let requester: String
        let nonce: String
        let record: String?
        let check: String
    }

    static func text(_ b: AttestationBundle) throws -> String { String(decoding: try b.encoded(), as: UTF8.self) }

    /// `text` with `old` replaced once (it must occur).
    static func replacing(_ text: String, _ old: String, _ new: String) -> String {
        guard let r = text.range(of: old) else { fatalError("\(old) not in the bundle") }
        return text.replacingCharacters(in: r, with: new)
    }

    static func generate() throws -> Vectors {
        let factory = try BundleFactory()
        let honest = try factory.honest()
        var valid: [Valid] = []
        for (name, bundle) in honest {
            let v = try factory.verifier.verify(bundle, now: BundleFactory.now, expecting: .replay(requester: "bank-1", nonce: Base64.decode(bundle.nonce)!))
            valid.append(Valid(
                name: name, bundle: try text(bundle), requester: "bank-1", nonce: bundle.nonce, record: v.recordID, record_version: v.recordVersion,
                record_type: v.recordType, purpose: v.purpose, claims: v.claims, on: v.dates, expiry: v.expiry))
        }
        let base = honest.first { $0.name == "v2-age-district" }!.bundle
        let t = try text(base)
        func bad(_ name: String, _ body: String, check: String, now: UInt64? = nil, record: String? = nil, requester: String = "bank-1",
                 nonce: [UInt8] = Array(0..<32)) -> Invalid {
            Invalid(name: name, bundle: body, now: now, requester: requester, nonce: Base64.encode(nonce), record: record, check: check)
        }
        let values: [String: (AttestedField, Scalar)] = [
            "birth_date": (BundleFactory.birth, AttributeEncoding.date(try CivilDate(year: 1990, month: 3, day: 14))),
            "district": (BundleFactory.district, AttributeEncoding.enumeration("harbour", type: "district")),
        ]
        let specs = [PredicateSpec(field: "birth_date", age_at_least: 18, on: "2026-12-01"), PredicateSpec(field: "district", equals: "harbour")]
        let notARecord = try factory.make("v2-age-district", version: 2, specs: specs, values: values, pointAt: 0)
        let noCommitment = try factory.make("v2-age-district", version: 2, specs: specs, values: values, omitCommitment: "district")
        var badSignature = base
        badSignature.checkpoint = badSignature.checkpoint.replacingOccurrences(of: "\n\n— ", with: "\n\n— x")
        var otherIndex = base
        otherIndex.ledger_index = 3
        otherIndex.inclusion.leaf_index = 3
        var emptyRequester = base
        emptyRequester.requester = ""
        var purpose = base
        purpose.purpose = "tenancy"
        var extraField = base
        extraField.fields!["birth_date_again"] = .init(BundleFactory.birth)
        var missingField = base
        missingField.fields!["district"] = nil
        var retyped = base
        retyped.fields!["district"] = .init(AttestedField(type: "string"))
        var ranged = base
        ranged.fields!["district"] = .init(AttestedField(type: "enum", minimum: 0, maximum: 1))
        var spaced = base
        spaced.predicate = spaced.predicate.replacingOccurrences(of: ",", with: ", ")
        var bigExpiry = base
        bigExpiry.expiry = BundleFactory.now + 31 * 86_400
        let v1 = try text(honest.first { $0.name == "v1-range" }!.bundle)
        let invalid: [Invalid] = [
            bad("duplicate-requester", replacing(t, "{\n", "{\n  \"requester\" : \"bank-2\",\n"), check: "format"),
            bad("duplicate-predicate", replacing(t, "{\n", "{\n  \"predicate\" : \"[{\\\"age_at_least\\\":65,\\\"field\\\":\\\"birth_date\\\",\\\"on\\\":\\\"2026-12-01\\\"}]\",\n"), check: "format"),
            bad("duplicate-expiry", replacing(t, "{\n", "{\n  \"expiry\" : 1796169600,\n"), check: "format"),
            bad("unknown-member", replacing(t, "{\n", "{\n  \"note\" : \"ignore me\",\n"), check: "format"),
            bad("unknown-inclusion-member", replacing(t, "\"inclusion\" : {\n", "\"inclusion\" : {\n    \"root\" : \"\",\n"), check: "format"),
            bad("unknown-field-member", replacing(t, "\"district\" : {\n", "\"district\" : {\n      \"values\" : [],\n"), check: "format"),
            bad("version-as-real", replacing(t, "\"version\" : 2", "\"version\" : 2.0"), check: "format"),
            bad("version-3", replacing(t, "\"version\" : 2", "\"version\" : 3"), check: "version"),
            bad("expiry-with-exponent", replacing(t, "\"expiry\" : \(base.expiry)", "\"expiry\" : 1.7961696e9"), check: "format"),
            bad("ledger-index-as-string", replacing(t, "\"ledger_index\" : 2", "\"ledger_index\" : \"2\""), check: "format"),
            bad("expiry-beyond-2^53", replacing(t, "\"expiry\" : \(base.expiry)", "\"expiry\" : 9007199254740993"), check: "format"),
            bad("ledger-index-leading-zero", replacing(t, "\"ledger_index\" : 2", "\"ledger_index\" : 02"), check: "format"),
            bad("missing-purpose", replacing(t, "\"purpose\" : \"loan-application\",\n", ""), check: "format"),
            bad("v2-with-field-types", replacing(t, "{\n", "{\n  \"field_types\" : {\"birth_date\" : \"date\"},\n"), check: "format"),
            bad("v1-with-purpose", replacing(v1, "{\n", "{\n  \"purpose\" : \"loan-application\",\n"), check: "format"),
            bad("non-canonical-base64", replacing(t, "\"nonce\" : \"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\"", "\"nonce\" : \"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh9=\""), check: "format"),
            bad("field-not-in-predicate", try text(extraField), check: "fields"),
            bad("predicate-field-not-declared", try text(missingField), check: "fields"),
            bad("enum-with-range", try text(ranged), check: "fields"),
            bad("enum-retyped-string", try text(retyped), check: "statement"),
            bad("predicate-not-canonical", try text(spaced), check: "predicate"),
            bad("purpose-changed", try text(purpose), check: "proof"),
            bad("expiry-too-far", try text(bigExpiry), check: "expiry"),
            bad("expired", t, check: "expiry", now: base.expiry + 1),
            bad("other-record", t, check: "record", record: "r-ffeeddccbbaa99887766554433221100"),
            bad("other-requester", t, check: "requester", requester: "bank-2"),
            bad("other-nonce", t, check: "nonce", nonce: Array(repeating: 9, count: 32)),
            bad("empty-requester", try text(emptyRequester), check: "format"),
            bad("short-nonce", replacing(t, "\"nonce\" : \"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\"", "\"nonce\" : \"AAECAwQFBgc=\""), check: "format"),
            bad("nfd-duplicate-field", replacing(t, "\"fields\" : {\n", "\"fields\" : {\n    \"caf\\u00e9\" : {\"type\" : \"date\"},\n    \"cafe\\u0301\" : {\"type\" : \"date\"},\n"), check: "format"),
            bad("nfd-duplicate-field-types", replacing(v1, "\"field_types\" : {\n", "\"field_types\" : {\n    \"caf\\u00e9\" : \"date\",\n    \"cafe\\u0301\" : \"date\",\n"), check: "format"),
            bad("checkpoint-not-signed", try text(badSignature), check: "checkpoint-signature"),
            bad("inclusion-other-index", try text(otherIndex), check: "inclusion"),
            bad("entry-not-a-record", try text(notARecord), check: "entry"),
            bad("entry-without-commitment", try text(noCommitment), check: "commitments"),
        ]
        return Vectors(
            description: "Attestation bundles (docs/format/bundle.md): verify each `valid` bundle at `now` with the key, requester and nonce given (it proves what is listed); each `invalid` one fails the named check when verified expecting its requester and nonce (base64), at its own `now` when given, insisting on `record` when given.",
            verifier_key: factory.signer.verifierKey.description, now: BundleFactory.now, valid: valid, invalid: invalid)
    }

    @Test func vectorsRegenerateAndEachCaseIsWhatItSays() async throws {
        let fresh = try Self.generate()
        if ProcessInfo.processInfo.environment["CIVICVAULT_WRITE_VECTORS"] == "1" {
            let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Vectors")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            try (encoder.encode(fresh) + Data("\n".utf8)).write(to: dir.appendingPathComponent("bundles.json"))
        }
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Vectors/bundles.json")
        let committed = try JSONDecoder().decode(Vectors.self, from: Data(contentsOf: file))
        #expect(committed == fresh)
        let verifier = BundleVerifier(ledgerKey: try NoteVerifierKey(parsing: committed.verifier_key))
        for v in committed.valid {
            let got = try verifier.verify(
                try AttestationBundle.decode(Data(v.bundle.utf8)), now: committed.now,
                expecting: .replay(requester: v.requester, nonce: Base64.decode(v.nonce)!, record: v.record))
            #expect(got.recordID == v.record && got.recordVersion == v.record_version && got.recordType == v.record_type, "\(v.name)")
            #expect(got.purpose == v.purpose && got.claims == v.claims && got.dates == v.on && got.expiry == v.expiry, "\(v.name)")
            #expect(got.bundleVersion == (v.name.hasPrefix("v1") ? 1 : 2))
        }
        for bad in committed.invalid {
            await #expect(throws: BundleVerifier.Failure.self, "\(bad.name)") {
                _ = try await verifier.verify(
                    try await AttestationBundle.decode(Data(bad.bundle.utf8)), now: bad.now ?? committed.now,
                    expecting: .replay(requester: bad.requester, nonce: Base64.decode(bad.nonce)!, record: bad.record))
            }
            do {
                _ = try verifier.verify(
                    try AttestationBundle.decode(Data(bad.bundle.utf8)), now: bad.now ?? committed.now,
                    expecting: .replay(requester: bad.requester, nonce: Base64.decode(bad.nonce)!, record: bad.record))
            } catch {
                #expect(error.check == bad.check, "\(bad.name): \(error)")
            }
        }
    }

    /// What each honest vector claims, in words: the spec's statement rules made visible.
    @Test func claimsInWords() throws {
        let words = try Self.generate().valid.reduce(into: [String: [String]]()) { $0[$1.name] = $1.claims }
        #expect(words["v2-age-district"] == ["birth_date: at least 18 years old on 2026-12-01", "district: equals harbour"])
        #expect(words["v2-signed-below"] == ["balance: below -100"])
        #expect(words["v1-age-district"] == ["birth_date: at least 18 years old on 2026-12-01", "district: one of north, harbour"])
    }

    /// Version 2 proves integer claims over the declared range with exactly the bits it needs: `at_least` on a
    /// value 2^32 above the threshold proves (version 1's 32 bits refused it), and `below` on a signed field says
    /// v <= L-1 for every 64-bit value.
    @Test func integerClausesUseTheDeclaredRange() async throws {
        let honest = try BundleFactory().honest()
        func clause(_ name: String) throws -> AttributePredicate {
            try Statement(decoding: Base64.decode(honest.first { $0.name == name }!.bundle.statement)!).clauses[0].predicate
        }
        let M: Int64 = 1_000_000_000_000
        #expect(try clause("v2-at-least-beyond-32-bits") == .atLeast(AttributeEncoding.integer(4_294_968_296), bits: AttributePredicate.bitLength(UInt64(M - 4_294_968_296))))
        #expect(try clause("v2-signed-below") == .atMost(AttributeEncoding.signedInteger(-101), bits: AttributePredicate.bitLength(UInt64(-101 + 9_007_199_254_740_991))))
        #expect(try clause("v2-at-most") == .atMost(AttributeEncoding.integer(6_000_000_000), bits: AttributePredicate.bitLength(6_000_000_000)))
        // Version 1 rules for the same claim: 32 bits, so a value 2^32 above the threshold cannot be proven.
        let spec = PredicateSpec(field: "income", at_least: 4_294_968_296)
        #expect(try spec.predicate(field: AttestedField(type: "integer"), rules: .v1) == .atLeast(AttributeEncoding.integer(4_294_968_296), bits: 32))
        // Thresholds outside the declared range are refused rather than proven vacuously or wrongly.
        await #expect(throws: VaultError.self) { try await PredicateSpec(field: "income", below: 0).predicate(field: BundleFactory.income, rules: .v2) }
        await #expect(throws: VaultError.self) { try await PredicateSpec(field: "balance", below: .min).predicate(field: BundleFactory.balance, rules: .v2) }
        await #expect(throws: VaultError.self) { try await PredicateSpec(field: "balance", at_least: 9_007_199_254_740_992).predicate(field: BundleFactory.balance, rules: .v2) }
        await #expect(throws: VaultError.self) { try await PredicateSpec(field: "income", at_least: M + 1).predicate(field: BundleFactory.income, rules: .v2) }
        await #expect(throws: VaultError.self) { try await PredicateSpec(field: "income", at_most: -1).predicate(field: BundleFactory.income, rules: .v2) }
        await #expect(throws: VaultError.self) { try await PredicateSpec(field: "balance", below: -9_007_199_254_740_991).predicate(field: BundleFactory.balance, rules: .v2) }
        // The smallest ranges take one bit, never zero (below 1, at_most 0, at_least a with at_most a).
        #expect(try PredicateSpec(field: "income", below: 1).predicate(field: BundleFactory.income, rules: .v2) == .atMost(AttributeEncoding.integer(0), bits: 1))
        #expect(try PredicateSpec(field: "income", at_most: 0).predicate(field: BundleFactory.income, rules: .v2) == .atMost(AttributeEncoding.integer(0), bits: 1))
        #expect(try PredicateSpec(field: "income", at_least: 5, at_most: 5).predicate(field: BundleFactory.income, rules: .v2)
            == .between(AttributeEncoding.integer(5), AttributeEncoding.integer(5), bits: 1))
    }

    /// Every honest bundle with each JSON member duplicated (with another value), an unknown member added beside
    /// each, and each value retyped: 0 accepted.
    @Test func duplicatedAddedAndRetypedMembersAreNeverAccepted() throws {
        let factory = try BundleFactory()
        var tried = 0, accepted = 0
        for (_, bundle) in try factory.honest() {
            let json = try StrictJSON.parse(Array(try bundle.encoded()))
            for variant in Self.memberVariants(json) {
                tried += 1
                let text = Self.serialize(variant)
                guard let decoded = try? AttestationBundle.decode(Data(text.utf8)) else { continue }
                if (try? factory.verifier.verify(decoded, now: BundleFactory.now, expecting: .replay(requester: "bank-1", nonce: Array(0..<32)))) != nil {
                    // Only a variant that reads as the very same bundle may verify, and none of these does.
                    accepted += 1
                    let a = try Self.text(decoded), b = try Self.text(bundle)
                    let diff = zip(a.split(separator: "\n"), b.split(separator: "\n")).filter { $0 != $1 }.map { "\($0) <- \($1)" }
                    Issue.record("accepted: \(diff) \(a == b ? "(the same bundle)" : "")")
                }
            }
        }
        #expect(tried > 500)
        #expect(accepted == 0)
    }

    /// For every object member at any depth: the member twice (second value retyped or changed), an unknown member
    /// beside it, and its value replaced by each other JSON type and by other number spellings.
    static func memberVariants(_ json: StrictJSON) -> [StrictJSON] {
        var out: [StrictJSON] = []
        func others(_ v: StrictJSON) -> [StrictJSON] {
            var list: [StrictJSON] = [.null, .bool(true), .number("1"), .string("x"), .array([]), .object([])]
            if case let .number(n) = v { list += [.number(n + ".0"), .number(n + "e0"), .number("0" + n), .number("-" + n), .string(n)] }
            if case let .string(s) = v { list += [.string(s + "A"), .string(String(s.dropLast()))] }
            return list.filter { $0 != v }
        }
        switch json {
        case let .object(members):
            for i in members.indices {
                for other in others(members[i].value) {
                    var dup = members
                    dup.insert((members[i].name, other), at: i + 1)
                    out.append(.object(dup))
                    var retyped = members
                    retyped[i].value = other
                    out.append(.object(retyped))
                }
                var dupSame = members
                dupSame.insert(members[i], at: i)
                out.append(.object(dupSame))
                var added = members
                added.insert(("x_" + members[i].name, members[i].value), at: i)
                out.append(.object(added))
                for inner in memberVariants(members[i].value) {
                    var nested = members
                    nested[i].value = inner
                    out.append(.object(nested))
                }
            }
        case let .array(items):
            for i in items.indices {
                for inner in memberVariants(items[i]) {
                    var nested = items
                    nested[i] = inner
                    out.append(.array(nested))
                }
            }
        default: break
        }
        return out
    }

    /// JSON text of a value, duplicates kept (members in order).
    static func serialize(_ json: StrictJSON) -> String {
        switch json {
        case .null: return "null"
        case let .bool(b): return b ? "true" : "false"
        case let .number(n): return n
        case let .string(s): return CanonicalJSON.string(s)
        case let .array(items): return "[" + items.map(serialize).joined(separator: ",") + "]"
        case let .object(members): return "{" + members.map { CanonicalJSON.string($0.name) + ":" + serialize($0.value) }.joined(separator: ",") + "}"
        }
    }
}
