import Foundation
import GRDB
import PoolBenchKit

/// Timings of `best`, `trend` and `history` over histories of a million and
/// ten million runs (budgets: ≤ 300 ms each at a million; at ten million
/// `best` and `trend` within 1.5× of their million-run time, `history`
/// ≤ 300 ms): the Kit call path the commands take — open, query, analysis,
/// report, formatting — stage by stage, then the built binary end to end,
/// and last the two sizes side by side.
///
/// The histories are generated here, never by the product: 3 workloads × 4
/// executors × 20 worker counts × 3 runs = 240 runs per sweep (a sweep runs
/// one workload), sweeps an hour apart on one 2-core host, written in one
/// transaction: every run through one prepared statement, every sweep
/// through another, and each sweep's series (`seriesSweep`, which `run`
/// writes with each run) through a third. `POOLBENCH_ANSWER_RUNS=1000000` limits the suite to one
/// size (ten million runs take about 3 GB of disk and minutes to write).
enum AnswerBenchmarks {
    static let runs = 1_000_000
    static let sizes: [Int] = {
        let given = ProcessInfo.processInfo.environment["POOLBENCH_ANSWER_RUNS"]?
            .split(separator: ",").compactMap { Int($0) } ?? []
        return given.isEmpty ? [1_000_000, 10_000_000] : given
    }()

    static func run() async throws {
        var medians: [Int: [String: Double]] = [:]
        for size in sizes {
            medians[size] = try measure(runs: size)
        }
        guard let small = sizes.first, sizes.count > 1 else { return }
        print("side by side (median ms of the whole call path):")
        for name in wholeCallPaths {
            var line = name.padding(toLength: 40, withPad: " ", startingAt: 0)
            for size in sizes {
                line += String(format: "  %@ runs: %7.1f", Formatting.grouped(size), medians[size]?[name] ?? .nan)
            }
            for size in sizes.dropFirst() {
                let ratio = (medians[size]?[name] ?? .nan) / (medians[small]?[name] ?? .nan)
                line += String(format: "  ×%.2f", ratio)
            }
            print(line)
        }
    }

    /// The measurements compared across sizes.
    static let wholeCallPaths = ["best", "trend", "history", "binary: poolbench best", "binary: poolbench trend", "binary: poolbench history"]

