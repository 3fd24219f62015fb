import Foundation
import VaultCore

/// A scenario under `scenarios/<name>/`: its record schemas (`schemas/*.json`), its policy rules (`policy.json`,
/// merged into the node's installed policy as a new version) and, for the land registry, its transfer rule.
struct Scenario {
    let name: String
    let directory: URL

    /// The scenarios this repository ships, in the order the README lists them.
    static let names = ["civil-identity", "land-registry", "certificates"]

    /// The scenario `name` under `root` (the repository's `scenarios` directory by default).
    static func locate(_ name: String, in root: String) throws -> Scenario {
        guard names.contains(name) else {
            throw CLIFailure("unknown scenario \"\(name.prefix(40))\"", hint: "one of: \(names.joined(separator: ", "))")
        }
        let directory = URL(fileURLWithPath: root).appendingPathComponent(name)
        guard FileManager.default.fileExists(atPath: directory.appendingPathComponent("policy.json").path) else {
            throw CLIFailure("no scenario files in \(directory.path)", hint: "run from the repository's root or pass --scenarios <dir>")
        }
        return Scenario(name: name, directory: directory)
    }

    /// The schema files, by name.
    var schemaFiles: [URL] {
        let dir = directory.appendingPathComponent("schemas")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        return names.filter { $0.hasSuffix(".json") }.sorted().map { dir.appendingPathComponent($0) }
    }

    func read(_ url: URL) throws -> Data {
        guard let data = FileManager.default.contents(atPath: url.path) else { throw CLIFailure("cannot read \(url.path)", hint: "check the path") }
        return data
    }

    /// Registers the schemas and merges the policy rules into the installed policy; says what it did, line by line.
    /// Installing twice changes nothing the second time.
    func install(into vault: Vault, by caller: Caller) async throws -> [String] {
        var said: [String] = []
        for file in schemaFiles {
            let schema = try await vault.registerSchema(json: try read(file), by: caller)
            said.append("schema \(schema.type) v\(schema.version) (\(schema.fields.count) fields)")
        }
        let fragment = try Policy.parse(try read(directory.appendingPathComponent("policy.json")))
        let current = try await vault.policy() ?? Policy.empty
        if let merged = try current.merging(fragment) {
            try await vault.installPolicy(merged, by: caller)
            said.append("policy v\(merged.version): \(fragment.rules.count) rules of \(name) added (\(merged.rules.count) rules in all)")
        } else {
            said.append("policy v\(current.version) already has the \(fragment.rules.count) rules of \(name)")
        }
        let ruleFile = directory.appendingPathComponent("transfer-rule.json")
        if FileManager.default.fileExists(atPath: ruleFile.path) {
            let rule = try TransferRule.parse(try read(ruleFile))
            let changed = try await vault.installTransferRule(rule, by: caller)
            said.append("transfer rule \(rule.id) v\(rule.version) (\(rule.conditions.count) conditions)\(changed ? "" : " already installed")")
        }
        return said
    }
}
