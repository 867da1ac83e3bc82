import Glibc

/// The lines the parent and a worker process exchange, one task at a time:
///
///     parent → worker   <task>\n
///     worker → parent   ok <task> <latency> <bytes>\n
///                       error <task> <latency> <bytes> <message>\n
///                       failed <task> <latency> <bytes> <kind> <message>\n
///
/// `latency` is the seconds the task's body took, measured by the worker;
/// `bytes` what the task received (0 for a workload that counts none);
/// `kind` is the failure's `FailureKind` with `_` for its spaces (`http_429`),
/// so the parent counts it as a task run in-process would be; `error`, with
/// no kind, counts as `other`. `message` is the error's description on one
/// line. Before its reply, a task that re-sent requests (`http --retries`)
/// sends one line per kind (see `WorkerRetries`):
///
///     worker → parent   retried <task> <kind> <count>\n
///
/// The parent closing its end means there are no more tasks.
struct WorkerReply: Equatable {
    var task: Int
    var latency: Double
    var bytesReceived: Int
    /// Why the task failed; nil when it succeeded.
    var failure: String?
    /// What kind of failure it was, when the worker knew.
    var kind: FailureKind?

    var line: String {
        guard let failure else { return "ok \(task) \(latency) \(bytesReceived)\n" }
        let oneLine = String(failure.map { $0.isNewline ? " " : $0 })
        guard let kind else { return "error \(task) \(latency) \(bytesReceived) \(oneLine)\n" }
        return "failed \(task) \(latency) \(bytesReceived) \(kind.token) \(oneLine)\n"
    }

    init(task: Int, latency: Double, bytesReceived: Int = 0, failure: String?, kind: FailureKind? = nil) {
        self.task = task
        self.latency = latency
        self.bytesReceived = bytesReceived
        self.failure = failure
        self.kind = failure == nil ? nil : kind
    }

    init?(line: String) {
        if line.hasPrefix("failed ") {
            let fields = line.split(separator: " ", maxSplits: 5, omittingEmptySubsequences: false)
            guard fields.count == 6, let task = Int(fields[1]), let latency = Double(fields[2]),
                  let bytes = Int(fields[3]), bytes >= 0, !fields[4].isEmpty
            else { return nil }
            let kind = FailureKind(token: fields[4])
            self.init(task: task, latency: latency, bytesReceived: bytes, failure: String(fields[5]), kind: kind)
            return
        }
        let fields = line.split(separator: " ", maxSplits: 4, omittingEmptySubsequences: false)
        guard fields.count >= 4, let task = Int(fields[1]), let latency = Double(fields[2]),
              let bytes = Int(fields[3]), bytes >= 0
        else { return nil }
        switch (fields[0], fields.count) {
        case ("ok", 4): self.init(task: task, latency: latency, bytesReceived: bytes, failure: nil)
        case ("error", 5): self.init(task: task, latency: latency, bytesReceived: bytes, failure: String(fields[4]))
        default: return nil
        }
    }
}

/// The requests one task re-sent, by kind (`retried_http_429`), as the
/// `retried` lines of the worker protocol (see `WorkerReply`).
struct WorkerRetries: Equatable {
    var task: Int
    var counts: FailureCounts

    var lines: String {
        counts.counts.keys.sorted().map { kind in
            "retried \(task) \(kind.token) \(counts.counts[kind] ?? 0)\n"
        }.joined()
    }

    init(task: Int, counts: FailureCounts) {
        self.task = task
        self.counts = counts
    }

    init?(line: String) {
        let fields = line.split(separator: " ", omittingEmptySubsequences: false)
        guard fields.count == 4, fields[0] == "retried", let task = Int(fields[1]), let count = Int(fields[3]), count > 0 else {
            return nil
        }
        let kind = FailureKind(token: fields[2])
        guard kind.isRetry else { return nil }
        self.init(task: task, counts: FailureCounts([kind: count]))
    }
}

extension FailureKind {
    /// The kind as one field of a protocol line: `http_429`.
    var token: String { String(rawValue.map { $0 == " " || $0.isNewline ? "_" : $0 }) }

    init(token: Substring) {
        self.init(rawValue: String(token.map { $0 == "_" ? " " : $0 }))
    }
}

/// Bytes read from a descriptor, handed out a line at a time.
struct LineBuffer {
    private var bytes: [UInt8] = []
    private var start = 0

    /// Appends what one `read` returns; false at end of input or on error.
    mutating func fill(from descriptor: Int32) -> Bool {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 4096) { chunk in
            while true {
                let count = read(descriptor, chunk.baseAddress!, chunk.count)
                if count < 0 && errno == EINTR { continue }
                guard count > 0 else { return false }
                bytes.append(contentsOf: chunk[..<count])
                return true
            }
        }
    }

    /// The next complete line, without its newline.
    mutating func nextLine() -> String? {
        guard let end = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) else { return nil }
        let line = String(decoding: bytes[start..<end], as: UTF8.self)
        start = end + 1
        if start == bytes.count {
            bytes.removeAll(keepingCapacity: true)
            start = 0
        }
        return line
    }

    /// Blocks until a whole line has arrived; nil at end of input.
    mutating func readLine(from descriptor: Int32) -> String? {
        while true {
            if let line = nextLine() { return line }
            guard fill(from: descriptor) else { return nil }
        }
    }
}

enum WorkerChannel {
    /// Writes all of `text`; false when the other side has gone. Sockets are
    /// written with `MSG_NOSIGNAL`, so a vanished reader is an error to
    /// handle, not a SIGPIPE that kills this process.
    static func send(_ text: String, to descriptor: Int32) -> Bool {
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let count = bytes.withUnsafeBytes { buffer in
                let start = buffer.baseAddress! + offset
                let sent = Glibc.send(descriptor, start, buffer.count - offset, Int32(MSG_NOSIGNAL))
                return sent < 0 && errno == ENOTSOCK ? write(descriptor, start, buffer.count - offset) : sent
            }
            if count < 0 {
                if errno == EINTR { continue }
                return false
            }
            offset += count
        }
        return true
    }
}
