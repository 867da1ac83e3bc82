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

        @Test func aCountWhoseRunsStraddleTheLimitIsUndecidedAndNeverTheAnswer() throws {
            // By the median of its runs, 4 workers met 50 ms with one slow run
            // in three; that run's spread leaves every count open instead.
            let base = [0.010, 0.011, 0.012].map { sample(workers: 1, throughput: 60, latencyP99: $0) }
            let slow = [0.010, 0.010, 0.090].map { sample(workers: 4, throughput: 200, latencyP99: $0) }
            let open = LatencyLimit.answer(base + slow, limit: 0.050)
            #expect(open.limitedWorkers == nil && !open.settled)
            #expect(open.verdict(at: 4) == .undecided && open.undecidedWorkers.contains(4))
            #expect(open.sentence.hasSuffix("not settled at 99% confidence: counts 1, 4 undecided; "
                + "more runs there (--repeat auto) or more --tasks per run would decide."), "\(open.sentence)")
            let quiet = [0.010, 0.011, 0.012].map { sample(workers: 4, throughput: 200, latencyP99: $0) }
            let answer = LatencyLimit.answer(base + quiet, limit: 0.050)
            #expect(answer.limitedWorkers == 4 && answer.settled && answer.verdict(at: 4) == .meets)
        }

        @Test func verdictsAreOneSidedTBoundsOfTheMeanLogP99AgainstTheLimit() throws {
            let p99 = [[0.010, 0.011, 0.012], [0.014, 0.015, 0.016], [0.020, 0.022, 0.024]]
            let decision = LatencyDecision.decide(
                workers: [1, 2, 4], throughput: [[10, 10, 10], [20, 20, 20], [40, 40, 40]], latencyP99: p99, limit: 0.015,
                tolerance: 0.05
            )
            #expect(decision.counts.map(\.verdict) == [.meets, .undecided, .exceeds])
            // s² pools the three counts' squares over ν = 9 − 3 = 6.
            let logs = p99.map { $0.map { log($0) } }
            let means = logs.map { $0.reduce(0, +) / 3 }
            let squares = zip(logs, means).map { group, mean in group.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) }.reduce(0, +)
            let margin = KneeDecision.studentQuantile(0.99, degrees: 6) * (squares / 6).squareRoot() / 3.0.squareRoot()
            #expect(isClose(decision.counts[1].upper, exp(means[1] + margin), tolerance: 1e-12))
            #expect(isClose(decision.counts[1].lower, exp(means[1] - margin), tolerance: 1e-12))
            #expect(isClose(decision.counts[1].latencyP99, exp(means[1]), tolerance: 1e-12))
            // The answer is the knee of the counts that meet, and 2 is still open.
            #expect(decision.answer == 1 && !decision.settled && decision.undecided == [2])
        }

        @Test func countsPastTheFirstThatExceedsAreNotWaitedFor() {
            // 4's p99 is the limit itself, past 2, which exceeds it.
            let p99 = [[0.010, 0.011, 0.012], [0.040, 0.044, 0.048], [0.018, 0.020, 0.022]]
            let decision = LatencyDecision.decide(
                workers: [1, 2, 4], throughput: [[10, 10, 10], [20, 20, 20], [40, 40, 40]], latencyP99: p99, limit: 0.020,
                tolerance: 0.05
            )
            #expect(decision.counts.map(\.verdict) == [.meets, .exceeds, .undecided])
            #expect(decision.latencyUndecided.isEmpty && decision.settled && decision.answer == 1)
        }

        @Test func oneRunPerCountDecidesNothingAndSaysWhy() {
            let runs = [1, 2, 4].map { sample(workers: $0, throughput: Double($0) * 50, latencyP99: 0.010) }
            let answer = LatencyLimit.answer(runs, limit: 1)
            #expect(answer.limitedWorkers == nil && !answer.settled && answer.points.allSatisfy { $0.verdict == .undecided })
            #expect(answer.sentence == "Under p99 ≤ 1s: no recommendation yet; one run per count gives no spread to judge p99 by, "
                + "so no count meets the limit with confidence: measure with --repeat auto.")
        }

        @Test func theSamplerRunsAgainWhereTheP99VerdictIsOpenOnlyUnderALimit() {
            // The knee (4) is settled; 8's p99 straddles 30 ms.
            let throughput: [Int: [Double]] = [1: [50, 50, 51], 2: [100, 99, 101], 4: [200, 201, 199], 8: [200, 199, 201]]
            let latencies: [Int: [Double]] = [
                1: [0.020, 0.021, 0.019], 2: [0.020, 0.021, 0.019], 4: [0.020, 0.021, 0.019], 8: [0.025, 0.030, 0.035],
            ]
            #expect(SettlingSampler().openCounts(throughput, latencies: latencies).isEmpty)
            let sampler = SettlingSampler(latencyLimit: 0.030)
            #expect(sampler.openCounts(throughput, latencies: latencies) == [8])
            let points = Dictionary(uniqueKeysWithValues: throughput.map { (SweepPoint(executor: .pool, workers: $0.key), $0.value) })
            let p99 = Dictionary(uniqueKeysWithValues: latencies.map { (SweepPoint(executor: .pool, workers: $0.key), $0.value) })
            #expect(sampler.nextRound(points, latencies: p99) == [SweepPoint(executor: .pool, workers: 8)])
            #expect(sampler.undecided(points, latencies: p99) == ["pool": [8]])
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
            // By its median (29 ms) 8 met the limit and was the answer; its
            // runs straddle it, so it is undecided and the answer is 4 until
            // more runs decide, the band reaching 8.
            #expect(answer.limitedWorkers == 4 && !answer.settled)
            #expect(answer.verdict(at: 8) == .undecided && answer.undecidedWorkers == [8])
            #expect(answer.limitedBand == 4...8)
            #expect(answer.sentence.contains("; not settled at 99% confidence: count 8 undecided;"), "\(answer.sentence)")
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

        @Test func tuneSamplesTheOpenCountsUntilTheAnswerUnderTheLimitSettles() async throws {
            // 6 slots and a limit of 30 ms: the first runs at 6 are far apart
            // (8 ms and 32 ms), which leaves counts open after the probes find
            // 6 and 7; sampling runs there until the answer is settled.
            var runs = queueing(slots: 6, workers: [1, 2, 4, 8, 16])
            var measured: [Int] = []
            let sampler = SettlingSampler(latencyLimit: 0.030)
            let probed = try await LatencyLimit.probeBelowKnee(
                8, limit: 0.030, repeats: 1, sampler: sampler, runs: { runs }, allowed: { measured.count < 40 }
            ) { workers in
                runs += queueing(slots: 6, workers: [workers], spread: measured.isEmpty ? [0.4, 1.6] : [1])
                measured.append(workers)
            }
            #expect(!LatencyLimit.decision(Array(runs.prefix(17)), limit: 0.030).settled)
            let answer = LatencyLimit.answer(runs, limit: 0.030)
            #expect(probed == [6, 7] && measured.count > 2 && measured.count < 40, "\(measured)")
            #expect(answer.settled && answer.limitedWorkers == 6)
        }
    }
}
