import ArgumentParser
import Foundation
import PoolBenchKit

/// The built-in workloads, by command-line name.
enum WorkloadName: String, CaseIterable {
    case sleep, cpu, file, http, command, python

    /// The workload named `text`. Parsed here rather than by
    /// ArgumentParser, which lists six or more choices on several lines.
    static func parse(_ text: String) throws -> WorkloadName {
        guard let name = WorkloadName(rawValue: text) else {
            let names = allCases.map { "'\($0.rawValue)'" }
            throw ValidationError("choose from \(names.dropLast().joined(separator: ", ")) or \(names.last!).")
        }
        return name
    }
}

/// Which workload to run — a name, or a whole program with `--job` — and
/// its own parameters. A parameter given to a workload that does not take
/// it is an error rather than silently ignored.
struct WorkloadOptions: ParsableArguments {
    @Argument(help: "The workload: sleep, cpu, file, http, command or python (omit it with --job).", transform: WorkloadName.parse)
    var workload: WorkloadName?

    @Argument(parsing: .postTerminator, help: ArgumentHelp("command: the program and its arguments, after --.", valueName: "command"))
    var commandLine: [String] = []

    @Option(
        help: ArgumentHelp(
            "Job mode: run this whole program once per run, {workers} replaced by the worker count (quote it as one argument). The program may report its own measurement as one JSON line on the descriptor POOLBENCH_REPORT_FD names: {\"seconds\": S, \"items\": N, \"failed\": F, \"latencies\": [seconds, …]}.",
            valueName: "command line"
        )
    )
    var job: String?

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "job: items one run of the job processes, for throughput in items/s (default: runs/s). "
                + "python: a number N (items 0…N-1, as int), or a file of items, one per line, as str (- reads standard input).",
            valueName: "n|file"
        )
    )
    var items: String?

    @Option(
        help: ArgumentHelp(
            "python: the function to call once per item, FILE.py:NAME; a plain def for py-threads and py-processes, an async def for py-asyncio.",
            valueName: "file.py:name"
        )
    )
    var function: String?

    @Option(
        help: ArgumentHelp(
            "python: a function called once per Python process before any run (an HTTP client, a connection pool); "
                + "its result is the function's second argument. Under py-processes it runs in each pool process, inside the run.",
            valueName: "file.py:name"
        )
    )
    var setup: String?

    @Option(name: .customLong("python"), help: ArgumentHelp("python: the interpreter, 3.9 or newer (default: python3 in PATH).", valueName: "path"))
    var interpreter: String?

    @Option(parsing: .unconditional, help: ArgumentHelp("sleep: how long each task waits (10ms, 1.5s).", valueName: "duration"))
    var duration: String?

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("sleep: simulate a server with this many slots served in arrival order.", valueName: "k"),
        transform: Parsers.wholeNumber
    )
    var capacity: Int?

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("cpu: sum the squares of 0..<size in each task (default 1000000).", valueName: "n"),
        transform: Parsers.wholeNumber
    )
    var size: Int?

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("file: bytes each task writes, fsyncs and reads back (default 64KiB).", valueName: "size")
    )
    var bytes: String?

    @Option(
        name: .customLong("url"),
        help: ArgumentHelp(
            "http: a URL to request; repeat for several, taken round robin. Its user:password@ is sent as Basic auth and stored as user:***@.",
            valueName: "url"
        )
    )
    var urls: [String] = []

    @Option(help: ArgumentHelp("http: a file of URLs, one per line; blank lines and # comments are skipped.", valueName: "path"))
    var urlsFile: String?

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "http: how long one request may take before it counts as failed (default 30s). python: the same for one item (default: none).",
            valueName: "duration"
        )
    )
    var timeout: String?

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "http: re-send a request answered 429 or 503 up to this many times (default 0), after its Retry-After (capped at --timeout) or an exponential backoff with full jitter; a task that succeeds on a retry counts once, with its whole latency, and the re-sends are recorded as 'retried http 429'.",
            valueName: "n"
        ),
        transform: Parsers.wholeNumber
    )
    var retries: Int?

    @Option(help: ArgumentHelp("http: the request method (default GET, or POST with --data).", valueName: "method"))
    var method: String?

    @Option(
        name: .customLong("header"),
        parsing: .unconditionalSingleValue,
        help: ArgumentHelp(
            "http: a request header, 'Name: value'; repeatable. Values of Authorization, Proxy-Authorization, Cookie and of names holding key, token or secret are sent but stored and shown as ***.",
            valueName: "header"
        )
    )
    var headers: [String] = []

    @Option(
        help: ArgumentHelp(
            "http: a file of headers, 'Name: value' per line (# comments): keeps secrets out of shell history and ps.",
            valueName: "path"
        )
    )
    var headerFile: String?

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("http: the request body, as text or @FILE; only its size is stored.", valueName: "text|@file")
    )
    var data: String?

    @Option(
        help: ArgumentHelp(
            "http: trust only the certificate authorities in this PEM file (default: the system's, or SSL_CERT_FILE / SSL_CERT_DIR).",
            valueName: "file"
        )
    )
    var cacert: String?

    @Flag(help: "http: do not verify the server's certificate (a warning says so on every sweep).")
    var insecure = false

    /// The workload named, or the job, with these parameters; or a sentence
    /// saying what is wrong.
    func spec() throws(ValidationError) -> WorkloadSpec {
        if let job {
            if let workload {
                throw ValidationError("give either a workload (\(workload.rawValue)) or --job, not both.")
            }
            return try jobSpec(job)
        }
        guard let name = workload else {
            let names = WorkloadName.allCases.map(\.rawValue).joined(separator: ", ")
            throw ValidationError("missing the workload to run: one of \(names), or --job 'COMMAND {workers}'.")
        }
        try rejectParameters(notTakenBy: name)
        switch name {
        case .sleep:
            let seconds = try duration.map { text throws(ValidationError) in try Self.duration(text, flag: "--duration") } ?? 0.01
            if let capacity, capacity < 1 {
                throw ValidationError("--capacity must be at least 1; got \(capacity).")
            }
            return .sleep(duration: seconds, capacity: capacity)
        case .cpu:
            let size = size ?? 1_000_000
            guard size >= 1 else { throw ValidationError("--size must be at least 1; got \(size).") }
            return .cpu(size: size)
        case .file:
            let count = try bytes.map { text throws(ValidationError) in
                guard let count = Units.parseBytes(text), count >= 1, count <= 1 << 30 else {
                    throw ValidationError("--bytes '\(text)' is not a size from 1B to 1GiB; use e.g. 4096, 64KiB or 1MiB.")
                }
                return count
            } ?? 65_536
            return .file(bytes: count)
        case .http:
            return try httpSpec()
        case .python:
            return try pythonSpec()
        case .command:
            guard let program = commandLine.first else {
                throw ValidationError("the command workload needs the command after --, e.g. run command -- curl -s URL.")
            }
            guard CommandCheck.exists(program) else { throw ValidationError(CommandCheck.notFound(program)) }
            return .command(arguments: commandLine)
        }
    }

    private func rejectParameters(notTakenBy name: WorkloadName) throws(ValidationError) {
        let given: [(flag: String, workload: WorkloadName, isSet: Bool)] = [
            ("--duration", .sleep, duration != nil), ("--capacity", .sleep, capacity != nil),
            ("--size", .cpu, size != nil), ("--bytes", .file, bytes != nil),
            ("--url", .http, !urls.isEmpty), ("--urls-file", .http, urlsFile != nil),
            ("--timeout", name == .python ? .python : .http, timeout != nil),
            ("--function", .python, function != nil), ("--setup", .python, setup != nil), ("--python", .python, interpreter != nil),
            ("--items", .python, items != nil),
            ("--method", .http, method != nil), ("--retries", .http, retries != nil), ("--header", .http, !headers.isEmpty),
            ("--header-file", .http, headerFile != nil),
            ("--data", .http, data != nil), ("--cacert", .http, cacert != nil), ("--insecure", .http, insecure),
            ("-- COMMAND", .command, !commandLine.isEmpty),
        ]
        for parameter in given where parameter.isSet && parameter.workload != name {
            throw ValidationError("\(parameter.flag) applies to the \(parameter.workload.rawValue) workload, not \(name.rawValue).")
        }
    }

    private func httpSpec() throws(ValidationError) -> WorkloadSpec {
        var all = urls
        if let urlsFile {
            guard let text = try? String(contentsOfFile: urlsFile, encoding: .utf8) else {
                throw ValidationError("cannot read --urls-file \(urlsFile); check the path.")
            }
            let listed = text.split(whereSeparator: \.isNewline)
                .map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty && !$0.hasPrefix("#") }
            guard !listed.isEmpty else {
                throw ValidationError("--urls-file \(urlsFile) lists no URLs; put one per line (# starts a comment).")
            }
            all += listed
        }
        guard !all.isEmpty else {
            throw ValidationError("the http workload needs --url URL (repeatable) or --urls-file PATH.")
        }
        for url in all {
            if let problem = HTTPWorkload.problem(with: url) {
                throw ValidationError("--url '\(Redaction.text(url))' is not usable: expected \(problem).")
            }
        }
        let seconds = try timeout.map { text throws(ValidationError) in try Self.duration(text, flag: "--timeout") } ?? 30
        guard seconds > 0 else { throw ValidationError("--timeout must be above 0; got \(timeout ?? "").") }
        if let method, HTTPWorkload.problem(withMethod: method) != nil {
            throw ValidationError("--method '\(method)' is not an HTTP method; use e.g. GET, POST, PUT, PATCH or DELETE.")
        }
        if let retries, !(0...HTTPRetryPolicy.mostRetries).contains(retries) {
            throw ValidationError("--retries must be from 0 to \(HTTPRetryPolicy.mostRetries); got \(retries).")
        }
        if cacert != nil && insecure {
            throw ValidationError("give --cacert FILE or --insecure, not both.")
        }
        if let cacert, !FileManager.default.isReadableFile(atPath: cacert) {
            throw ValidationError("cannot read --cacert \(cacert); give a PEM file of CA certificates.")
        }
        return .http(
            HTTPRequestSpec(
                urls: all, timeout: seconds, method: method?.uppercased(), headers: try httpHeaders(), body: try body(),
                trust: insecure ? .insecure : cacert.map { .certificateFile($0) } ?? .system, retries: retries ?? 0
            )
        )
    }

    /// `--header-file`'s headers, then `--header`'s. A line that is not
    /// `Name: value` is refused without echoing it: it may hold a secret.
    private func httpHeaders() throws(ValidationError) -> [HTTPHeaderLine] {
        var lines: [(line: String, source: String)] = []
        if let headerFile {
            guard let text = try? String(contentsOfFile: headerFile, encoding: .utf8) else {
                throw ValidationError("cannot read --header-file \(headerFile); check the path.")
            }
            for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let trimmed = line.trimmingCharacters(in: .whitespaces.union(CharacterSet(charactersIn: "\r")))
                if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
                lines.append((trimmed, "line \(number + 1) of --header-file \(headerFile)"))
            }
        }
        lines += headers.map { ($0, "a --header") }
        return try lines.map { line, source throws(ValidationError) in
            guard let header = HTTPHeaderLine(line: line) else {
                throw ValidationError("\(source) is not 'Name: value' (like 'Accept: application/json'); put the header's name, a colon, then its value.")
            }
            return header
        }
    }

    /// `--data`'s text, or the bytes of the file after its `@`.
    private func body() throws(ValidationError) -> Data? {
        guard let data else { return nil }
        guard data.hasPrefix("@") else { return Data(data.utf8) }
        let path = String(data.dropFirst())
        guard let bytes = FileManager.default.contents(atPath: path) else {
            throw ValidationError("cannot read --data @\(path); check the path.")
        }
        return bytes
    }

    private func jobSpec(_ text: String) throws(ValidationError) -> WorkloadSpec {
        let given = [
            ("--duration", duration != nil), ("--capacity", capacity != nil), ("--size", size != nil),
            ("--bytes", bytes != nil), ("--url", !urls.isEmpty), ("--urls-file", urlsFile != nil),
            ("--timeout", timeout != nil), ("--method", method != nil), ("--retries", retries != nil), ("--header", !headers.isEmpty),
            ("--header-file", headerFile != nil), ("--data", data != nil), ("--cacert", cacert != nil), ("--insecure", insecure),
            ("-- COMMAND", !commandLine.isEmpty), ("--function", function != nil), ("--setup", setup != nil),
            ("--python", interpreter != nil),
        ]
        if let flag = given.first(where: \.1)?.0 {
            throw ValidationError("\(flag) applies to a workload, not to --job; a job takes only --items.")
        }
        let arguments: [String]
        do {
            arguments = try CommandLineSplitter.split(text)
        } catch {
            throw ValidationError("--job: \(error)")
        }
        guard let program = arguments.first else { throw ValidationError("--job is empty; give the command line to run.") }
        guard text.contains(JobWorkload.placeholder) else {
            throw ValidationError("--job must contain \(JobWorkload.placeholder), where each run's worker count goes, e.g. --job 'python3 fetch.py --workers {workers}'.")
        }
        let count = try items.map { text throws(ValidationError) in
            guard let count = Int(text.trimmingCharacters(in: .whitespaces)) else {
                throw ValidationError("--items '\(text)' is not a whole number; a job takes the count of items one run processes.")
            }
            guard count >= 1 else { throw ValidationError("--items must be at least 1; got \(count).") }
            return count
        }
        guard CommandCheck.exists(program) else { throw ValidationError(CommandCheck.notFound(program)) }
        return .job(arguments: arguments, items: count)
    }

    private static func duration(_ text: String, flag: String) throws(ValidationError) -> Double {
        let seconds = try Parsers.seconds(text, flag: flag, examples: "10ms or 1.5s")
        guard seconds <= Units.longestDuration else {
            throw ValidationError("\(flag) '\(text)' is longer than a day; use at most 24h.")
        }
        return seconds
    }
}

/// Whether a program can be started, checked before a sweep so a typo is one
/// line rather than one failure per task.
enum CommandCheck {
    static func exists(_ program: String) -> Bool {
        (try? CommandWorkload(arguments: [program])) != nil
    }

    /// The Kit's sentence, starting lower-case like every usage error.
    static func notFound(_ program: String) -> String {
        let text = PoolBenchError.commandNotFound(program: program).description
        return text.prefix(1).lowercased() + text.dropFirst()
    }
}
