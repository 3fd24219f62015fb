import ArgumentParser
import Foundation
import VaultCore
import VaultCrypto
import VaultNode

/// `record import FILE`: many records from a JSON-lines or CSV file, a batch per transaction, resumable.
struct RecordImportCommand: AsyncParsableCommand {
    enum Format: String, ExpressibleByArgument, CaseIterable { case jsonl, csv }

    static let configuration = CommandConfiguration(
        commandName: "import", abstract: "Import records from a JSON-lines or CSV file (resumable; node stopped).",
        discussion: """
            JSON lines: one object of field values a line (blank lines are skipped). CSV (RFC 4180): a header row of \
            field names, then one record a row; values are typed by the schema (integers strictly), an empty value is \
            absent. The citizen's national id is the --national-id-field value (kept as a field when the schema has it).

            Each batch is one transaction and one ledger append: all of it is written or none. Every line has a key, \
            SHA-256 of --source, its line number and its bytes (and the CSV header), from which its record id is \
            derived under the node's keys; a line already imported is skipped, so after a crash or Ctrl-C the same \
            command resumes without duplicates. Fix a bad line in place (do not add or remove lines) and run it again.
            """)

    @OptionGroup var node: NodeOptions
    @Argument(help: "The file to import.") var file: String
    @Option(help: "Record type (a registered schema).") var type: String = "citizen"
    @Option(help: "jsonl or csv (default: csv for a .csv file, else jsonl).") var format: Format?
    @Option(help: "Records per transaction (1-\(Vault.maxImportBatch)).") var batch: Int = 500
    @Option(help: "The name the lines' keys are made under (default: the file's name); keep it when resuming from a moved or renamed file.")
    var source: String?
    @Option(help: "The field that holds the citizen's national id.") var nationalIdField: String = "national_id"

    func validate() throws {
        guard (1...Vault.maxImportBatch).contains(batch) else { throw ValidationError("--batch must be 1-\(Vault.maxImportBatch)") }
    }

    func run() async throws {
        let bytes: [UInt8]
        do { bytes = Array(try Data(contentsOf: URL(fileURLWithPath: file))) } catch {
            throw CLIFailure("cannot read \(file)", hint: "check the path and its permissions")
        }
        let format = self.format ?? (file.lowercased().hasSuffix(".csv") ? .csv : .jsonl)
        let vault = try await node.open().vault
        guard let schema = try await vault.schemas().first(where: { $0.type == type }) else { throw CLIFailure.from(VaultError.unknownRecordType(type)) }
        var lines = ImportLines(
            bytes: bytes, format: format, schema: schema, nationalIdField: nationalIdField, source: source ?? URL(fileURLWithPath: file).lastPathComponent)
        var progress = ImportProgress(totalBytes: bytes.count)
        let interrupt = ImportInterrupt.install()
        var pending: [(line: Int, item: RecordImport)] = []
        var done = false
        while !done {
            do {
                if let next = try lines.next() { pending.append(next) } else { done = true }
            } catch {
                progress.end()
                throw CLIFailure(error.description, hint: Self.hint(kept: progress.created + progress.existing))
            }
            guard pending.count == batch || (done && !pending.isEmpty) else { continue }
            let results: [ImportedRecord]
            do {
                results = try await vault.importRecords(type: type, pending.map(\.item), by: node.caller)
            } catch let VaultError.importItemInvalid(index, field, reason) {
                progress.end()
                throw CLIFailure("line \(pending[index].line), field \(field): \(reason)", hint: Self.hint(kept: progress.created + progress.existing))
            } catch {
                progress.end()
                throw CLIFailure.from(error)
            }
            progress.add(created: results.filter { $0.status == .created }.count, existing: results.filter { $0.status == .existing }.count, offset: lines.offset)
            interrupt.kept(progress.created + progress.existing)
            pending = []
        }
        progress.end()
        let seconds = progress.seconds
        print(String(format: "imported: %d, existing: %d, seconds: %.2f, rate: %.0f records/s", progress.created, progress.existing, seconds,
                     seconds > 0 ? Double(progress.created + progress.existing) / seconds : 0))
    }

