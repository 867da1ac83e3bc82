import Foundation
@testable import PoolBenchKit

/// A server with `capacity` slots served in arrival order, each task's
/// service time drawn from a seeded lognormal of mean 1 and coefficient of
/// variation `latencyCV` (or, with `paretoShape`, a Pareto of mean 1 and
/// that shape), run in virtual time: no clock, no sleeping.
///
/// N workers each send a task, wait for its answer and send the next, so at
/// most min(N, K) tasks are in service and each freed slot takes the next
/// task in line: a run's makespan is list scheduling of the service times,
/// in order, on min(N, K) slots. A task's latency, as its worker sees it, is
/// its wait in line plus its service.
///
/// `run` returns the throughput the decision uses (`measure`): by default
/// the steady-state one, `SteadyThroughput` on the task latencies; `.wall`
/// gives tasks ÷ makespan, the measure before it, on the same draws.
struct NoisyServer {
    enum Measure: Sendable { case wall, steady }

    var capacity: Int
    var latencyCV: Double
    /// Pareto service times of this shape (mean 1) instead of lognormal.
    var paretoShape: Double?
    var tasks: Int
    var measure = Measure.steady
    /// The client's time between an answer and its worker's next task, in
    /// mean service times: with it a K-slot server is saturated only from
    /// K × (1 + turnaround) workers, so throughput still rises past K while
    /// tasks already queue, as against a real server.
    var turnaround = 0.0
    /// Whether `runBoth` keeps each task's latency in `latencies`.
    var keepsLatencies = false
    /// The latencies of the last run's tasks, when `keepsLatencies`.
    var latencies: [Double] = []
    var generator: SeededGenerator
    /// The second deviate of the last Box–Muller pair, not yet used.
    var spare: Double?

    init(capacity: Int, latencyCV: Double, paretoShape: Double? = nil, tasks: Int = 60, seed: UInt64) {
        self.capacity = capacity
        self.latencyCV = latencyCV
        self.paretoShape = paretoShape
        self.tasks = tasks
        generator = SeededGenerator(seed: seed)
    }

    /// One run at `workers` workers: its throughput in tasks per unit time,
    /// by `measure`.
    mutating func run(workers: Int) -> Double {
        let both = runBoth(workers: workers)
        return measure == .wall ? both.wall : both.steady
    }

    /// One run at `workers` workers: tasks ÷ makespan, and the steady-state
    /// throughput (the wall one when there is no window, as poolbench does).
    /// Written with plain loops over buffers: the matrix runs millions of
    /// tasks in the unoptimised test build, where iterators cost.
    mutating func runBoth(workers: Int) -> (wall: Double, steady: Double) {
        var workerFree = [Double](repeating: 0, count: workers)
        var slotFree = [Double](repeating: 0, count: min(workers, capacity))
        var makespan = 0.0
        var busy = 0.0
        if keepsLatencies { latencies.removeAll(keepingCapacity: true) }
        for task in 0..<tasks {
            let service = latency()
            let sent = Self.takeEarliest(&workerFree)
            let slot = Self.earliest(slotFree)
            let end = max(sent, slotFree[slot]) + service
            slotFree[slot] = end
            workerFree[workerFree.count - 1] = end + turnaround
            if end > makespan { makespan = end }
            if task >= workers { busy += end - sent + turnaround }
            if keepsLatencies { latencies.append(end - sent) }
        }
        let wall = Double(tasks) / (makespan > 0 ? makespan : 1)
        guard tasks > workers, busy > 0 else { return (wall, wall) }
        return (wall, Double(workers) * Double(tasks - workers) / busy)
    }

    /// One run at `workers` workers: its throughput by `measure` and the
    /// p99 of its task latencies, as poolbench computes a run's.
    mutating func runWithLatency(workers: Int) -> (throughput: Double, p99: Double) {
        keepsLatencies = true
        let throughput = run(workers: workers)
        return (throughput, LatencySummary(latencies)?.p99 ?? .nan)
    }

    /// The index of the smallest value (the first of equals).
    static func earliest(_ free: [Double]) -> Int {
        var earliest = 0
        var i = 1
        while i < free.count {
            if free[i] < free[earliest] { earliest = i }
            i += 1
        }
        return earliest
    }

    /// The smallest value, moved to the end so the caller can overwrite it.
    static func takeEarliest(_ free: inout [Double]) -> Double {
        let i = earliest(free)
        free.swapAt(i, free.count - 1)
        return free[free.count - 1]
    }

