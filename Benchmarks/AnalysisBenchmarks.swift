import Foundation
import PoolBenchKit

/// Timings of the statistics `best` and `trend` run on every answer: the
/// bootstrap band (budget: 20 worker counts × 5 runs × 1,000 resamples in
/// ≤ 50 ms), the scaling fits, and change-point detection.
enum AnalysisBenchmarks {
    static func run() async throws {
        let workers = Array(1...20)
        let samples = runs(workers: workers, runs: 5, seed: 1, curve: capacity)
        // USL with σ = 0.05, κ = 0.008: a peak near 11 workers, then decline.
        let retrograde = runs(workers: workers, runs: 5, seed: 2) { n in
            90 * n / (1 + 0.05 * (n - 1) + 0.008 * n * (n - 1))
        }
        let groups = workers.map { n in samples.filter { $0.workers == n }.map(\.throughput) }

        report("bootstrap band, measured knee (20 × 5 runs, 1,000 resamples)") {
            let knees = Bootstrap.resampledMedians(of: groups, resamples: 1_000, seed: 7) {
                workers[Knee.kneeIndex(of: $0, tolerance: 0.05) ?? 0]
            }
            return Bootstrap.percentileBand(knees)
        }
        for (shape, runs) in [("capacity 16", samples), ("retrograde", retrograde)] {
            let method = Knee.recommend(runs, seed: 7).method.rawValue
            report("Knee.recommend, \(shape) → \(method) refit band (20 × 5 runs, 1,000 resamples)") {
                Knee.recommend(runs, seed: 7)
            }
        }

        let uslWorkers: [Double] = [1, 18, 36, 72, 108, 144, 216]
        let uslThroughput: [Double] = [65, 996, 1652, 1853, 1829, 1775, 1702]
        report("USL fit, codahale/usl README data (7 points, 9 starts)") {
            ScalingFit.universalScalability(workers: uslWorkers, throughput: uslThroughput)
        }
        let medians = groups.map { $0.sorted()[$0.count / 2] }
        let x = workers.map(Double.init)
        report("USL fit, 20 points (9 starts)") {
            ScalingFit.universalScalability(workers: x, throughput: medians)
        }
        report("saturation fit, 20 points") {
            ScalingFit.saturation(workers: x, throughput: medians)
        }

        let history = (0..<50).flatMap { sweep in
            runs(workers: [8], runs: 3, seed: UInt64(100 + sweep), sweep: Int64(sweep), curve: capacity)
        }
        report("Trend.analyze, 50 sweeps × 3 runs") {
            Trend.analyze(history)
        }
    }

    /// Prints the fastest of several timed repetitions, in milliseconds.
    private static func report<T>(_ name: String, repetitions: Int = 7, _ body: () -> T) {
        var best = Duration.seconds(3_600)
        for _ in 0..<repetitions {
            let clock = ContinuousClock()
            var result: T?
            let elapsed = clock.measure { result = body() }
            withExtendedLifetime(result) {}
            best = min(best, elapsed)
        }
        let milliseconds = Double(best.components.attoseconds) / 1e15 + Double(best.components.seconds) * 1e3
        print(String(format: "%9.3f ms  %@", milliseconds, name))
    }

    /// A 16-slot server: min(N, 16) tasks of 20 ms at once.
    private static func capacity(_ workers: Double) -> Double {
        min(workers, 16) / 0.020
    }

    /// Runs following `curve` with 3% multiplicative noise.
    private static func runs(
        workers: [Int], runs: Int, seed: UInt64, sweep: Int64 = 1, curve: (Double) -> Double
    ) -> [Sample] {
        var generator = SeededGenerator(seed: seed)
        return workers.flatMap { n in
            (0..<runs).map { _ in
                let u1 = max(generator.nextUnit(), .leastNonzeroMagnitude)
                let gaussian = (-2 * log(u1)).squareRoot() * cos(2 * .pi * generator.nextUnit())
                let throughput = curve(Double(n)) * (1 + 0.03 * gaussian)
                return Sample(
                    sweepID: sweep, sweepStartedAt: Date(timeIntervalSince1970: Double(sweep) * 3_600),
                    workers: n, throughput: throughput, wallSeconds: 100 / throughput,
                    latencyP50: 0.020, latencyP99: 0.021, cpuSeconds: nil, tasks: 100
                )
            }
        }
    }
}
