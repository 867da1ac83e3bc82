import Foundation
import Testing
@testable import PoolBenchKit

extension AnalysisTests {
    /// `--max-p99` settled like the knee: seeded sweeps of a 4-slot server
    /// (lognormal latency, CV 0.25, 60 tasks per run) whose clients take half
    /// a service time between tasks, so throughput still rises up to 6
    /// workers while tasks already queue and p99 climbs from 5 on — with
    /// `run --repeat auto --max-p99 D`'s sampler in the loop, beside the
    /// previous rule (each count's median p99 ≤ D, the knee of the medians
    /// of those) on the first three runs per count of the same sweeps.
    /// Virtual time only: no timing claims.
    @Suite("Latency limit on a queueing server", .serialized)
    struct LatencyLimitMatrixTests {
        static let workers = [1, 2, 3, 4, 6, 8, 12]
        static let sweeps = 200

        static func server(seed: UInt64) -> NoisyServer {
            var server = NoisyServer(capacity: 4, latencyCV: 0.25, seed: seed)
            server.turnaround = 0.5
            return server
        }

        /// Each count's true p99, as the decision estimates it: the geometric
        /// mean of 1,000 runs' p99.
        static let truth: [Int: Double] = {
            var server = Self.server(seed: 999_999)
            return Dictionary(uniqueKeysWithValues: workers.map { n in
                (n, exp((0..<1_000).map { _ in log(server.runWithLatency(workers: n).p99) }.reduce(0, +) / 1_000))
            })
        }()

        struct Outcome {
            var answer: LatencyLimitedAnswer
            var runs: Int
            var previous: Int?
        }

        /// One `run --repeat auto --max-p99 limit` sweep within its default
        /// budget (12 runs per point), answered as `best --max-p99` would.
        static func sweep(seed: UInt64, limit: Double) async throws -> Outcome {
            var server = Self.server(seed: seed)
            var measured: [Sample] = []
            let points = workers.map { SweepPoint(executor: .pool, workers: $0) }
            let firstRound: [ScheduledRun] = (0..<3).flatMap { round in points.map { ScheduledRun(point: $0, repetition: round) } }
            let result = try await SettlingSampler(latencyLimit: limit).sample(
                firstRound: firstRound, budget: SamplingBudget(maxRuns: 12 * points.count)
            ) { entry in
                let run = server.runWithLatency(workers: entry.point.workers)
                measured.append(sample(workers: entry.point.workers, throughput: run.throughput, latencyP99: run.p99))
                return MeasuredRun(throughput: run.throughput, latencyP99: run.p99)
            }
            return Outcome(
                answer: LatencyLimit.answer(measured, limit: limit, resamples: 0), runs: result.outcome.runs,
                previous: previousRule(Array(measured.prefix(firstRound.count)), limit: limit)
            )
        }

        /// The rule before: a count meets when the median of its runs' p99
        /// does, and the answer is the first median within 5% of the
        /// largest among those — kept only to compare on the same sweeps.
        static func previousRule(_ runs: [Sample], limit: Double) -> Int? {
            let byWorkers = Dictionary(grouping: runs, by: \.workers)
            let counts = byWorkers.keys.sorted()
            let curve = counts.map { n -> Double in
                let group = byWorkers[n, default: []]
                guard let p99 = Descriptive.median(group.compactMap(\.latencyP99)), p99 <= limit else { return .nan }
                return Descriptive.median(group.map(\.throughput)) ?? .nan
            }
            return Knee.kneeIndex(of: curve, tolerance: 0.05).map { counts[$0] }
        }

        @Test("under a limit between 6's and 8's p99, run --repeat auto --max-p99 answers 6 in 99% of sweeps and never a count beyond the limit")
        func limitBetweenTwoCounts() async throws {
            let truth = Self.truth
            let limit = (truth[6]! * truth[8]!).squareRoot()
            #expect(truth[6]! < limit && limit < truth[8]!)
            var answers: [Int?: Int] = [:], previous: [Int?: Int] = [:]
            var settled = 0, runs = 0, breaking = 0
            for seed in 0..<UInt64(Self.sweeps) {
                let outcome = try await Self.sweep(seed: seed, limit: limit)
                answers[outcome.answer.limitedWorkers, default: 0] += 1
                previous[outcome.previous, default: 0] += 1
                if outcome.answer.settled { settled += 1 }
                if let answer = outcome.answer.limitedWorkers, truth[answer]! > limit { breaking += 1 }
                runs += outcome.runs
            }
            print("""
                p99 limit \(limit) between 6 (\(truth[6]!)) and 8 (\(truth[8]!)): answers \(Self.describe(answers)), \
                settled \(settled)/\(Self.sweeps), mean runs \(Double(runs) / Double(Self.sweeps)); \
                previous rule on 3 runs per count: \(Self.describe(previous))
                """)
            #expect(answers[6, default: 0] * 100 >= 99 * Self.sweeps, "\(answers)")
            #expect(breaking == 0)
        }

        @Test("a count whose p99 is the limit itself mostly stays undecided, and is the answer by luck in at most 5% of sweeps")
        func countAtTheLimitStaysUndecided() async throws {
            let truth = Self.truth
            let limit = truth[6]!
            var verdicts: [LatencyDecision.Verdict?: Int] = [:], answers: [Int?: Int] = [:], previous: [Int?: Int] = [:]
            var breaking = 0
            for seed in 0..<UInt64(Self.sweeps) {
                let outcome = try await Self.sweep(seed: 10_000 + seed, limit: limit)
                verdicts[outcome.answer.verdict(at: 6), default: 0] += 1
                answers[outcome.answer.limitedWorkers, default: 0] += 1
                previous[outcome.previous, default: 0] += 1
                if let answer = outcome.answer.limitedWorkers, truth[answer]! > limit { breaking += 1 }
            }
            print("""
                p99 limit at 6's own p99 (\(limit)): 6 \(verdicts.map { "\($0.key?.rawValue ?? "-") \($0.value)" }.sorted()), \
                answers \(Self.describe(answers)); previous rule: \(Self.describe(previous))
                """)
            #expect(verdicts[.undecided, default: 0] * 100 >= 85 * Self.sweeps, "\(verdicts)")
            #expect(answers[6, default: 0] * 100 <= 5 * Self.sweeps, "\(answers)")
            #expect(breaking == 0)
        }

        static func describe(_ answers: [Int?: Int]) -> String {
            answers.sorted { ($0.key ?? 0) < ($1.key ?? 0) }.map { "\($0.key.map(String.init) ?? "none") \($0.value)" }
                .joined(separator: ", ")
        }
    }
}