    static func hint(kept: Int) -> String {
        "fix that line in place (do not add or remove lines) and run the same command again: the \(kept) records of earlier batches are kept and will be skipped"
    }
}

/// The records of an import file, one at a time, each with its line number and idempotency key.
struct ImportLines {
    /// A line that cannot become a record: its number, the field (if one is to blame) and why (never a value).
    struct Failure: Error, CustomStringConvertible {
        let line: Int
        let field: String?
        let reason: String
        var description: String { "line \(line)" + (field.map { ", field \($0)" } ?? "") + ": \(reason)" }
    }

    let bytes: [UInt8]
    let format: RecordImportCommand.Format
    let schema: RecordSchema
    let nationalIdField: String
    let source: String
    private var csv: CSVReader
    private var header: (fields: [String], bytes: [UInt8])?
    private var jsonOffset = 0
    private var jsonLine = 0

    init(bytes: [UInt8], format: RecordImportCommand.Format, schema: RecordSchema, nationalIdField: String, source: String) {
        self.bytes = bytes
        self.format = format
        self.schema = schema
        self.nationalIdField = nationalIdField
        self.source = source
        csv = CSVReader(bytes)
    }

    /// How far into the file the records returned so far reach.
    var offset: Int { format == .csv ? csv.offset : jsonOffset }

    /// "civicvault-import/v1" 0 source 0 line 0 header 0 bytes, hashed (SHA-256, hex).
    func key(line: Int, _ record: ArraySlice<UInt8>) -> String {
        Hex.encode(SHA256.hash(parts: [
            Array("civicvault-import/v1".utf8), [0], Array(source.utf8), [0], Array(String(line).utf8), [0], header?.bytes ?? [], [0], Array(record),
        ]))
    }

    mutating func next() throws(Failure) -> (line: Int, item: RecordImport)? {
        format == .csv ? try nextCSV() : try nextJSON()
    }

    private mutating func nextJSON() throws(Failure) -> (line: Int, item: RecordImport)? {
        while jsonOffset < bytes.count {
            jsonLine += 1
            let end = bytes[jsonOffset...].firstIndex(of: 0x0A) ?? bytes.count
            var slice = bytes[jsonOffset..<end]
            jsonOffset = min(end + 1, bytes.count)
            if slice.last == 0x0D { slice = slice.dropLast() }
            if slice.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
            let parsed: StrictJSON
            do { parsed = try StrictJSON.parse(Array(slice)) } catch {
                throw Failure(line: jsonLine, field: nil, reason: error.description)
            }
            guard case let .object(values) = JSONValue(parsed) else {
                throw Failure(line: jsonLine, field: nil, reason: "a line must be a JSON object of field values")
            }
            return (jsonLine, try item(line: jsonLine, slice, values))
        }
        return nil
    }

    private mutating func nextCSV() throws(Failure) -> (line: Int, item: RecordImport)? {
        do {
            if header == nil {
                guard let first = try csv.next() else { return nil }
                var seen = Set<String>()
                for name in first.fields {
                    guard seen.insert(name).inserted else { throw Failure(line: 1, field: name, reason: "the header names this column twice") }
                    guard name == nationalIdField || schema.field(named: name) != nil else {
                        throw Failure(line: 1, field: name, reason: "not a field of schema \(schema.type)")
                    }
                }
                header = (first.fields, Array(first.bytes))
            }
            guard let record = try csv.next() else { return nil }
            var values: [String: JSONValue] = [:]
            for (name, text) in zip(header!.fields, record.fields) where !text.isEmpty {
                if let field = schema.field(named: name), field.type == "integer" {
                    guard let value = Self.strictInteger(text) else {
                        throw Failure(line: record.line, field: name, reason: "not an integer (digits, with an optional leading -)")
                    }
                    values[name] = .integer(value)
                } else {
                    values[name] = .string(text)
                }
            }
            return (record.line, try item(line: record.line, record.bytes, values))
        } catch let failure as CSVReader.Failure {
            throw Failure(line: failure.line, field: nil, reason: failure.description)
        } catch let failure as Failure {
            throw failure
        } catch {
            throw Failure(line: 0, field: nil, reason: "unreadable")
        }
    }

