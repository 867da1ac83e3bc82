import Foundation
import Testing
@testable import PoolBenchKit

extension AnalysisTests {
    @Suite("Latency limit")
    struct LatencyLimitTests {
        /// A server with `slots` slots serving 20 ms: throughput min(N, K) ÷ 20 ms,
        /// and past K every task waits its turn, so p99 ≈ ⌈N ÷ K⌉ × 20 ms.
        func queueing(slots: Int, workers: [Int], spread: [Double] = [0.98, 1.0, 1.02]) -> [Sample] {
            workers.flatMap { n in
                spread.map { factor in
                    sample(
                        workers: n, throughput: Double(min(n, slots)) / 0.020 * factor,
                        latencyP99: 0.020 * Double((n + slots - 1) / slots) * (2 - factor)
                    )
                }
            }
        }

        @Test func theAnswerIsTheCountWithTheMostThroughputWhoseP99StaysWithinTheLimit() throws {
            let answer = LatencyLimit.answer(queueing(slots: 8, workers: [1, 2, 4, 6, 8, 12, 16, 32]), limit: 0.030)
            #expect(answer.limitedWorkers == 8)
            #expect(answer.limitedBand == 8...8)
            #expect(answer.latencyLimit == 0.030)
            #expect(answer.points.filter(\.meetsLimit).map(\.workers) == [1, 2, 4, 6, 8])
            #expect(isClose(answer.limitedThroughput, 400, tolerance: 1e-9))
            #expect(!answer.largestTestedMeetsLimit)
            #expect(answer.sentence == "Under p99 ≤ 30ms: 8 workers, band 8…8 (400 tasks/s, median p99 20ms).")
        }

        @Test func aLooseLimitGivesTheKneeNotTheNoisiestCountPastIt() {
            // Every count meets 1 s; 12, 16 and 32 are as fast as 8 within noise.
            let answer = LatencyLimit.answer(queueing(slots: 8, workers: [1, 2, 4, 8, 12, 16, 32]), limit: 1)
            #expect(answer.limitedWorkers == 8)
        }

        @Test func aCountMeetsTheLimitWhenTheMedianOfItsRunsP99Does() {
            // One slow run in three at 4 workers does not condemn it; two do.
            let one = [0.010, 0.010, 0.090].map { sample(workers: 4, throughput: 200, latencyP99: $0) }
            let two = [0.010, 0.090, 0.090].map { sample(workers: 4, throughput: 200, latencyP99: $0) }
            let base = [0.010, 0.010, 0.010].map { sample(workers: 1, throughput: 60, latencyP99: $0) }
            #expect(LatencyLimit.answer(base + one, limit: 0.050).limitedWorkers == 4)
            #expect(LatencyLimit.answer(base + two, limit: 0.050).limitedWorkers == 1)
        }

        @Test func aLimitNoTestedCountMeetsGivesNoAnswerAndSaysSoInOneLine() {
            let answer = LatencyLimit.answer(queueing(slots: 8, workers: [1, 2, 4, 8, 16]), limit: 0.005)
            #expect(answer.limitedWorkers == nil && answer.limitedBand == nil)
            #expect(answer.sentence == "Under p99 ≤ 5ms: no tested worker count meets the limit "
                + "(the lowest median p99 was 20ms at 1 worker), so there is no recommendation under it.")
            #expect(!answer.sentence.contains("\n"))
        }

        @Test func runsWithoutALatencyGiveNoAnswer() {
            let answer = LatencyLimit.answer([sample(workers: 1, throughput: 10), sample(workers: 2, throughput: 20)], limit: 1)
            #expect(answer.limitedWorkers == nil)
            #expect(answer.sentence == "Under p99 ≤ 1s: no recommendation; no run recorded a p99 task latency.")
        }

        @Test func theLargestTestedCountMeetingTheLimitSaysMoreMightToo() {
            let answer = LatencyLimit.answer(queueing(slots: 64, workers: [1, 2, 4, 8]), limit: 0.030)
            #expect(answer.limitedWorkers == 8 && answer.largestTestedMeetsLimit)
        }

        @Test func theBandWidensWhereNoiseBlursTheEdgeOfTheLimit() {
            // p99 at 8 straddles the limit from run to run.
            let runs = queueing(slots: 16, workers: [1, 2, 4]) + [0.025, 0.029, 0.031, 0.033, 0.027].map {
                sample(workers: 8, throughput: 400, latencyP99: $0)
            }
            let answer = LatencyLimit.answer(runs, limit: 0.030)
            #expect(answer.limitedWorkers == 8)
            #expect(answer.limitedBand == 4...8)
        }

        @Test func tuneProbesBelowTheKneeOnlyWhenTheKneeBreaksTheLimit() {
            // Probed 1, 2, 4, 8, 16: the knee is 8 and meets 30 ms.
            let probed = queueing(slots: 8, workers: [1, 2, 4, 8, 16])
            #expect(LatencyLimit.nextProbe(probed, limit: 0.030, knee: 8) == nil)
            // 6 slots: knee 8 (p99 40 ms) breaks it and 4 meets it; bisect 4…8.
            let six = queueing(slots: 6, workers: [1, 2, 4, 8, 16])
            #expect(LatencyLimit.nextProbe(six, limit: 0.030, knee: 8) == 6)
            #expect(LatencyLimit.nextProbe(six + queueing(slots: 6, workers: [6]), limit: 0.030, knee: 8) == 7)
            #expect(LatencyLimit.nextProbe(six + queueing(slots: 6, workers: [6, 7]), limit: 0.030, knee: 8) == nil)
            // Nothing meets 5 ms and 1 was measured: nothing left to try.
            #expect(LatencyLimit.nextProbe(six, limit: 0.005, knee: 8) == nil)
        }

        @Test func probingBelowTheKneeMeasuresUntilTheEdgeIsFound() async throws {
            var runs = queueing(slots: 6, workers: [1, 2, 4, 8, 16])
            let probed = try await LatencyLimit.probeBelowKnee(8, limit: 0.030, repeats: 3, runs: { runs }) { workers in
                runs += queueing(slots: 6, workers: [workers], spread: [1])
            }
            #expect(probed == [6, 7])
            #expect(runs.filter { $0.workers == 6 }.count == 3)
            #expect(LatencyLimit.answer(runs, limit: 0.030).limitedWorkers == 6)
        }
    }
}
