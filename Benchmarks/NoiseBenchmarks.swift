import Foundation
import PoolBenchKit

/// Real sweeps and real `tune`s against loopback servers whose capacity K is
/// known, shaped like the APIs people size pools for. Each case runs the
/// release `poolbench` (built beside this benchmark) as a user would:
///
/// - `run http --workers 1...2K --tasks 60` (`--repeat auto`, the default)
///   then `best --sweep N`, ten times;
/// - `tune http --max-workers 64 --tasks 60`, ten times;
///
/// and prints how often the answer was K, how often it was a count with
/// significant errors, the runs and seconds each took, and beside it the
/// previous rule on the same runs: the same decision on each run's whole
/// throughput instead of its steady-state one (`SteadyThroughput`).
/// Targets: K in at least 9 of 10 for both, never a count with significant
/// errors, every tune in at most 40 runs.
///
/// The servers (`POOLBENCH_NOISE_SERVERS`, default all five, comma
/// separated): `lognormal` (`HTTPTestServer`, K = 8, mean 20 ms, CV 0.5),
/// and, from the CLI tests' fixtures, `429` (a token bucket admitting 4
/// requests of 100 ms in flight), `503` (K = 6 slots, else 503), `pareto` (K
/// = 6 slots, Pareto service of mean 20 ms and shape 2) and `lognormal6`
/// (K = 6 slots, lognormal CV 0.5). `POOLBENCH_NOISE_SWEEPS` changes the ten.
enum NoiseBenchmarks {
    static let tasks = 60

    struct Case {
        var name: String
        var capacity: Int
        var start: () throws -> (url: String, stop: () -> Void)
    }

    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appending(path: "Tests/PoolBenchCLITests/Fixtures/servers")

    static var cases: [Case] {
        [
            Case(name: "lognormal", capacity: 8) {
                let server = try HTTPTestServer(.init(latency: 0.020, capacity: 8, latencyCV: 0.5))
                return (server.url, server.stop)
            },
            Case(name: "429", capacity: 4) { try python("token_bucket.py", ["45", "0.1"]) },
            Case(name: "503", capacity: 6) { try python("load_shedding.py", ["6", "0.02", "0.5"]) },
            Case(name: "pareto", capacity: 6) { try python("k_slots.py", ["6", "0.02", "pareto", "2"]) },
            Case(name: "lognormal6", capacity: 6) { try python("k_slots.py", ["6", "0.02", "lognormal", "0.5"]) },
        ]
    }

    static func run() async throws {
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appending(path: "poolbench")
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            print("skipped: build poolbench first (swift build -c release)")
            return
        }
        let environment = ProcessInfo.processInfo.environment
        let repetitions = environment["POOLBENCH_NOISE_SWEEPS"].flatMap(Int.init) ?? 10
        let chosen = environment["POOLBENCH_NOISE_SERVERS"].map { Set($0.split(separator: ",").map(String.init)) }
        for c in cases where chosen?.contains(c.name) ?? true {
            let server = try c.start()
            defer { server.stop() }
            let directory = FileManager.default.temporaryDirectory.appending(path: "poolbench-noise-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let db = directory.appending(path: "history.sqlite").path
            let http = ["http", "--url", server.url, "--tasks", String(tasks), "--db", db]
            var sweeps: [Outcome] = []
            var tunes: [Outcome] = []
            for _ in 0..<repetitions {
                let (sweep, sweepSeconds) = try timed {
                    try json(binary, ["run"] + http + ["--workers", "1...\(2 * c.capacity)", "--format", "json"])
                }
                sweeps.append(try outcome(binary, sweep: sweep["sweepId"] as? Int ?? -1, db: db, seconds: sweepSeconds))
                let (tune, tuneSeconds) = try timed { try json(binary, ["tune"] + http + ["--max-workers", "64", "--format", "json"]) }
                tunes.append(try outcome(binary, sweep: tune["sweepId"] as? Int ?? -1, db: db, seconds: tuneSeconds))
            }
            print("\nServer \(c.name): capacity K = \(c.capacity); \(tasks) tasks per run.\n")
            print(table(sweeps: sweeps, tunes: tunes, capacity: c.capacity))
        }
    }

