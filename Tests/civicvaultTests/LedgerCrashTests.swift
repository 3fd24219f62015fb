import Foundation
import Testing
import VaultLedger
import VaultSQLite

/// kill -9 in the middle of a stream of appends: every acknowledged entry survives, with its exact bytes,
/// and `ledger verify` passes on the reopened database.
@Suite struct LedgerCrashTests {
    static func writeAll(_ fd: Int32, _ text: String) -> Bool {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if n < 0 { if errno == EINTR { continue }; return false }
            bytes = bytes.dropFirst(n)
        }
        return true
    }

    static func readSome(_ fd: Int32) -> String? {
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        return n > 0 ? String(decoding: buffer[0..<n], as: UTF8.self) : nil
    }

    /// The acknowledged index ranges of the complete ack lines in `output`.
    static func acknowledged(_ output: String) throws -> [Range<UInt64>] {
        try output.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map { line in
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let first = UInt64(object["first_index"] as! Int), count = UInt64(object["count"] as! Int)
            #expect(UInt64(object["tree_size"] as! Int) == first + count)
            return first..<(first + count)
        }
    }

    @Test(arguments: [1, 2, 3])
    func killNineLosesNoAcknowledgedAppend(round: Int) throws {
        signal(SIGPIPE, SIG_IGN)
        let node = try LedgerCommandTests.Node()
        var rng = SystemRandomNumberGenerator()
        // Something already there before the stream starts.
        #expect(try node.ledger(["append"], stdin: LedgerCommandTests.lines(0..<5)).status == 0)
        var sent = 5

        let process = Process()
        process.executableURL = CLI.binary
        process.arguments = ["ledger", "append", "--keys", node.keys, "--data", node.data, "--batch", "\(10 * round)"]
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "CIVICVAULT_PASSPHRASE")
        process.environment = env
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let inFD = input.fileHandleForWriting.fileDescriptor, outFD = output.fileHandleForReading.fileDescriptor

        var acks = ""
        while try Self.acknowledged(acks).count < 20 {
            let n = Int.random(in: 1...30, using: &rng)
            #expect(Self.writeAll(inFD, LedgerCommandTests.lines(sent..<(sent + n))))
            sent += n
            guard let more = Self.readSome(outFD) else { break }
            acks += more
        }
        // A large burst, then kill -9 while it is being appended.
        let burst = 3000
        let burstText = LedgerCommandTests.lines(sent..<(sent + burst))
        let writerDone = DispatchSemaphore(value: 0)
        let writer = Thread {
            _ = Self.writeAll(inFD, burstText)  // ends with EPIPE once the process is dead
            writerDone.signal()
        }
        writer.start()
        sent += burst
        usleep(UInt32.random(in: 20_000...150_000, using: &rng))
        kill(process.processIdentifier, SIGKILL)
        while let more = Self.readSome(outFD) { acks += more }
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal)
        // Close our end only after the writer stopped: a closed descriptor number is reused by the next
        // open (the database!), and a writer still writing to it would corrupt that file.
        writerDone.wait()
        try? input.fileHandleForWriting.close()

        let ranges = try Self.acknowledged(acks)
        #expect(ranges.count >= 20)
        let highest = ranges.map(\.upperBound).max() ?? 0
        #expect(highest > 5)
        // Every acknowledged index is present with exactly the bytes that were sent.
        try SQLiteLedgerStore.read(path: node.database) { reader in
            let size = try reader.tip().treeSize
            #expect(size >= highest)
            #expect(size < UInt64(sent))  // the kill did land in the middle of the stream
            for range in ranges {
                for i in range {
                    let stored = try reader.entry(at: i)
                    #expect(stored.bytes == EntryCodec.encode(try EntryJSON.decode(LedgerCommandTests.line(Int(i)))))
                }
            }
        }
        let verify = try node.ledger(["verify"])
        #expect(verify.status == 0, "\(verify.stderr)")
        // The reopened ledger takes more appends after the crash.
        let size = try SQLiteLedgerStore.read(path: node.database) { try $0.tip().treeSize }
        let after = try node.ledger(["append"], stdin: LedgerCommandTests.lines(Int(size)..<Int(size) + 3))
        #expect(after.stdout == "{\"first_index\":\(size),\"count\":3,\"tree_size\":\(size + 3)}\n")
        #expect(try node.ledger(["verify"]).status == 0)
    }
}