    /// Generates a history of `runs` runs, prints every timing, and returns
    /// the medians of those in `wholeCallPaths`.
    static func measure(runs: Int) throws -> [String: Double] {
        let directory = FileManager.default.temporaryDirectory.appending(path: "poolbench-answers-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appending(path: "history.sqlite").path
        var medians: [String: Double] = [:]

        let clock = ContinuousClock()
        let generation = try clock.measure { try generate(at: path, runs: runs) }
        let size = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        print(String(format: "history: %@ runs in %@ sweeps, %.0f MB, generated in %.1f s",
                     Formatting.grouped(runs), Formatting.grouped(sweeps(runs)), Double(size) / 1e6, seconds(generation)))

        // The commands' defaults: best reads 10 sweeps per series, trend 20.
        let filter = HistoryFilter()
        let (bestLast, trendLast) = (10, 20)
        let store = try SQLiteHistoryStore.open(path: path, create: false)
        let bestSeries = try store.seriesRuns(matching: filter, newestSweeps: bestLast)
        let trendSeries = try store.seriesRuns(matching: filter, newestSweeps: trendLast)
        print("series: \(bestSeries.count); runs read: \(Formatting.grouped(bestSeries.map(\.samples.count).reduce(0, +))) for best, "
              + "\(Formatting.grouped(trendSeries.map(\.samples.count).reduce(0, +))) for trend")

        report("query: seriesRuns, newest \(bestLast) sweeps per series") {
            try store.seriesRuns(matching: filter, newestSweeps: bestLast)
        }
        report("query: seriesRuns, newest \(trendLast) sweeps per series") {
            try store.seriesRuns(matching: filter, newestSweeps: trendLast)
        }
        report("best: BestAnswer (level, knee and band per series, executors)") {
            BestAnswer(series: bestSeries, newestSweeps: bestLast)
        }
        let best = BestReport(BestAnswer(series: bestSeries, newestSweeps: bestLast))
        report("best: table text") { try TextTableFormatter().format(best) }
        medians["best"] = report("best: whole call path (open, query, report, table)") {
            let store = try SQLiteHistoryStore.open(path: path, create: false)
            let report = BestReport(BestAnswer(series: try store.seriesRuns(matching: filter, newestSweeps: bestLast), newestSweeps: bestLast))
            return try TextTableFormatter().format(report)
        }
        report("trend: TrendAnswer (change points per worker count, drift per sweep)") {
            TrendAnswer(series: trendSeries, newestSweeps: trendLast)
        }
        let trend = TrendReport(TrendAnswer(series: trendSeries, newestSweeps: trendLast))
        report("trend: table text") { try TextTableFormatter().format(trend) }
        medians["trend"] = report("trend: whole call path (open, query, report, table)") {
            let store = try SQLiteHistoryStore.open(path: path, create: false)
            let output = TrendReport(TrendAnswer(series: try store.seriesRuns(matching: filter, newestSweeps: trendLast), newestSweeps: trendLast))
            return try TextTableFormatter().format(output)
        }
        report("trend: whole call path, JSON") {
            let store = try SQLiteHistoryStore.open(path: path, create: false)
            let output = TrendReport(TrendAnswer(series: try store.seriesRuns(matching: filter, newestSweeps: trendLast), newestSweeps: trendLast))
            return try JSONReportFormatter().format(output)
        }
        report("best --workload sleep --executor pool: whole call path") {
            let filter = HistoryFilter(workload: "sleep", executor: "pool")
            let store = try SQLiteHistoryStore.open(path: path, create: false)
            let report = BestReport(BestAnswer(series: try store.seriesRuns(matching: filter, newestSweeps: bestLast), newestSweeps: bestLast))
            return try TextTableFormatter().format(report)
        }
        report("best --last 20: whole call path") {
            let store = try SQLiteHistoryStore.open(path: path, create: false)
            let report = BestReport(BestAnswer(series: try store.seriesRuns(matching: filter, newestSweeps: 20), newestSweeps: 20))
            return try TextTableFormatter().format(report)
        }
        medians["history"] = report("history: newest 20 sweeps, whole call path") {
            let store = try SQLiteHistoryStore.open(path: path, create: false)
            let sweeps = try store.sweeps(matching: filter, newest: 20)
            let total = try store.sweepCount(matching: filter)
            return try TextTableFormatter().format(HistoryReport.sweeps(sweeps, matching: filter, total: total))
        }

        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appending(path: "poolbench")
        if FileManager.default.isExecutableFile(atPath: binary.path) {
            for command in [["best"], ["trend"], ["trend", "--format", "json"], ["best", "--last", "20"], ["history"]] {
                let name = "binary: poolbench \(command.joined(separator: " "))"
                medians[name] = report("\(name) (process start to exit)", repetitions: 5) {
                    try launch(binary, command + ["--db", path])
                }
            }
        } else {
            print("binary: build poolbench in the same configuration to time it end to end")
        }
        return medians
    }

    // MARK: - The history

    /// Name, parameters, throughput against workers, CPU seconds per task.
    static let workloads: [(name: String, parameters: String, curve: @Sendable (Double) -> Double, cpu: Double)] = [
        ("sleep", "duration=20ms capacity=16", { min($0, 16) / 0.020 }, 0.000_05),
        // Two cores, each worker past them costing 2%.
        ("cpu", "size=1000000", { 400 * min($0, 2) * (1 - 0.02 * max($0 - 2, 0)) }, 0.002_5),
        // The USL with σ = 0.1, κ = 0.004: a peak near 15 workers.
        ("file", "bytes=65536", { 300 * $0 / (1 + 0.1 * ($0 - 1) + 0.004 * $0 * ($0 - 1)) }, 0.001),
    ]
    static let executors = ["pool", "threads", "dispatch", "tasks"]
    static let workerCounts = Array(1...20)
    static let repeats = 3
    static let runsPerSweep = executors.count * workerCounts.count * repeats
    static func sweeps(_ runs: Int) -> Int { (runs + runsPerSweep - 1) / runsPerSweep }
    static let sweeps = sweeps(runs)

    /// Writes the history: the schema through `SQLiteHistoryStore` (its
    /// migrations), the rows in one transaction through one prepared
    /// statement per table. The `cpu` workload gets 10% faster 10 sweeps
    /// before the end, so `best` answers one series from a new level.
    static func generate(at path: String, runs: Int = runs) throws {
        let sweeps = sweeps(runs)
        _ = try SQLiteHistoryStore.open(path: path, create: true)
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            try db.execute(sql: """
                INSERT INTO host (name, os, kernel, cpuModel, logicalCores, memoryBytes, poolbenchVersion)
                VALUES ('bench-1', 'Linux', '6.1.0', 'Benchmark CPU', 2, 25769803776, '0.1.0')
                """)
            let hostID = db.lastInsertedRowID
            let sweep = try db.makeStatement(sql: """
                INSERT INTO sweep (id, uuid, hostId, status, startedAt, finishedAt, commandLine)
                VALUES (?, ?, ?, 'completed', ?, ?, ?)
                """)
            let run = try db.makeStatement(sql: """
                INSERT INTO run (uuid, sweepId, workload, parameters, executor, workers, tasks, repetition,
                    startedAt, wallSeconds, throughput, latencyP50, latencyP90, latencyP99, latencyMax,
                    cpuUserSeconds, cpuSystemSeconds, peakRssBytes, voluntaryContextSwitches,
                    involuntaryContextSwitches, errorCount)
                VALUES (?, ?, ?, ?, ?, ?, 100, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 52428800, 200, 3, 0)
                """)
            let seriesSweep = try db.makeStatement(sql: """
                INSERT INTO seriesSweep (workload, parameters, executor, machine, startedAt, sweepId)
                VALUES (?, ?, ?, 'bench-1', ?, ?)
                """)
            var generator = SeededGenerator(seed: 2026)
            var written = 0
            let start = Date(timeIntervalSince1970: 1_790_000_000)
            for index in 0..<sweeps {
                let id = Int64(index + 1)
                let workload = workloads[index % workloads.count]
                let startedAt = start.addingTimeInterval(3_600 * Double(index))
                let speedUp = workload.name == "cpu" && index >= sweeps - 10 ? 1.1 : 1.0
                sweep.setUncheckedArguments([
                    id, uuid(0, index), hostID, Timestamp.format(startedAt),
                    Timestamp.format(startedAt.addingTimeInterval(600)), "poolbench run \(workload.name)",
                ])
                try sweep.execute()
                for executor in executors where written < runs {
                    seriesSweep.setUncheckedArguments([
                        workload.name, workload.parameters, executor, Timestamp.format(startedAt), id,
                    ])
                    try seriesSweep.execute()
                    for workers in workerCounts {
                        for repetition in 0..<repeats where written < runs {
                            let throughput = workload.curve(Double(workers)) * speedUp * (1 + 0.03 * gaussian(&generator))
                            let wall = 100 / throughput
                            let latency = Double(workers) / throughput
                            run.setUncheckedArguments([
                                uuid(1, written), id, workload.name, workload.parameters, executor, workers, repetition,
                                Timestamp.format(startedAt.addingTimeInterval(Double(written % runsPerSweep))),
                                wall, throughput, latency, latency * 1.1, latency * 1.3, latency * 1.5,
                                100 * workload.cpu * 0.9, 100 * workload.cpu * 0.1,
                            ])
                            try run.execute()
                            written += 1
                        }
                    }
                }
            }
        }
        try queue.close()
    }