    /// A fixture server started with `arguments`; it prints its port.
    static func python(_ script: String, _ arguments: [String]) throws -> (url: String, stop: () -> Void) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", fixtures.appending(path: script).path] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        var line = Data()
        while let byte = try pipe.fileHandleForReading.read(upToCount: 1), let first = byte.first, first != 10 {
            line.append(first)
        }
        guard let port = Int(String(decoding: line, as: UTF8.self)) else {
            process.terminate()
            throw Failure(text: "\(script) printed no port")
        }
        // SIGKILL: the child inherits this process's blocked signals, SIGTERM among them.
        return ("http://127.0.0.1:\(port)/", { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() })
    }

    struct Outcome {
        var knee: Int?
        var settled: Bool
        var band: ClosedRange<Int>?
        var onset: Int?
        var old: Int?
        var oldOnset: Int?
        var runs: Int
        var seconds: Double
    }

    /// `best`'s answer on the sweep's runs, and the previous rule's.
    static func outcome(_ binary: URL, sweep: Int, db: String, seconds: Double) throws -> Outcome {
        let samples = try exported(binary, sweep: sweep, db: db)
        let answer = Knee.recommend(samples)
        let old = Knee.recommend(samples.map { var sample = $0; sample.steadyThroughput = nil; return sample })
        return Outcome(
            knee: answer.recommendedWorkers, settled: answer.settled, band: answer.band, onset: answer.errorOnsetWorkers,
            old: old.recommendedWorkers, oldOnset: old.errorOnsetWorkers, runs: samples.count, seconds: seconds
        )
    }

    static func table(sweeps: [Outcome], tunes: [Outcome], capacity: Int) -> String {
        var lines = [
            "| command | K answered | settled | band within [K−1, K+2] | errors at the answer | previous rule K | runs (mean, max) | seconds (mean, max) |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for (name, outcomes) in [("run + best", sweeps), ("tune 1...64", tunes)] {
            let n = outcomes.count
            func count(_ test: (Outcome) -> Bool) -> String { "\(outcomes.filter(test).count)/\(n)" }
            let runs = outcomes.map(\.runs)
            let seconds = outcomes.map(\.seconds)
            lines.append(
                "| \(name) | \(count { $0.knee == capacity }) | \(count(\.settled)) | "
                    + "\(count { $0.band.map { $0.lowerBound >= capacity - 1 && $0.upperBound <= capacity + 2 } ?? false }) | "
                    + "\(count { knee in knee.knee.flatMap { k in knee.onset.map { k >= $0 } } ?? false }) | "
                    + "\(count { $0.old == capacity }) | \(runs.reduce(0, +) / max(n, 1)), \(runs.max() ?? 0) | "
                    + String(format: "%.1f, %.1f |", seconds.reduce(0, +) / Double(max(n, 1)), seconds.max() ?? 0)
            )
            lines.append(
                "|  answers | \(outcomes.map { $0.knee.map(String.init) ?? "–" }.joined(separator: " ")) | | | | "
                    + "\(outcomes.map { $0.old.map(String.init) ?? "–" }.joined(separator: " ")) | | |"
            )
        }
        lines.append("| target | ≥ 9/10 | | ≥ 9/10 | 0 | | tune ≤ 40 | |")
        return lines.joined(separator: "\n")
    }

    struct Failure: Error, CustomStringConvertible {
        var text: String
        var description: String { text }
    }

    /// The sweep's runs as `best` sees them, from `export`.
    static func exported(_ binary: URL, sweep: Int, db: String) throws -> [Sample] {
        let text = try output(binary, ["export", "--sweep", String(sweep), "--db", db, "--format", "json"])
        return text.split(separator: "\n").compactMap { line in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let workers = object["workers"] as? Int, let throughput = object["throughput"] as? Double,
                  let tasks = object["tasks"] as? Int, let errors = object["errorCount"] as? Int else { return nil }
            return Sample(
                sweepID: Int64(sweep), sweepStartedAt: Date(timeIntervalSince1970: 0), workers: workers,
                throughput: throughput, wallSeconds: object["wallSeconds"] as? Double ?? 0, latencyP50: nil,
                latencyP99: nil, cpuSeconds: nil, tasks: tasks, errorCount: errors,
                steadyThroughput: object["steadyThroughput"] as? Double
            )
        }
    }

    static func json(_ binary: URL, _ arguments: [String]) throws -> [String: Any] {
        let text = try output(binary, arguments)
        guard let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
            throw Failure(text: "poolbench \(arguments.first ?? "") printed no JSON object")
        }
        return object
    }

    static func output(_ binary: URL, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(text: "poolbench \(arguments.joined(separator: " ")) exited \(process.terminationStatus)")
        }
        return String(decoding: data, as: UTF8.self)
    }

    static func timed<T>(_ body: () throws -> T) rethrows -> (T, Double) {
        let clock = ContinuousClock()
        let start = clock.now
        let value = try body()
        let elapsed = start.duration(to: clock.now)
        return (value, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
    }
}
