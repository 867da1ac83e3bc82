import Foundation
@testable import PoolBenchKit

/// A server with `capacity` slots served in arrival order, each task's
/// latency drawn from a seeded lognormal of mean 1 and coefficient of
/// variation `latencyCV`, run in virtual time: no clock, no sleeping.
///
/// N workers each send a task, wait for its answer and send the next, so at
/// most min(N, K) tasks are in service and each freed slot takes the next
/// task in line: a run's makespan is list scheduling of the task latencies,
/// in order, on min(N, K) slots, and its throughput tasks ÷ makespan.
struct NoisyServer {
    var capacity: Int
    var latencyCV: Double
    var tasks: Int
    var generator: SeededGenerator
    /// The second deviate of the last Box–Muller pair, not yet used.
    var spare: Double?

    init(capacity: Int, latencyCV: Double, tasks: Int = 60, seed: UInt64) {
        self.capacity = capacity
        self.latencyCV = latencyCV
        self.tasks = tasks
        generator = SeededGenerator(seed: seed)
    }

    /// One run at `workers` workers: its throughput in tasks per unit time.
    /// Written with plain loops over a buffer: the matrix runs millions of
    /// tasks in the unoptimised test build, where iterators cost.
    mutating func run(workers: Int) -> Double {
        let slots = min(workers, capacity)
        // ln L ~ N(μ, σ²) with σ² = ln(1 + CV²), μ = −σ²/2, so E[L] = 1.
        let variance = log(1 + latencyCV * latencyCV)
        let sigma = variance.squareRoot()
        var free = [Double](repeating: 0, count: slots)
        var makespan = 0.0
        free.withUnsafeMutableBufferPointer { free in
            var task = 0
            while task < tasks {
                var earliest = 0
                var slot = 1
                while slot < slots {
                    if free[slot] < free[earliest] { earliest = slot }
                    slot += 1
                }
                free[earliest] += latencyCV == 0 ? 1 : exp(-variance / 2 + sigma * gaussian())
                if free[earliest] > makespan { makespan = free[earliest] }
                task += 1
            }
        }
        return Double(tasks) / (makespan > 0 ? makespan : 1)
    }

    /// One task's latency: lognormal of mean 1 and CV `latencyCV`.
    mutating func latency() -> Double {
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
