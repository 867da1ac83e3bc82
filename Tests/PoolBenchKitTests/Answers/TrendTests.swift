import Foundation
import Testing
@testable import PoolBenchKit

extension AnalysisTests {
    @Suite("Trend and change points")
    struct TrendTests {
        /// One sweep per level, hourly, 3 runs at 8 workers with relative noise.
        func history(_ levels: [Double], noise: Double, seed: UInt64) -> [Sample] {
            var synthetic = SyntheticRuns(seed: seed)
            return levels.enumerated().flatMap { index, level in
                synthetic.sweep(workers: [8], runs: 3, noise: noise, startedAt: Date(timeIntervalSince1970: 3_600 * Double(index))) { _ in level }
            }
        }

        /// Sweeps of literal run values, sweep IDs from 1.
        func sweeps(_ runs: [[Double]], p99: Bool = false) -> [Sample] {
            runs.enumerated().flatMap { index, values in
                values.map { value in
                    sample(
                        sweep: Int64(index + 1), at: Date(timeIntervalSince1970: Double(index)), workers: 8,
                        throughput: p99 ? 100 : value, latencyP99: p99 ? value : nil
                    )
                }
            }
        }

        /// Sweeps of 3 distinct runs around each level: level − 0.7, + 0.1,
        /// + 0.6, each shifted by a hundredth per sweep so no two runs tie.
        func steady(_ levels: [Double]) -> [[Double]] {
            levels.enumerated().map { index, level in
                [-0.7, 0.1, 0.6].map { level + $0 + 0.01 * Double(index) }
            }
        }

        @Test("A 20% drop against four steady sweeps is flagged at once with the exact p-value")
        func literalStep() throws {
            let report = Trend.analyze(sweeps(steady([100, 100, 100, 100, 80])))
            let change = try #require(report.changes.first)
            #expect(report.changes.count == 1)
            #expect(change.metric == .throughput && change.direction == .regression)
            #expect(change.sweepID == 5 && change.detectedAtSweepID == 5)
            // Window median: the mean of 100.11 and 100.12; the sweep's: 80.14.
            #expect(isClose(change.before, 100.115) && isClose(change.after, 80.14))
            #expect(isClose(change.relativeChange, 80.14 / 100.115 - 1))
            // Complete separation of 3 runs from 12: 2 / C(15, 3).
            #expect(isClose(change.pValue, 2.0 / 455))
            #expect(change.threshold == 0.05)
            #expect(report.hasRegression && report.currentLevelSince == 5)
        }

        @Test("After a change point the window restarts, so a return to the old level is a change too")
        func windowRestarts() {
            let report = Trend.analyze(sweeps(steady([100, 100, 100, 100, 80, 80, 80, 80, 100, 100])))
            #expect(report.changes.map(\.sweepID) == [5, 9])
            #expect(report.changes.map(\.direction) == [.regression, .improvement])
            #expect(isClose(report.changes.last?.before, 80.155))
            #expect(report.currentLevelSince == 9)
        }

        @Test("A step the first sweep cannot confirm is confirmed by pooling it with the next")
        func pooledConfirmation() throws {
            // Against a window of two sweeps, 3 runs can reach only p = 2/C(9, 3) ≈ 0.024.
            let report = Trend.analyze(sweeps(steady([100, 100, 120, 120])))
            let change = try #require(report.changes.first)
            #expect(report.changes.count == 1)
            #expect(change.sweepID == 3 && change.detectedAtSweepID == 4)
            // 6 pooled runs completely above 6: 2 / C(12, 6).
            #expect(isClose(change.pValue, 2.0 / 924))
            #expect(change.direction == .improvement)
        }

        @Test("A 20% step in 5% noise is flagged within two sweeps in at least 97 of 100 histories")
        func syntheticStepIsFlagged() {
            var flagged = 0, atStep = 0
            for seed: UInt64 in 1...100 {
                let down = seed % 2 == 0
                let levels = Array(repeating: 1_000.0, count: 8) + Array(repeating: down ? 800 : 1_200, count: 3)
                let report = Trend.analyze(history(levels, noise: 0.05, seed: seed))
                // Sweep IDs start at 1, so the step is sweep 9. A false alarm
                // before it (rare, see the stationary test) may come first.
                let step = report.changes.first { $0.sweepID >= 9 && $0.detectedAtSweepID <= 10 }
                if step?.direction == (down ? .regression : .improvement) { flagged += 1 }
                if step?.sweepID == 9 { atStep += 1 }
            }
            // Misses are a false alarm just before the step restarting the window,
            // or a step sweep that landed low in its noise (1.3% of 1,000 seeds).
            #expect(flagged >= 97, "\(flagged) of 100 flagged within two sweeps")
            #expect(atStep >= 95, "\(atStep) of 100 placed at the step")
        }

        @Test("Stationary 5% noise flags fewer than 1% of sweeps")
        func stationaryNoiseIsQuiet() {
            var flagged = 0, tested = 0
            for seed: UInt64 in 100..<140 {
                let report = Trend.analyze(history(Array(repeating: 500, count: 25), noise: 0.05, seed: seed))
                flagged += report.changes.count
                tested += report.sweeps.count - 1
            }
            #expect(tested == 960)
            #expect(Double(flagged) / Double(tested) < 0.01, "\(flagged) of \(tested) sweeps flagged")
        }

        @Test("A small shift within the noise threshold is not a change even when significant")
        func smallShiftIsIgnored() {
            // 4% lower and completely separated: significant, but below the 5% floor.
            let report = Trend.analyze(sweeps(steady([100, 100, 100, 100, 96])))
            #expect(report.changes.isEmpty)
        }

        @Test("Rising p99 latency is a regression and the window restarts after a change")
        func latencyRegressionAndRestart() throws {
            // Milliseconds, as seconds: 10 ms for four sweeps, then 13 ms.
            let runs = steady([10, 10, 10, 10, 13, 13, 13]).map { $0.map { $0 / 1_000 } }
            let report = Trend.analyze(sweeps(runs, p99: true))
            let change = try #require(report.changes.first)
            #expect(report.changes.count == 1)
            #expect(change.metric == .latencyP99 && change.direction == .regression && change.sweepID == 5)
            let medians = report.sweeps.compactMap(\.medianLatencyP99)
            #expect(zip(medians, [10.1, 10.11, 10.12, 10.13, 13.14, 13.15, 13.16]).allSatisfy { isClose($0 * 1_000, $1) })
            // Throughput never moved, so its level still starts at the first sweep.
            #expect(report.currentLevelSince == 1)
        }

        @Test("Sweeps are ordered by start time, not by ID")
        func sweepOrder() {
            let samples = [
                sample(sweep: 7, at: Date(timeIntervalSince1970: 20), workers: 4, throughput: 30),
                sample(sweep: 9, at: Date(timeIntervalSince1970: 10), workers: 4, throughput: 10),
                sample(sweep: 9, at: Date(timeIntervalSince1970: 10), workers: 4, throughput: 20),
            ]
            let report = Trend.analyze(samples)
            #expect(report.sweeps.map(\.sweepID) == [9, 7])
            #expect(report.sweeps.map(\.medianThroughput) == [15, 30])
            #expect(report.sweeps.map(\.runs) == [2, 1])
            #expect(report.sweeps[0].medianLatencyP99 == nil)
        }
    }
}
