import Foundation
import Testing
import VaultCrypto
import VaultLedger
import VaultNode
@testable import VaultCore
import VaultTestSupport

/// Policy pins every question's parameters, each (requester, record, field) has a disclosure budget derived from
/// the verified ledger, and every question, whatever its answer, is on the ledger and in the citizen's log.
@Suite struct DisclosureBudgetTests {
    /// A clock the test moves.
    final class Clock: @unchecked Sendable {
        private let lock = NSLock()
        private var ms: UInt64
        init(_ ms: UInt64) { self.ms = ms }
        var now: @Sendable () -> UInt64 { { [self] in lock.withLock { ms } } }
        func advance(days: UInt64) { lock.withLock { ms += days * 86_400_000 } }
    }

    static let start: UInt64 = 1_796_090_400_000  // 2026-12-01 02:00 UTC
    static let bank = Caller(id: "bank-1", role: .requester)

    /// A node on `backend` at a pinned clock in UTC, with the citizen schema, `policy` and one record per `incomes`
    /// and `births` pair.
    struct Node {
        let test: TestStore
        let clock: Clock
        let vault: Vault
        var records: [String] = []

        init(_ backend: StorageBackend, policy: Data, people: [(born: String, income: Int64)]) async throws {
            clock = Clock(DisclosureBudgetTests.start)
            test = try TestStore(backend, keys: .generate(name: "test.node/budget"), clock: clock.now)
            vault = Vault(store: test.store.vault.store, keys: test.keys, clock: clock.now, timeZone: TimeZone(identifier: "UTC")!)
            let officer = Caller.operatorCLI(id: "officer-1")
            try await vault.createStandardTiersIfNeeded(by: officer)
            try await vault.registerSchema(json: Data(VaultFixture.citizenSchema.utf8), by: officer)
            try await vault.installPolicy(try Policy.parse(policy), by: officer)
            for (i, person) in people.enumerated() {
                let id = "3800101000\(i)"
                await records.append(try vault.createRecord(type: "citizen", nationalID: id, input: [
                    "national_id": .string(id), "full_name": .string("Mari Maasikas"), "birth_date": .string(person.born),
                    "district": .string("north"), "income": .integer(person.income),
                ], by: officer).recordID)
            }
        }

        func ask(_ specs: [PredicateSpec], record: Int = 0, on vault: Vault? = nil, purpose: String = "loan-application") async -> String {
            let request = AttestationRequest(
                recordID: records[record], predicates: specs, requester: "bank-1", nonce: RandomBytes.generate(32),
                expiry: DisclosureBudgetTests.start / 1000 + 600, purpose: purpose)
            do {
                _ = try await (vault ?? self.vault).attestUnderPolicy(request, by: DisclosureBudgetTests.bank)
                return "true"
            } catch let error as VaultError {
                switch error {
                case .predicateFalse: return "false"
                case .policyDenied: return "policy_denied"
                case .disclosureBudgetExhausted: return "budget_exhausted"
                default: return "error: \(error)"
                }
            } catch { return "error: \(error)" }
        }

        func entries(_ type: String) throws -> [LedgerEntry] {
            let size = try test.ledger.treeSize()
            return try (0..<size).map { try EntryCodec.decode(try test.ledger.entry(at: $0).bytes) }.filter { $0.type == type }
        }
    }

    static let examplePolicy = try! Data(contentsOf: FuzzDecoderTests.repo.appendingPathComponent("Keys/policy.example.json"))

