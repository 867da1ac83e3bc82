import Foundation
import Testing
@testable import PoolBenchKit

extension AnalysisTests {
    @Suite("Steady-state throughput")
    struct SteadyThroughputTests {
        @Test func itIsTheWorkersInFlightOverTheMeanLatencyOfTheTasksAfterTheFirstWave() {
            // Two workers: one runs tasks 0, 2, 4, 5, the other 1 and 3. The
            // first wave (tasks 0 and 1) is left out of the mean latency.
            let estimate = SteadyThroughput.estimate(
                taskStarts: [0, 0, 5, 9, 6, 7], taskSeconds: [5, 9, 1, 2, 1, 4], failed: Array(repeating: false, count: 6),
                workers: 2
            )
            #expect(estimate == 2.0 * 4 / 8)
        }

        @Test func failedTasksOccupyWorkersButAreNotThroughput() {
            let estimate = SteadyThroughput.estimate(
                taskStarts: [0, 1, 2, 3], taskSeconds: [1, 1, 1, 1], failed: [false, false, true, false], workers: 1
            )
            #expect(estimate == 1.0 * 2 / 3)
        }

        @Test func aPoolRunningFewerTasksAtOnceThanItHasWorkersIsMeasuredAtWhatItRan() {
            // Four workers, but two cores: two 1-second tasks at a time.
            let estimate = SteadyThroughput.estimate(
                taskStarts: [0, 0, 1, 1, 2, 2, 3, 3], taskSeconds: Array(repeating: 1, count: 8),
                failed: Array(repeating: false, count: 8), workers: 4
            )
            #expect(estimate == 2)
        }

        @Test func withNoMoreTasksThanWorkersThereIsNoWindow() {
            #expect(SteadyThroughput.estimate(taskStarts: [0, 0], taskSeconds: [1, 1], failed: [false, false], workers: 2) == nil)
            #expect(SteadyThroughput.estimate(taskStarts: [0, 0, 0], taskSeconds: [1, 1, 1], failed: [false, false, false], workers: 1) == nil)
            #expect(SteadyThroughput.estimate(taskStarts: [], taskSeconds: [], failed: [], workers: 1) == nil)
        }

        func measured(_ executor: ExecutorKind, starts: [Double]) -> PoolBenchKit.Measurement {
            var result = ExecutionResult(wallSeconds: 2, latencies: Array(repeating: 0.5, count: 8), errorCount: 0, firstError: nil)
            result.taskStarts = starts
            result.taskSeconds = Array(repeating: 0.5, count: 8)
            result.taskFailed = Array(repeating: false, count: 8)
            return PoolBenchKit.Measurement(
                point: SweepPoint(executor: executor, workers: 2), tasks: 8, startedAt: Date(timeIntervalSince1970: 0),
                result: result,
                usage: ResourceUsage(userSeconds: 0, systemSeconds: 0, peakRssBytes: 0, voluntaryContextSwitches: 0, involuntaryContextSwitches: 0),
                bytesReceived: nil
            )
        }

        @Test func aStoredRunKeepsItBesideTheWholeRunsThroughputAndSamplingUsesIt() throws {
            let workload = WorkloadSpec.sleep(duration: 0.5, capacity: nil)
            let run = measured(.pool, starts: [0, 0, 0.5, 0.5, 1, 1, 1.5, 1.5]).record(sweepId: 1, workload: workload, repetition: 0)
            #expect(run.throughput == 4)
            #expect(run.steadyThroughput == 4)
            let one = measured(.sequential, starts: (0..<8).map { Double($0) / 2 }).record(sweepId: 1, workload: workload, repetition: 0)
            #expect(one.steadyThroughput == 2, "sequential has one worker whatever the sweep asks")
            var slower = run
            slower.steadyThroughput = 3
            #expect(slower.measuredRun.throughput == 3)
        }

        @Test func anExecutorReportsEveryTasksStartAndSecondsInTaskOrder() async throws {
            let result = try await PoolExecutor().execute(try SleepWorkload(duration: 0), tasks: 7, workers: 3)
            #expect(result.taskSeconds.count == 7 && result.taskStarts.count == 7)
            #expect(result.taskFailed == Array(repeating: false, count: 7))
        }

        /// The per-run noise of both measures, as the standard deviation of
        /// log throughput over seeded simulated runs (in percent: for small
        /// spreads it is the CV of throughput), at K − 1, K and on the
        /// plateau (2K). Virtual time; the figures are printed and, seeded,
        /// exactly reproducible.
        @Test("the steady measure is less noisy at K − 1, K and on the plateau", arguments: [
            (10, 0.5, nil as Double?), (16, 0.5, nil), (6, 0.5, nil), (6, 0, 2.0), (10, 0, 1.5),
        ])
        func lessNoise(capacity: Int, cv: Double, pareto: Double?) {
            var server = NoisyServer(capacity: capacity, latencyCV: cv, paretoShape: pareto, seed: 2026)
            var rows: [String] = []
            for workers in [capacity - 1, capacity, 2 * capacity] {
                var wall: [Double] = [], steady: [Double] = []
                for _ in 0..<2_000 {
                    let both = server.runBoth(workers: workers)
                    wall.append(log(both.wall))
                    steady.append(log(both.steady))
                }
                let before = Descriptive.standardDeviation(wall) ?? .nan
                let after = Descriptive.standardDeviation(steady) ?? .nan
                rows.append(String(format: "N=%d %.1f%% → %.1f%%", workers, 100 * before, 100 * after))
                #expect(after < before, "N=\(workers)")
            }
            let shape = pareto.map { "Pareto \($0)" } ?? "lognormal CV \(cv)"
            print("noise of log throughput, K=\(capacity) \(shape), 60 tasks, wall → steady: " + rows.joined(separator: ", "))
        }
    }
}
