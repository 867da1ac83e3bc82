import Foundation
import Testing
@testable import PoolBenchKit

extension AnalysisTests {
    /// The acceptance matrix for servers that push back: seeded sweeps of a
    /// token-bucket server (429 past its rate) and a load-shedding server
    /// (503 past K in service), K ∈ {4, 10, 16}, 60 tasks per run, latency CV
    /// 0.25 and 0.5 (see `PushbackServer`), with the sampler in the loop as `run --repeat auto` + `best` and
    /// `tune` run them within their default budgets — and, on the same seeds,
    /// the previous rule: the same decision on the whole run's throughput
    /// instead of the steady-state one. Virtual time only: no timing claims.
    ///
    /// 100 sweeps per case by default; `POOLBENCH_NOISE_MATRIX=full swift
    /// test --filter Pushback` runs 500 and asserts the same targets.
    @Suite("Knee on a server that pushes back", .serialized)
    struct PushbackKneeTests {
        struct Case: Sendable, CustomStringConvertible {
            var kind: PushbackServer.Kind
            var capacity: Int
            var description: String { "\(kind) K=\(capacity)" }

            /// The error-free knee: K, or 15 beside 16 (60 tasks take four
            /// rounds on either; see `NoisyKneeTests.Case.knees`).
            var knees: Set<Int> { capacity == 16 ? [15, 16] : [capacity] }
        }

        static let sweeps = NoisyKneeTests.sweeps
        static let cases = [PushbackServer.Kind.tokenBucket, .loadShedding].flatMap { kind in
            [4, 10, 16].map { Case(kind: kind, capacity: $0) }
        }

        struct Tally: CustomStringConvertible {
            var label: String
            var sweeps = 0, hits = 0, pastLimit = 0, significant = 0, settled = 0, runs = 0, maxRuns = 0
            var oldHits = 0, oldPastLimit = 0, oldRuns = 0
            var answers: [Int: Int] = [:]

            mutating func add(knee: Int?, onset: Int?, settled: Bool, runs: Int, old: Int?, oldRuns: Int, c: Case) {
                sweeps += 1
                answers[knee ?? 0, default: 0] += 1
                if let knee, c.knees.contains(knee) { hits += 1 }
                if let knee, knee > c.capacity { pastLimit += 1 }
                if let knee, let onset, knee >= onset { significant += 1 }
                if settled { self.settled += 1 }
                self.runs += runs
                maxRuns = max(maxRuns, runs)
                if let old, c.knees.contains(old) { oldHits += 1 }
                if let old, old > c.capacity { oldPastLimit += 1 }
                self.oldRuns += oldRuns
            }

            var hitRate: Double { Double(hits) / Double(max(sweeps, 1)) }

            var description: String {
                func p(_ count: Int) -> String { String(format: "%.1f%%", 100 * Double(count) / Double(max(sweeps, 1))) }
                return "\(label): error-free knee in \(p(hits)), a count past the limit in \(p(pastLimit)), "
                    + "a count with significant errors in \(p(significant)), settled \(p(settled)); "
                    + "runs mean \(runs / max(sweeps, 1)), max \(maxRuns); "
                    + "previous rule: error-free knee in \(p(oldHits)), past the limit in \(p(oldPastLimit)), "
                    + "runs mean \(oldRuns / max(sweeps, 1)); answers \(answers.sorted { $0.key < $1.key })"
            }
        }

        /// Never a count with significant errors, nor one past the limit, in
        /// any sweep; the error-free knee in ≥ 95% of sweeps, except where
        /// `floors` says (at what they measured, less a point).
        func expectAcceptance(_ tally: Tally, _ c: Case, floors: [String: Double] = [:]) {
            #expect(tally.significant == 0, "\(tally)")
            #expect(tally.pastLimit == 0, "\(tally)")
            #expect(tally.hitRate >= floors[c.description] ?? 0.95, "\(tally)")
        }

        /// Below 95% for the noise below the limit, not for the errors: up to
        /// K the load-shedding server is `NoisyServer`'s K-slot server at CV
        /// 0.5, whose knee the same budgets do not always settle either (see
        /// `NoisyKneeTests.tuneFloors`), and its plateau ends at K, so the
        /// level the knee is judged against pools two or three counts instead
        /// of K. Every miss is a count below K, never one with errors.
        /// Measured over 500 sweeps, previous rule (whole-run throughput) on
        /// the same seeds beside: run + best K = 16 100.0%, was 87.6%; tune
        /// K = 10 93.4%, was 76.8%; tune K = 16 95.4%, was 46.8%. Token
        /// bucket: 99.8–100% everywhere, was 94.8–100%.
        static let runFloors: [String: Double] = [:]
        static let tuneFloors = ["503 load shedding K=10": 0.84, "503 load shedding K=16": 0.88]

