import Foundation
import PoolBenchKit

/// Real sweeps and real `tune`s against a noisy loopback server whose
/// capacity K is known: `HTTPTestServer` holding each response a lognormal
/// time of mean 20 ms and CV 0.5, at most K at once. Each case runs the
/// release `poolbench` (built beside this benchmark) as a user would:
///
/// - `run http --workers 1...16 --tasks 60` (`--repeat auto`, the default)
///   then `best --sweep N`, ten times;
/// - `tune http --max-workers 64 --tasks 60`, ten times;
///
/// and prints how often the answer was K, the runs and seconds each took,
/// and beside it the old rule on the same runs: the first median within 5%
/// of the largest median (for `run`, on each count's first three runs, as
/// `--repeat 3` measured them; for `tune`, on its probes). Targets: K in at
/// least 9 of 10 for both, every tune in at most 40 runs.
/// `POOLBENCH_NOISE_SWEEPS` changes the ten, `POOLBENCH_NOISE_CAPACITIES`
/// the capacities (default 8,6).
enum NoiseBenchmarks {
    static let latency = 0.020
    static let latencyCV = 0.5
    static let tasks = 60

    static func run() async throws {
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appending(path: "poolbench")
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            print("skipped: build poolbench first (swift build -c release)")
            return
        }
        let repetitions = ProcessInfo.processInfo.environment["POOLBENCH_NOISE_SWEEPS"].flatMap(Int.init) ?? 10
        let capacities = (ProcessInfo.processInfo.environment["POOLBENCH_NOISE_CAPACITIES"] ?? "8,6")
            .split(separator: ",").compactMap { Int($0) }
        for capacity in capacities {
            let server = try HTTPTestServer(.init(latency: latency, capacity: capacity, latencyCV: latencyCV))
            defer { server.stop() }
            let directory = FileManager.default.temporaryDirectory.appending(path: "poolbench-noise-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let db = directory.appending(path: "history.sqlite").path
            let http = ["http", "--url", server.url, "--tasks", String(tasks), "--db", db]

            var sweeps: [Outcome] = []
            var tunes: [Outcome] = []
            for _ in 0..<repetitions {
                let (sweep, sweepSeconds) = try timed { try json(binary, ["run"] + http + ["--workers", "1...16", "--format", "json"]) }
                guard let id = sweep["sweepId"] as? Int else { throw Failure(text: "run printed no sweepId") }
                let best = try json(binary, ["best", "--sweep", String(id), "--db", db, "--format", "json"])
                let answer = (best["answers"] as? [[String: Any]])?.first ?? [:]
                let runs = try exported(binary, sweep: id, db: db)
                sweeps.append(Outcome(
                    knee: answer["recommendedWorkers"] as? Int, settled: answer["settled"] as? Bool ?? false,
                    old: oldKnee(runs.filter { $0.repetition < 3 }), runs: runs.count, seconds: sweepSeconds
                ))

                let (tune, tuneSeconds) = try timed { try json(binary, ["tune"] + http + ["--max-workers", "64", "--format", "json"]) }
                let recommendation = tune["recommendation"] as? [String: Any] ?? [:]
                let tuneRuns = try exported(binary, sweep: tune["sweepId"] as? Int ?? -1, db: db)
                tunes.append(Outcome(
                    knee: recommendation["recommendedWorkers"] as? Int, settled: recommendation["settled"] as? Bool ?? false,
                    old: oldKnee(tuneRuns), runs: tuneRuns.count, seconds: tuneSeconds
                ))
            }
            print("\nServer: capacity K = \(capacity), lognormal latency mean 20 ms, CV \(latencyCV); \(tasks) tasks per run.\n")
            print("| command | K answered | settled | old rule K | runs (mean, max) | seconds (mean, max) |")
            print("|---|---|---|---|---|---|")
            for (name, outcomes) in [("run 1...16 + best", sweeps), ("tune 1...64", tunes)] {
                let hits = outcomes.filter { $0.knee == capacity }.count
                let oldHits = outcomes.filter { $0.old == capacity }.count
                let settled = outcomes.filter(\.settled).count
                let runs = outcomes.map(\.runs)
                let seconds = outcomes.map(\.seconds)
                print("| \(name) | \(hits)/\(outcomes.count) | \(settled)/\(outcomes.count) | \(oldHits)/\(outcomes.count) | "
                    + "\(runs.reduce(0, +) / max(runs.count, 1)), \(runs.max() ?? 0) | "
                    + String(format: "%.1f, %.1f |", seconds.reduce(0, +) / Double(max(seconds.count, 1)), seconds.max() ?? 0))
                print("|  answers | \(outcomes.map { $0.knee.map(String.init) ?? "–" }.joined(separator: " ")) | | "
                    + "\(outcomes.map { $0.old.map(String.init) ?? "–" }.joined(separator: " ")) | | |")
            }
            print("| target | ≥ 9/10 | | | tune ≤ 40 | |")
        }
    }

    struct Outcome {
        var knee: Int?
        var settled: Bool
        var old: Int?
        var runs: Int
        var seconds: Double
    }

    struct Failure: Error, CustomStringConvertible {
        var text: String
        var description: String { text }
    }

    struct Run {
        var workers: Int
        var repetition: Int
        var throughput: Double
    }

    /// The old rule: the first count whose median is within 5% of the
    /// largest median.
    static func oldKnee(_ runs: [Run]) -> Int? {
        let groups = Dictionary(grouping: runs, by: \.workers)
        let workers = groups.keys.sorted()
        let medians = workers.map { Descriptive.median(groups[$0, default: []].map(\.throughput)) ?? 0 }
        return Knee.kneeIndex(of: medians, tolerance: 0.05).map { workers[$0] }
    }

    static func exported(_ binary: URL, sweep: Int, db: String) throws -> [Run] {
        let text = try output(binary, ["export", "--sweep", String(sweep), "--db", db, "--format", "json"])
        return text.split(separator: "\n").compactMap { line in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let workers = object["workers"] as? Int, let repetition = object["repetition"] as? Int,
                  let throughput = object["throughput"] as? Double else { return nil }
            return Run(workers: workers, repetition: repetition, throughput: throughput)
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
