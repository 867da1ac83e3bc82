import Foundation
@testable import PoolBenchKit
import Testing

/// Every Analysis suite nests here, so `swift test --filter Analysis` runs
/// exactly them.
@Suite("Analysis")
enum AnalysisTests {}

/// |a − b| ≤ tolerance · max(|b|, 1): relative for large values, absolute
/// near zero.
func isClose(_ a: Double?, _ b: Double, tolerance: Double = 1e-12) -> Bool {
    guard let a else { return false }
    return abs(a - b) <= tolerance * max(abs(b), 1)
}

/// |a − b| ≤ tolerance · |b|: purely relative, for golden values far below
/// 1 (κ ≈ 10⁻⁴), where `isClose`'s absolute floor would accept anything.
func relative(_ a: Double?, _ b: Double, tolerance: Double) -> Bool {
    guard let a else { return false }
    return abs(a - b) <= tolerance * abs(b)
}

/// Synthetic runs for the acceptance tests: deterministic for a seed.
struct SyntheticRuns {
    var generator: SeededGenerator
    var nextSweep: Int64 = 1

    init(seed: UInt64) {
        generator = SeededGenerator(seed: seed)
    }

    /// A standard normal deviate (Box–Muller).
    mutating func gaussian() -> Double {
        let u1 = max(generator.nextUnit(), .leastNonzeroMagnitude)
        let u2 = generator.nextUnit()
        return (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
    }

    /// `runs` runs at each worker count of `workers`, throughput
    /// `curve(N)` times (1 + noise·Z), all in one sweep.
    mutating func sweep(
        workers: [Int], runs: Int, noise: Double, startedAt: Date = Date(timeIntervalSince1970: 0),
        curve: (Int) -> Double
    ) -> [Sample] {
        let id = nextSweep
        nextSweep += 1
        var samples: [Sample] = []
        for n in workers {
            for _ in 0..<runs {
                samples.append(sample(sweep: id, at: startedAt, workers: n, throughput: curve(n) * (1 + noise * gaussian())))
            }
        }
        return samples
    }
}

/// A run with only the fields a test cares about filled in.
func sample(
    sweep: Int64 = 1, at date: Date = Date(timeIntervalSince1970: 0), workers: Int, throughput: Double,
    latencyP50: Double? = nil, latencyP99: Double? = nil, cpuSeconds: Double? = nil, tasks: Int = 100
) -> Sample {
    Sample(
        sweepID: sweep, sweepStartedAt: date, workers: workers, throughput: throughput,
        wallSeconds: Double(tasks) / throughput, latencyP50: latencyP50, latencyP99: latencyP99,
        cpuSeconds: cpuSeconds, tasks: tasks
    )
}
