import Foundation

/// What made a task fail, as a run counts its failures: `http 429` (an HTTP
/// status outside 2xx), `timeout`, `refused`, `reset` (the connection), `exit 3`
/// or `signal 9` (a command or job), `other`.
///
/// The raw value is what the history stores, as the keys of a run's
/// `failures` JSON object (`{"http 429": 31, "timeout": 2}`): short, stable,
/// and readable in an export.
public struct FailureKind: RawRepresentable, Hashable, Sendable, Comparable, Codable, CustomStringConvertible {
    public var rawValue: String

    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    public static let timeout = FailureKind(rawValue: "timeout")
    public static let refused = FailureKind(rawValue: "refused")
    public static let reset = FailureKind(rawValue: "reset")
    public static let other = FailureKind(rawValue: "other")

    public static func http(_ status: UInt) -> FailureKind { FailureKind(rawValue: "http \(status)") }
    public static func exit(_ status: Int) -> FailureKind { FailureKind(rawValue: "exit \(status)") }
    public static func signal(_ number: Int) -> FailureKind { FailureKind(rawValue: "signal \(number)") }

    /// A re-send after a response of `kind`: `retried http 429`.
    public static func retried(_ kind: FailureKind) -> FailureKind { FailureKind(rawValue: retryPrefix + kind.rawValue) }

    static let retryPrefix = "retried "

    /// Whether this counts re-sent requests rather than failed tasks.
    public var isRetry: Bool { rawValue.hasPrefix(Self.retryPrefix) }

    public static func < (a: FailureKind, b: FailureKind) -> Bool { a.rawValue < b.rawValue }

    public var description: String { rawValue }

    /// The HTTP status, for an `http N` kind.
    public var httpStatus: UInt? {
        rawValue.hasPrefix("http ") ? UInt(rawValue.dropFirst(5)) : nil
    }

    /// The kind in words, for answers: "HTTP 429 Too Many Requests",
    /// "timed out", "connection refused", "exit status 3".
    public var phrase: String {
        if let status = httpStatus {
            return "HTTP \(status)" + (Self.reasonPhrases[status].map { " \($0)" } ?? "")
        }
        if isRetry { return "retried after " + FailureKind(rawValue: String(rawValue.dropFirst(Self.retryPrefix.count))).phrase }
        switch rawValue {
        case "timeout": return "timed out"
        case "refused": return "connection refused"
        case "reset": return "connection reset"
        case "other": return "other errors"
        default:
            if rawValue.hasPrefix("exit ") { return "exit status \(rawValue.dropFirst(5))" }
            if rawValue.hasPrefix("signal ") { return "killed by signal \(rawValue.dropFirst(7))" }
            return rawValue
        }
    }

    /// RFC 9110 §15's reason phrases (and RFC 6585's 429) of the statuses
    /// an API pushes back with.
    static let reasonPhrases: [UInt: String] = [
        400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 408: "Request Timeout",
        409: "Conflict", 413: "Content Too Large", 429: "Too Many Requests", 500: "Internal Server Error",
        502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout",
    ]

    /// The kind of a task's error. The workloads' own errors say what
    /// happened: an HTTP request's reason is the status ("status 429") or
    /// `HTTPWorkload.reason`'s short description of the transport error;
    /// a command's status is `ChildProcess`'s "exited with status N" or
    /// "was killed by signal N". Anything else is `other`.
    public init(of error: any Error) {
        guard let error = error as? PoolBenchError else {
            self = .other
            return
        }
        switch error {
        case let .requestFailed(_, _, reason):
            self = Self.request(reason)
        case let .commandFailed(_, status, _):
            self = Self.command(status)
        default:
            self = .other
        }
    }

    static func request(_ reason: String) -> FailureKind {
        if reason.hasPrefix("status "), let status = UInt(reason.dropFirst(7)) { return .http(status) }
        let lowered = reason.lowercased()
        if lowered.contains("timed out") || lowered.contains("timeout") { return .timeout }
        if lowered.contains("refused") { return .refused }
        if lowered.contains("reset") || lowered.contains("broken pipe") || lowered.contains("remote connection closed") {
            return .reset
        }
        return .other
    }

    static func command(_ status: String) -> FailureKind {
        if let number = status.split(separator: " ").last.flatMap({ Int($0) }) {
            if status.hasPrefix("exited") { return .exit(number) }
            if status.contains("signal") { return .signal(number) }
        }
        return .other
    }
}

/// A run's failed tasks counted by kind.
public struct FailureCounts: Sendable, Hashable, Codable {
    public var counts: [FailureKind: Int]

    public init(_ counts: [FailureKind: Int] = [:]) {
        self.counts = counts.filter { $0.value > 0 }
    }

    public var isEmpty: Bool { counts.isEmpty }
    public var total: Int { counts.values.reduce(0, +) }

    public mutating func add(_ kind: FailureKind, _ count: Int = 1) {
        guard count > 0 else { return }
        counts[kind, default: 0] += count
    }

    public mutating func add(_ other: FailureCounts) {
        for (kind, count) in other.counts { add(kind, count) }
    }

    /// The failed tasks' kinds alone, without the re-sends (see `FailureKind.isRetry`).
    public var failedTasks: FailureCounts {
        FailureCounts(counts.filter { !$0.key.isRetry })
    }

    /// The re-sent requests alone, by the response that made them wait.
    public var retries: FailureCounts {
        FailureCounts(counts.filter { $0.key.isRetry })
    }

    /// What was counted since `earlier`, a reading of the same growing counts.
    public func since(_ earlier: FailureCounts) -> FailureCounts {
        FailureCounts(counts.reduce(into: [:]) { $0[$1.key] = $1.value - (earlier.counts[$1.key] ?? 0) })
    }

    /// Kinds from the most frequent, ties by name.
    public var byFrequency: [(kind: FailureKind, count: Int)] {
        counts.map { (kind: $0.key, count: $0.value) }.sorted { ($1.count, $0.kind) < ($0.count, $1.kind) }
    }

    /// `{"http 429":31,"timeout":2}`, keys sorted; nil when nothing failed,
    /// so a run without failures stores NULL.
    public var json: String? {
        guard !counts.isEmpty else { return nil }
        let fields = counts.keys.sorted().map { kind in
            "\(Self.quoted(kind.rawValue)):\(counts[kind] ?? 0)"
        }
        return "{" + fields.joined(separator: ",") + "}"
    }

    /// Reads `json`'s form: an object of kinds to counts ≥ 0. Nil for
    /// anything else, so a damaged value is never taken for counts.
    public init?(json: String) {
        guard let data = json.data(using: .utf8),
              let object = try? JSONDecoder().decode([String: Int].self, from: data) else { return nil }
        var counts: [FailureKind: Int] = [:]
        for (key, value) in object {
            guard !key.isEmpty, value >= 0 else { return nil }
            counts[FailureKind(rawValue: key)] = value
        }
        self.init(counts)
    }

    private static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            default:
                if scalar.value < 0x20 { out += String(format: "\\u%04x", scalar.value) } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out + "\""
    }
}
