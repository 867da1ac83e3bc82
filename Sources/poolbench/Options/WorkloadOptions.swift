import ArgumentParser
import Foundation
import PoolBenchKit

/// The built-in workloads, by command-line name.
enum WorkloadName: String, ExpressibleByArgument, CaseIterable {
    case sleep, cpu, file, http
}

/// Which workload to run and its own parameters. A parameter given to a
/// workload that does not take it is an error rather than silently ignored.
struct WorkloadOptions: ParsableArguments {
    @Argument(help: "The workload: sleep, cpu, file or http.")
    var workload: WorkloadName

    @Option(help: ArgumentHelp("sleep: how long each task waits (10ms, 1.5s).", valueName: "duration"))
    var duration: String?

    @Option(help: ArgumentHelp("sleep: simulate a server with this many slots served in arrival order.", valueName: "k"))
    var capacity: Int?

    @Option(help: ArgumentHelp("cpu: sum the squares of 0..<size in each task (default 1000000).", valueName: "n"))
    var size: Int?

    @Option(help: ArgumentHelp("file: bytes each task writes, fsyncs and reads back (default 64KiB).", valueName: "size"))
    var bytes: String?

    @Option(name: .customLong("url"), help: ArgumentHelp("http: a URL to GET; repeat for several, taken round robin.", valueName: "url"))
    var urls: [String] = []

    @Option(help: ArgumentHelp("http: a file of URLs, one per line; blank lines and # comments are skipped.", valueName: "path"))
    var urlsFile: String?

    @Option(help: ArgumentHelp("http: how long one request may take before it counts as failed (default 30s).", valueName: "duration"))
    var timeout: String?

    /// The workload named with these parameters, or a sentence saying which
    /// parameter is wrong.
    func spec() throws(ValidationError) -> WorkloadSpec {
        try rejectParameters(notTakenBy: workload)
        switch workload {
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
        }
    }

    private func rejectParameters(notTakenBy name: WorkloadName) throws(ValidationError) {
        let given: [(flag: String, workload: WorkloadName, isSet: Bool)] = [
            ("--duration", .sleep, duration != nil), ("--capacity", .sleep, capacity != nil),
            ("--size", .cpu, size != nil), ("--bytes", .file, bytes != nil),
            ("--url", .http, !urls.isEmpty), ("--urls-file", .http, urlsFile != nil), ("--timeout", .http, timeout != nil),
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
                throw ValidationError("--url '\(url)' is not usable: expected \(problem).")
            }
        }
        let seconds = try timeout.map { text throws(ValidationError) in try Self.duration(text, flag: "--timeout") } ?? 30
        guard seconds > 0 else { throw ValidationError("--timeout must be above 0; got \(timeout ?? "")).") }
        return .http(urls: all, timeout: seconds)
    }

    private static func duration(_ text: String, flag: String) throws(ValidationError) -> Double {
        guard let seconds = Units.parseDuration(text) else {
            throw ValidationError("\(flag) '\(text)' is not a duration; use a number with a unit, like 10ms or 1.5s.")
        }
        return seconds
    }
}