    /// One task's service time: lognormal of mean 1 and CV `latencyCV`, or
    /// Pareto of mean 1 and shape α, x = xₘ·U^(−1/α) with xₘ = (α − 1)/α.
    mutating func latency() -> Double {
        if let shape = paretoShape {
            let u = max(generator.nextUnit(), .leastNonzeroMagnitude)
            return (shape - 1) / shape * pow(u, -1 / shape)
        }
        guard latencyCV > 0 else { return 1 }
        let variance = log(1 + latencyCV * latencyCV)
        return exp(-variance / 2 + variance.squareRoot() * gaussian())
    }

    /// A standard normal deviate (Box–Muller, both of each pair used).
    mutating func gaussian() -> Double {
        if let spare {
            self.spare = nil
            return spare
        }
        let u1 = max(generator.nextUnit(), .leastNonzeroMagnitude)
        let u2 = generator.nextUnit()
        let radius = (-2 * log(u1)).squareRoot()
        spare = radius * sin(2 * .pi * u2)
        return radius * cos(2 * .pi * u2)
    }

    /// `run --repeat auto` against this server: the first round of three
    /// runs per count, then the shared sampler's rounds within `budget`.
    mutating func sweepUntilSettled(
        workers: [Int], sampler: SettlingSampler, budget: SamplingBudget
    ) async throws -> (runs: [Int: [Double]], outcome: SamplingOutcome) {
        let points = workers.map { SweepPoint(executor: .pool, workers: $0) }
        let firstRound: [ScheduledRun] = (0..<3).flatMap { round in points.map { ScheduledRun(point: $0, repetition: round) } }
        var server = self
        let result = try await sampler.sample(firstRound: firstRound, budget: budget) { entry in
            server.run(workers: entry.point.workers)
        }
        self = server
        return (Dictionary(uniqueKeysWithValues: result.throughput.map { ($0.key.workers, $0.value) }), result.outcome)
    }
}

/// The rule `best` answered with before: the first count whose median is
/// within the tolerance of the largest median — kept here only to measure
/// the new rule against it on the same sweeps.
func oldKnee(_ runs: [Int: [Double]], tolerance: Double = 0.05) -> Int? {
    let workers = runs.keys.sorted()
    let medians = workers.map { Descriptive.median(runs[$0, default: []]) ?? .nan }
    return Knee.kneeIndex(of: medians, tolerance: tolerance).map { workers[$0] }
}

/// `tune`'s search before: doubling and bisection on the largest probed
/// median, extra runs only within 2 × noise of the cut — kept only for the
/// comparison.
struct OldKneeSearch {
    var maxWorkers: Int
    var tolerance = 0.05
    var repeats = 3
    var extraRepeats = 3

    func run(measure: (Int) -> Double) -> (knee: Int, runs: Int) {
        var throughput: [Int: [Double]] = [:]
        func probe(_ workers: Int) {
            for _ in 0..<repeats { throughput[workers, default: []].append(measure(workers)) }
        }
        func median(_ workers: Int) -> Double { Descriptive.median(throughput[workers] ?? []) ?? 0 }
        func cut() -> Double { (1 - tolerance) * (throughput.values.compactMap { Descriptive.median($0) }.max() ?? 0) }
        func bracket() -> (knee: Int, below: Int?) {
            let counts = throughput.keys.sorted()
            let knee = counts.first { median($0) >= cut() } ?? counts.last ?? 1
            return (knee, counts.last { $0 < knee })
        }
        func isWithinNoise(_ runs: [Double]) -> Bool {
            guard let m = Descriptive.median(runs), let noise = Descriptive.relativeNoise(runs) else { return false }
            return abs(m - cut()) <= 2 * noise * m
        }
        probe(1)
        var current = 1
        while current < maxWorkers {
            let next = min(2 * current, maxWorkers)
            probe(next)
            defer { current = next }
            if median(next) <= 0 || median(next) < (1 + tolerance) * median(current) { break }
        }
        var knee = 1
        while true {
            var b = bracket()
            for workers in [b.knee, b.below].compactMap({ $0 }) {
                while let runs = throughput[workers], runs.count < repeats + extraRepeats, isWithinNoise(runs) {
                    throughput[workers, default: []].append(measure(workers))
                }
            }
            b = bracket()
            knee = b.knee
            guard let below = b.below, b.knee - below > 1 else { break }
            probe((below + b.knee) / 2)
        }
        return (knee, throughput.values.map(\.count).reduce(0, +))
    }
}
