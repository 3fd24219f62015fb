/// Why a benchmark stopped: printed as `error: <what>` and, when there is one, `hint: <what to do>`.
struct BenchFailure: Error, CustomStringConvertible {
    let message: String
    let hint: String?

    init(_ message: String, hint: String? = nil) {
        self.message = message
        self.hint = hint
    }

    var description: String { message }

    var rendered: String { "error: \(message)\n" + (hint.map { "hint: \($0)\n" } ?? "") }
}