    /// Distinct, increasing UUID-shaped text, so the unique index only appends.
    static func uuid(_ kind: Int, _ index: Int) -> String {
        String(format: "%08x-0000-4000-8000-%012x", kind, index)
    }

    static func gaussian(_ generator: inout SeededGenerator) -> Double {
        let u1 = max(generator.nextUnit(), .leastNonzeroMagnitude)
        return (-2 * log(u1)).squareRoot() * cos(2 * .pi * generator.nextUnit())
    }

    // MARK: - Timing

    /// Prints the fastest and the median of several timed repetitions, in
    /// milliseconds, after one untimed warm-up.
    /// Returns the median, nil when the body failed.
    @discardableResult
    static func report<T>(_ name: String, repetitions: Int = 7, _ body: () throws -> T) -> Double? {
        do {
            _ = try body()
            var times: [Double] = []
            for _ in 0..<repetitions {
                var result: T?
                let elapsed = try ContinuousClock().measure { result = try body() }
                withExtendedLifetime(result) {}
                times.append(seconds(elapsed) * 1e3)
            }
            times.sort()
            print(String(format: "%9.1f ms  (median %.1f)  %@", times[0], times[times.count / 2], name))
            return times[times.count / 2]
        } catch {
            print("failed: \(name): \(error)")
            return nil
        }
    }

    static func launch(_ binary: URL, _ arguments: [String]) throws -> Int32 {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