    /// `-?(0|[1-9][0-9]*)`, not `-0`, within Int64.
    static func strictInteger(_ text: String) -> Int64? {
        let digits = text.hasPrefix("-") ? text.dropFirst() : Substring(text)
        guard let first = digits.first, digits.allSatisfy({ $0.isASCII && $0.isNumber }), first != "0" || digits.count == 1, text != "-0" else { return nil }
        return Int64(text)
    }

    private func item(line: Int, _ raw: ArraySlice<UInt8>, _ values: [String: JSONValue]) throws(Failure) -> RecordImport {
        guard case let .string(nationalID)? = values[nationalIdField], !nationalID.isEmpty else {
            throw Failure(line: line, field: nationalIdField, reason: "the citizen's national id is missing or not a string")
        }
        var values = values
        if schema.field(named: nationalIdField) == nil { values[nationalIdField] = nil }
        return RecordImport(key: key(line: line, raw), nationalID: nationalID, values: values)
    }
}

/// Progress on standard error: a bar redrawn in place (at most ten times a second) on a terminal, else a line a batch.
struct ImportProgress {
    let totalBytes: Int
    let terminal = isatty(STDERR_FILENO) == 1
    let started = DispatchTime.now()
    private(set) var created = 0
    private(set) var existing = 0
    private var offset = 0
    private var lastDraw: UInt64 = 0
    private var drawn = false

    init(totalBytes: Int) { self.totalBytes = totalBytes }

    var seconds: Double { Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9 }

    mutating func add(created: Int, existing: Int, offset: Int) {
        self.created += created
        self.existing += existing
        self.offset = offset
        let now = DispatchTime.now().uptimeNanoseconds
        if terminal {
            guard now - lastDraw >= 100_000_000 || offset >= totalBytes else { return }
            lastDraw = now
            drawn = true
            write("\r\u{1B}[K" + line(bar: true))
        } else {
            write("progress: " + line(bar: false) + "\n")
        }
    }

    /// Ends the bar's line (before an error or the summary).
    mutating func end() {
        if terminal && drawn { write("\r\u{1B}[K" + line(bar: true) + "\n") }
        drawn = false
    }

    private func line(bar: Bool) -> String {
        let records = created + existing
        let elapsed = seconds
        let rate = elapsed > 0 ? Double(records) / elapsed : 0
        let fraction = totalBytes > 0 ? Double(offset) / Double(totalBytes) : 1
        let eta = fraction > 0 ? elapsed * (1 - fraction) / fraction : 0
        let etaText = String(format: "%d:%02d", Int(eta) / 60, Int(eta) % 60)
        let width = 24, filled = Int(fraction * Double(width))
        let head = bar ? "[" + String(repeating: "#", count: filled) + String(repeating: " ", count: width - filled) + "] " : ""
        return head + String(format: "%d records (%d new, %d existing), %.0f/s, %.0f%%, ETA ", records, created, existing, rate, fraction * 100) + etaText
    }

    private func write(_ text: String) { FileHandle.standardError.write(Data(text.utf8)) }
}

/// Ctrl-C during an import: the batch in flight never commits (its transaction is rolled back as after a crash),
/// so the import stops with what the committed batches hold, says so, and exits 130; a rerun resumes.
final class ImportInterrupt: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    private var source: (any DispatchSourceSignal)?

    func kept(_ count: Int) { lock.withLock { self.count = count } }

    static func install() -> ImportInterrupt {
        let interrupt = ImportInterrupt()
        signal(SIGINT, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler {
            let kept = interrupt.lock.withLock { interrupt.count }
            let failure = CLIFailure(
                "interrupted; at least \(kept) records are imported, the batch in flight was not written",
                hint: "run the same command again to resume: lines already imported are skipped")
            FileHandle.standardError.write(Data(("\n" + failure.rendered).utf8))
            exit(130)
        }
        source.resume()
        interrupt.source = source
        return interrupt
    }
}
