import Foundation

/// Reads lines from a file descriptor with its own buffer, so a caller can tell whether more input is
/// already waiting (`hasBufferedOrReadyInput`) and commit a batch before blocking for more.
final class LineReader {
    private let fd: Int32
    private var buffer: [UInt8] = []
    private var start = 0
    private var atEOF = false

    init(fd: Int32 = STDIN_FILENO) {
        self.fd = fd
    }

    /// The next line without its newline (a final line without one included), or nil at end of input.
    func nextLine() throws -> String? {
        while true {
            if let nl = buffer[start...].firstIndex(of: 0x0a) {
                let line = String(decoding: buffer[start..<nl], as: UTF8.self)
                start = nl + 1
                if start > 1 << 16 { buffer.removeFirst(start); start = 0 }
                return line
            }
            if atEOF {
                guard start < buffer.count else { return nil }
                let line = String(decoding: buffer[start...], as: UTF8.self)
                start = buffer.count
                return line
            }
            try fill()
        }
    }

    /// True when a complete line is buffered or the descriptor has data (or EOF) ready now.
    var hasBufferedOrReadyInput: Bool {
        if buffer[start...].contains(0x0a) || atEOF { return true }
        var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        return poll(&p, 1, 0) > 0
    }

    private func fill() throws {
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if n < 0 {
            if errno == EINTR { return }
            throw CLIFailure("cannot read standard input (errno \(errno))")
        }
        if n == 0 { atEOF = true; return }
        buffer.append(contentsOf: chunk[0..<n])
    }
}
