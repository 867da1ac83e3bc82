import Foundation
@testable import PoolBenchKit
import Testing

/// Every suite about best, trend and compare nests here, so
/// `swift test --filter Answers` runs exactly them.
@Suite("Answers")
enum AnswersTests {}

/// Writes seeded synthetic sweeps into a history, an hour apart, as
/// `poolbench run` would have stored them.
struct SyntheticHistory {
    let store: SQLiteHistoryStore
    var generator: SeededGenerator
    var hour = 0.0

    init(seed: UInt64, store: SQLiteHistoryStore? = nil) throws {
        self.store = try store ?? SQLiteHistoryStore.inMemory()
        generator = SeededGenerator(seed: seed)
    }

    /// A standard normal deviate (Box–Muller).
    mutating func gaussian() -> Double {
        let u1 = max(generator.nextUnit(), .leastNonzeroMagnitude)
        return (-2 * log(u1)).squareRoot() * cos(2 * .pi * generator.nextUnit())
    }

    /// One sweep: `runs` runs of every executor at every worker count, with
    /// throughput `curve(executor, N)` × (1 + noise·Z) and task latency at
    /// one worker of `taskSeconds`; each run keeps `spec` as its workload.
    @discardableResult
    mutating func sweep(
        workload: String = "sleep", parameters: String = "duration=20ms capacity=16", executors: [String] = ["pool"],
        workers: [Int], runs: Int = 3, noise: Double = 0.03, label: String? = nil, host: HostRecord = .fixture,
        testbed: String? = nil, taskSeconds: Double = 0.020, cpuSecondsPerTask: Double? = nil, spec: WorkloadSpec? = nil,
        curve: (String, Int) -> Double
    ) throws -> SweepRecord {
        let startedAt = Date(timeIntervalSince1970: 1_795_000_000 + 3_600 * hour)
        hour += 1
        let hostID = try store.host(host).id!
        let sweep = try store.beginSweep(
            SweepRecord(hostId: hostID, startedAt: startedAt, commandLine: "poolbench run \(workload)", label: label, testbed: testbed)
        )
        for executor in executors {
            for n in workers {
                for repetition in 0..<runs {
                    let throughput = curve(executor, n) * (1 + noise * gaussian())
                    let tasks = 100
                    try store.save(RunRecord(
                        sweepId: sweep.id!, workload: workload, parameters: parameters, executor: executor, workers: n,
                        tasks: tasks, repetition: repetition, startedAt: startedAt, wallSeconds: Double(tasks) / throughput,
                        throughput: throughput, latencyP50: taskSeconds, latencyP90: taskSeconds,
                        latencyP99: taskSeconds * 1.05, latencyMax: taskSeconds * 1.1,
                        cpuUserSeconds: cpuSecondsPerTask.map { $0 * Double(tasks) }, cpuSystemSeconds: cpuSecondsPerTask.map { _ in 0 },
                        workloadSpec: spec?.storedJSON
                    ))
                }
            }
        }
        try store.finishSweep(id: sweep.id!, status: .completed, at: startedAt.addingTimeInterval(60))
        return sweep
    }
}

/// A server with `slots` slots serving 20 ms tasks: min(N, slots) / 20 ms.
func capacity(_ slots: Int) -> (String, Int) -> Double {
    { _, n in Double(min(n, slots)) / 0.020 }
}

/// Renders a report as a person or a machine would read it.
func render(_ report: some Report, as format: ReportFormat) throws -> String {
    try format.formatter.format(report)
}

func jsonObject(_ report: some Report) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(try render(report, as: .json).utf8)) as? [String: Any])
}

/// `best`'s answer as `best` prints it.
func render(_ answer: BestAnswer, as format: ReportFormat) throws -> String {
    try render(BestReport(answer), as: format)
}

func jsonObject(_ answer: BestAnswer) throws -> [String: Any] {
    try jsonObject(BestReport(answer))
}

/// `trend`'s answer as `trend` prints it.
func render(_ answer: TrendAnswer, as format: ReportFormat) throws -> String {
    try render(TrendReport(answer), as: format)
}

func jsonObject(_ answer: TrendAnswer) throws -> [String: Any] {
    try jsonObject(TrendReport(answer))
}