        /// `run --repeat auto` against `server` over 1…2K: the first round of
        /// three runs per count, then the sampler's rounds within its budget.
        func sweep(_ server: inout PushbackServer, sampler: SettlingSampler) async throws
            -> (runs: [Int: [Double]], tallies: [Int: TaskTally], perRun: [(Int, MeasuredRun)], outcome: SamplingOutcome) {
            let workers = Array(1...(2 * server.capacity))
            let points = workers.map { SweepPoint(executor: .pool, workers: $0) }
            let firstRound: [ScheduledRun] = (0..<3).flatMap { round in points.map { ScheduledRun(point: $0, repetition: round) } }
            var perRun: [(Int, MeasuredRun)] = []
            var copy = server
            let result = try await sampler.sample(
                firstRound: firstRound, budget: SamplingBudget(maxRuns: 8 * workers.count),
                measureRun: { entry -> MeasuredRun? in
                    let run = copy.run(workers: entry.point.workers)
                    perRun.append((entry.point.workers, run))
                    return run
                }
            )
            server = copy
            return (
                Dictionary(uniqueKeysWithValues: result.throughput.map { ($0.key.workers, $0.value) }),
                Dictionary(uniqueKeysWithValues: result.errors.map { ($0.key.workers, $0.value) }), perRun, result.outcome
            )
        }

        @Test("run --repeat auto and best never name a count the server refuses", arguments: cases)
        func sweepUntilSettled(_ c: Case) async throws {
            var tally = Tally(label: "run auto 1...\(2 * c.capacity) \(c)")
            let sampler = SettlingSampler()
            for seed in 0..<UInt64(Self.sweeps) {
                var server = PushbackServer(kind: c.kind, capacity: c.capacity, seed: seed &* 7919 &+ 1)
                var oldServer = server
                oldServer.latency.measure = .wall
                let new = try await sweep(&server, sampler: sampler)
                let decision = sampler.decision(new.runs, errors: new.tallies)
                let old = try await sweep(&oldServer, sampler: sampler)
                tally.add(
                    knee: decision?.knee, onset: sampler.errors(new.tallies).onsetWorkers, settled: decision?.settled ?? false,
                    runs: new.outcome.runs, old: sampler.decision(old.runs, errors: old.tallies)?.knee, oldRuns: old.outcome.runs, c: c
                )
            }
            print(tally)
            expectAcceptance(tally, c, floors: Self.runFloors)
        }

        @Test("tune never names a count the server refuses, in under 40 runs", arguments: cases)
        func tune(_ c: Case) async throws {
            var tally = Tally(label: "tune 1...64 \(c)")
            let search = KneeSearch(maxWorkers: 64, tasks: 60)
            for seed in 0..<UInt64(Self.sweeps) {
                var server = PushbackServer(kind: c.kind, capacity: c.capacity, seed: seed &* 104_729 &+ 3)
                var oldServer = server
                oldServer.latency.measure = .wall
                let outcome = try await search.run(measureRun: { server.run(workers: $0) })
                let old = try await search.run(measureRun: { oldServer.run(workers: $0) })
                let decision = SettlingSampler().decision(outcome.throughput, errors: outcome.errors)
                tally.add(
                    knee: outcome.knee, onset: outcome.errorOnset, settled: decision?.settled ?? false, runs: outcome.runs,
                    old: old.knee, oldRuns: old.runs, c: c
                )
            }
            print(tally)
            expectAcceptance(tally, c, floors: Self.tuneFloors)
            #expect(tally.maxRuns < 40, "\(tally)")
        }

        @Test("best's own answer on a pushing-back sweep is the sampler's, with the onset and its kind")
        func recommendAgreesWithTheSampler() async throws {
            var server = PushbackServer(kind: .tokenBucket, capacity: 8, seed: 11)
            let sampler = SettlingSampler()
            let result = try await sweep(&server, sampler: sampler)
            let samples = result.perRun.map { workers, run in
                Sample(
                    sweepID: 1, sweepStartedAt: Date(timeIntervalSince1970: 0), workers: workers, throughput: run.throughput,
                    wallSeconds: 1, latencyP50: nil, latencyP99: nil, cpuSeconds: nil, tasks: run.tally!.tasks,
                    errorCount: run.tally!.failed, failures: FailureCounts(run.tally!.failed > 0 ? [.http(429): run.tally!.failed] : [:])
                )
            }
            let recommendation = Knee.recommend(samples, seed: 1)
            #expect(recommendation.recommendedWorkers == sampler.decision(result.runs, errors: result.tallies)?.knee)
            #expect(recommendation.recommendedWorkers == 8)
            #expect(recommendation.errorOnsetWorkers == 9)
            #expect(recommendation.errorOnset?.kinds.map(\.kind) == ["http 429"])
            #expect(recommendation.points.filter(\.significantErrors).map(\.workers) == Array(9...16))
            #expect(recommendation.plateauReached && recommendation.nextRange == nil)
        }
    }
}