    /// The curious bank binary-searches the income and walks `on` to find the birth date. Two citizens who agree on
    /// every listed threshold give it exactly the same answers, so it learns nothing beyond them; past the budget
    /// it gets `disclosureBudgetExhausted`; the citizens' logs list every question with its outcome.
    @Test(arguments: StorageBackend.available) func theCuriousBankLearnsOnlyTheListedThresholds(backend: StorageBackend) async throws {
        let node = try await Node(backend, policy: Self.examplePolicy, people: [("1990-05-17", 23_456), ("1961-02-03", 12_001)])
        defer { node.test.cleanUp() }
        func probe(_ record: Int) async -> [String] {
            var answers: [String] = []
            // The listed thresholds first, then a binary search on income.
            await answers.append(node.ask([PredicateSpec(field: "income", below: 30_000)], record: record))
            var (low, high): (Int64, Int64) = (0, 65_536)
            for _ in 0..<16 {
                let mid = (low + high) / 2
                let answer = await node.ask([PredicateSpec(field: "income", below: mid)], record: record)
                answers.append(answer)
                if answer == "true" { high = mid } else { low = mid }
            }
            await answers.append(node.ask([PredicateSpec(field: "income", at_least: 10_000, at_most: 30_000)], record: record))
            // Age: the listed question, then a walk of `on` (age 0 on a date reveals whether born by then).
            await answers.append(node.ask([PredicateSpec(field: "birth_date", age_at_least: 18)], record: record))
            for day in 1...20 {
                await answers.append(node.ask([PredicateSpec(field: "birth_date", age_at_least: 0, on: String(format: "1990-05-%02d", day))], record: record))
            }
            await answers.append(node.ask([PredicateSpec(field: "birth_date", age_at_least: 35)], record: record))
            // The listed question asked again is free and answered again.
            await answers.append(node.ask([PredicateSpec(field: "income", below: 30_000)], record: record))
            return answers
        }
        let first = await probe(0), second = await probe(1)
        #expect(first == second, "two citizens alike on the listed thresholds must look alike to the bank")
        // Income: the listed question, two off-list ones refused by policy, then the budget (3) is spent.
        #expect(Array(first[0...3]) == ["true", "policy_denied", "policy_denied", "budget_exhausted"])
        #expect(Array(first[4...17]).allSatisfy { $0 == "budget_exhausted" })  // the rest of the search and the listed range
        #expect(first[18] == "true")  // age 18 today
        #expect(Array(first[19...20]) == ["policy_denied", "policy_denied"] && Array(first[21...39]).allSatisfy { $0 == "budget_exhausted" })
        #expect(first.last == "true")
        #expect(!first.contains { $0.hasPrefix("error") })

        // Every question is on the ledger and in the citizen's log, with its outcome.
        let log = try await node.vault.accessLog(nationalID: "38001010000").filter { $0.type == "question" }
        #expect(log.map { $0.outcome ?? "?" } == first)
        #expect(log.allSatisfy { $0.requester == "bank-1" && $0.purpose == "loan-application" && $0.record == node.records[0] })
        // No entry carries a value or a threshold the bank tried.
        for entry in try node.entries("question") {
            let text = "\(entry.attributes.filter { !["record", "tag", "predicate_hash", "answer"].contains($0.key) })"
            for secret in ["23456", "12001", "1990-05", "1961", "30000", "32768", "below", "age_at_least"] { #expect(!text.contains(secret)) }
        }
    }

    static let fourThresholds = Data("""
        {"version": 1, "rules": [{"id": "banks", "requesters": ["bank-*"], "record_type": "citizen", "purposes": ["loan-application"],
          "allow": ["income:below:26000", "income:below:27000", "income:below:28000", "income:below:29000", "income:below:30000",
                    "income:below:31000", "income:below:32000", "income:below:33000", "income:below:20000"],
          "budget": {"questions": 3, "days": 30}}]}
        """.utf8)

    /// The budget is read from the verified ledger: a restarted node (SQLite) or a second node (PostgreSQL) over
    /// the same database sees the questions already asked; a repeated question is free; the period slides.
    @Test(arguments: StorageBackend.available) func theBudgetSurvivesARestartAndASecondNode(backend: StorageBackend) async throws {
        let node = try await Node(backend, policy: Self.fourThresholds, people: [("1990-05-17", 25_000)])
        defer { node.test.cleanUp() }
        await #expect(node.ask([PredicateSpec(field: "income", below: 26_000)]) == "true")
        await #expect(node.ask([PredicateSpec(field: "income", below: 20_000)]) == "false")
        await #expect(node.ask([PredicateSpec(field: "income", below: 25_001)]) == "policy_denied")
        let other = Vault(store: try node.test.reopened(clock: node.clock.now).vault.store, keys: node.test.keys, clock: node.clock.now,
                          timeZone: TimeZone(identifier: "UTC")!)
        await #expect(node.ask([PredicateSpec(field: "income", below: 27_000)], on: other) == "budget_exhausted")
        await #expect(node.ask([PredicateSpec(field: "income", below: 28_000)]) == "budget_exhausted")
        await #expect(node.ask([PredicateSpec(field: "income", below: 26_000)], on: other) == "true")  // asked before: free
        await #expect(node.ask([PredicateSpec(field: "income", below: 20_000)], on: other) == "false")
        node.clock.advance(days: 29)
        await #expect(node.ask([PredicateSpec(field: "income", below: 29_000)], on: other) == "budget_exhausted")
        node.clock.advance(days: 2)  // the first three questions are now more than 30 days old
        await #expect(node.ask([PredicateSpec(field: "income", below: 29_000)], on: other) == "true")
        let counted = try node.entries("question").filter { node.vault.answer(of: $0)?.outcome != .budgetExhausted }.count
        #expect(counted == 6)
    }

    /// N+5 distinct questions at once, over two nodes of one database: exactly N are answered and counted, the
    /// other five are refused as budget exhausted, and all are recorded.
    @Test(arguments: StorageBackend.available) func concurrentQuestionsCannotOverrunTheBudget(backend: StorageBackend) async throws {
        let node = try await Node(backend, policy: Self.fourThresholds, people: [("1990-05-17", 25_000)])
        defer { node.test.cleanUp() }
        // PostgreSQL: two nodes over one database; SQLite: one node's concurrent transactions.
        let other = backend == .postgres
            ? Vault(store: try node.test.reopened(clock: node.clock.now).vault.store, keys: node.test.keys, clock: node.clock.now, timeZone: TimeZone(identifier: "UTC")!)
            : node.vault
        let thresholds: [Int64] = [26_000, 27_000, 28_000, 29_000, 30_000, 31_000, 32_000, 33_000]  // N + 5 = 8
        let answers = Answers()
        await withTaskGroup(of: Void.self) { group in
            for i in thresholds.indices {
                group.addTask { answers.add(await node.ask([PredicateSpec(field: "income", below: thresholds[i])], on: i % 2 == 0 ? node.vault : other)) }
            }
        }
        #expect(answers.sorted == ["budget_exhausted", "budget_exhausted", "budget_exhausted", "budget_exhausted", "budget_exhausted", "true", "true", "true"])
        let outcomes = try node.entries("question").compactMap { node.vault.answer(of: $0)?.outcome.name }.sorted()
        #expect(outcomes == Array(repeating: "budget_exhausted", count: 5) + ["true", "true", "true"])
    }

    final class Answers: @unchecked Sendable {
        private let lock = NSLock()
        private var all: [String] = []
        func add(_ a: String) { lock.withLock { all.append(a) } }
        var sorted: [String] { lock.withLock { all.sorted() } }
    }

    /// The `attested` entry names its question by a keyed hash: not the SHA-256 of the predicate anyone can compute.
    @Test func predicateHashesAreKeyed() async throws {
        let node = try await Node(.sqlite, policy: Self.examplePolicy, people: [("1990-05-17", 23_456)])
        defer { node.test.cleanUp() }
        await #expect(node.ask([PredicateSpec(field: "birth_date", age_at_least: 18)]) == "true")
        let entry = try #require(try node.entries("question").first)
        let predicate = try PredicateSpec.canonical([PredicateSpec(field: "birth_date", age_at_least: 18, on: "2026-12-01")])
        #expect(entry.attributes["predicate_hash"] == .bytes(node.vault.predicateHash(recordID: node.records[0], predicate: predicate)))
        #expect(entry.attributes["predicate_hash"] != .bytes(SHA256.hash(Array(predicate.utf8))))
        #expect(entry.attributes["fields"] == nil && node.vault.answer(of: entry)?.fields == ["birth_date"])
    }

    /// Policy allow entries must pin their parameters; anything else is refused by name.
    @Test func policiesPinParameters() async throws {
        func rule(_ allow: String, _ extra: String = "") -> Data {
            Data(#"{"version":1,"rules":[{"id":"r","requesters":["a"],"record_type":"t","allow":[\#(allow)],"purposes":["p"]\#(extra)}]}"#.utf8)
        }
        await #expect(throws: VaultError.self) { try await Policy.parse(rule(#""income:below""#)) }
        do { _ = try Policy.parse(rule(#""income:below""#)) } catch let VaultError.invalidSchema(why) {
            #expect(why.contains("income:below") && why.contains("names no parameters"))
        }
        for bad in ["income:below:-1", "income:below:0", "income:below:1.5", "income:below:030", "income:range:5:1", "income:range::",
                    "district:in:a||b", "district:in:a|a", "x:between:1", "birth_date:age_at_least:200", ":below:3", "income"] {
            await #expect(throws: VaultError.self, "\(bad)") { try await Policy.parse(rule("\"\(bad)\"")) }
        }
        await #expect(throws: VaultError.invalidSchema(#"policy: malformed JSON: unknown member "consnet" in rules[0]"#)) { try await Policy.parse(rule(#""x:equals:v""#, #","consnet":true"#)) }
        // One reading only: a member twice, a top-level member nobody reads, a real where an integer goes.
        for bad in [#"{"version":1,"version":2,"rules":[]}"#, #"{"version":1,"rules":[],"owner":"x"}"#, #"{"version":1.0,"rules":[]}"#,
                    #"{"version":1,"rules":[{"id":"r","id":"s","requesters":["a"],"record_type":"t","allow":["x:equals:v"],"purposes":["p"]}]}"#,
                    #"{"version":1,"rules":[{"id":"r","requesters":["a"],"record_type":"t","allow":["x:equals:v"],"purposes":["p"],"consent":true,"consent_hours":72.0}]}"#,
                    #"{"version":1,"rules":[{"id":"r","requesters":["a"],"record_type":"t","allow":["X-Y:equals:v"],"purposes":["p"]}]}"#] {
            await #expect(throws: VaultError.self, "\(bad)") { try await Policy.parse(Data(bad.utf8)) }
        }
        for bad in [#"{"questions":0,"days":30}"#, #"{"questions":3}"#, #"{"questions":3,"days":30,"x":1}"#, #"{"questions":2.5,"days":30}"#] {
            await #expect(throws: VaultError.self, "\(bad)") { try await Policy.parse(rule(#""x:equals:v""#, #","budget":\#(bad)"#)) }
        }
        let policy = try Policy.parse(rule(#""x:equals:v","d:in:n|h","i:range:1:9","i:range:5:","b:age_at_least:18""#, #","budget":{"questions":5,"days":7}"#))
        func allowed(_ spec: PredicateSpec) -> Bool {
            (try? policy.evaluate(requester: "a", recordType: "t", predicates: [spec], purpose: "p", today: "2026-12-01")) != nil
        }
        #expect(allowed(PredicateSpec(field: "x", equals: "v")) && !allowed(PredicateSpec(field: "x", equals: "w")))
        #expect(allowed(PredicateSpec(field: "d", in: ["h", "n"])) && !allowed(PredicateSpec(field: "d", in: ["n"])) && !allowed(PredicateSpec(field: "d", in: ["n", "h", "n"])))
        #expect(allowed(PredicateSpec(field: "i", at_least: 1, at_most: 9)) && !allowed(PredicateSpec(field: "i", at_least: 1, at_most: 8)))
        #expect(allowed(PredicateSpec(field: "i", at_least: 5)) && !allowed(PredicateSpec(field: "i", at_least: 5, at_most: 9)))
        #expect(allowed(PredicateSpec(field: "b", age_at_least: 18)) && allowed(PredicateSpec(field: "b", age_at_least: 18, on: "2026-12-01")))
        #expect(!allowed(PredicateSpec(field: "b", age_at_least: 18, on: "2026-12-02")) && !allowed(PredicateSpec(field: "b", age_at_least: 17)))
        #expect(try policy.evaluate(requester: "a", recordType: "t", predicates: [PredicateSpec(field: "x", equals: "v")], purpose: "p", today: "2026-12-01").budget
            == Policy.Budget(questions: 5, days: 7))
        await #expect(throws: Never.self) { try await Policy.parse(Self.examplePolicy) }
    }
}
