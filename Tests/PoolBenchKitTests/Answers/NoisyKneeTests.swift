import Foundation
import Testing
@testable import PoolBenchKit

extension AnalysisTests {
    /// The acceptance matrix: seeded sweeps of a noisy K-slot server with
    /// the sampler in the loop, as `run --repeat auto` + `best` and `tune`
    /// would run them within their default budgets, beside the old rule on
    /// the same sweeps. Virtual time only: no timing claims. One case at a
    /// time: each holds a thread of the shared pool for seconds without
    /// suspending, and two at once starve the HTTP timeout tests beside them.
    ///
    /// By default each case runs the first 100 seeded sweeps, so the suite
    /// stays fast in a debug build. The claim is over at least 500
    /// sweeps per case: `POOLBENCH_NOISE_MATRIX=full swift test --filter
    /// NoisyKnee` runs 500 and asserts the same floors, which hold at both
    /// sizes (the figures beside `tuneFloors`).
    @Suite("Knee on a noisy server", .serialized)
    struct NoisyKneeTests {
        struct Case: Sendable, CustomStringConvertible {
            var capacity: Int
            var latencyCV: Double
            var tasks = 60
            var description: String { "K=\(capacity) CV=\(latencyCV)" }

            /// The counts that are the knee by definition. 60 tasks on 16
            /// slots take 4 rounds at 15 workers as at 16, so with constant
            /// latency 15 is the knee; with lognormal latency 15 measures
            /// 94.9% (CV 0.25), 95.6% (CV 0.5) and 96.9% (CV 1.0) of 16
            /// (20,000 simulated runs each): at the cut, either answer is right.
            var knees: Set<Int> { capacity == 16 ? [15, 16] : [capacity] }
        }

        static let sweeps = ProcessInfo.processInfo.environment["POOLBENCH_NOISE_MATRIX"] == "full" ? 500 : 100
        static let cases = [4, 10, 16].flatMap { k in [0, 0.25, 0.5, 1.0].map { Case(capacity: k, latencyCV: $0) } }

        struct Tally: CustomStringConvertible {
            var label: String
            var sweeps = 0, hits = 0, bandHolds = 0, settled = 0, settledWrong = 0, oldHits = 0, runs = 0, maxRuns = 0
            var hitRate: Double { Double(hits) / Double(sweeps) }
            var bandRate: Double { Double(bandHolds) / Double(sweeps) }
            var settledWrongRate: Double { Double(settledWrong) / Double(sweeps) }
            var oldRate: Double { Double(oldHits) / Double(sweeps) }

            mutating func add(knee: Int?, band: ClosedRange<Int>?, settled: Bool, old: Int?, runs: Int, truth: Set<Int>) {
                sweeps += 1
                let right = knee.map(truth.contains) ?? false
                if right { hits += 1 }
                if let band, truth.contains(where: band.contains) { bandHolds += 1 }
                if settled { self.settled += 1 }
                if settled && !right { settledWrong += 1 }
                if let old, truth.contains(old) { oldHits += 1 }
                self.runs += runs
                maxRuns = max(maxRuns, runs)
            }

            var description: String {
                func p(_ x: Double) -> String { String(format: "%.1f%%", 100 * x) }
                return "\(label): K in \(p(hitRate)), band holds K in \(p(bandRate)), settled \(p(Double(settled) / Double(sweeps))), "
                    + "settled on another count \(p(settledWrongRate)); runs mean \(runs / max(sweeps, 1)), max \(maxRuns); "
                    + "old rule K in \(p(oldRate))"
            }
        }

        /// The targets: for CV ≤ 0.5 the answer is K in ≥ 95% of sweeps and
        /// the band holds K in ≥ 90%; at CV 1.0 a settled answer other than
        /// K in ≤ 5%, band holding K in ≥ 90%. `floors` lists the cases the
        /// default budget does not reach, at what they measured (seeded, so
        /// exactly reproducible) less a point: telling a count at 91–92% of the
        /// plateau from the 5% cut with 10–12% run-to-run noise needs ~40 runs
        /// there and as many on the plateau, more than tune's 39 in all.
        func expectAcceptance(_ tally: Tally, _ c: Case, floors: [String: (hit: Double, band: Double)] = [:]) {
            let floor = floors[c.description]
            if c.latencyCV <= 0.5 {
                #expect(tally.hitRate >= floor?.hit ?? 0.95, "\(tally)")
            }
            #expect(tally.bandRate >= floor?.band ?? 0.90, "\(tally)")
            #expect(tally.settledWrongRate <= 0.05, "\(tally)")
            #expect(c.latencyCV > 0 || tally.oldRate <= tally.hitRate, "\(tally)")
        }

        // Every `run` case meets the targets, so it has no floors. The
        // closest, K=16 CV 0.5, names 15 or 16 in 95.8% of 500 sweeps and
        // 96.0% of the first 100 (old rule 21.6%, 24.0%; 92.6% of 500 before
        // the plateau took the counts between its ends and kept pace with
        // the open counts), in 250 of 256 runs on average.

        /// Below the targets because the budget is: see
        /// `tuneFloorBelongsToTheProblem`, where even a search that knows K
        /// falls short. Measured K in, over 500 sweeps (first 100): K=10 CV 0.5 77.4%
        /// (82.0%), old rule 32.2%; K=16 CV 0.5 89.0% (88.0%), old rule 64.2%.
        /// Before the contiguous plateau, `KneeSearch.reachable` and the
        /// widened band they measured 71.6% and 47.0%. Every other case meets
        /// the targets: K=16 CV 0.25 98.0% (was 93.8%), bands at CV 1.0 95.2%
        /// (K=10) and 98.0% (K=16), were 70.4% and 71.4%; at most 39 runs.
        static let tuneFloors: [String: (hit: Double, band: Double)] = [
            "K=10 CV=0.5": (0.76, 0.90), "K=16 CV=0.5": (0.87, 0.90),
        ]

        /// `best`'s knee and band on one series' runs, by worker count:
        /// `Knee.recommend`'s own steps without the fits, which never move
        /// the knee and would make 6,000 sweeps slow.
        func answer(_ runs: [Int: [Double]], seed: UInt64) -> (knee: Int?, band: ClosedRange<Int>?, settled: Bool) {
            let workers = runs.keys.sorted()
            let groups = workers.map { runs[$0, default: []] }
            guard let decision = KneeDecision.decide(workers: workers, groups: groups, tolerance: 0.05),
                  let knee = decision.knee, let index = workers.firstIndex(of: knee) else { return (nil, nil, false) }
            let band = Knee.band(
                workers, groups, knee: index, tolerance: 0.05, confidence: decision.confidence, resamples: 100, seed: seed,
                decision: decision
            )
            return (knee, band, decision.settled)
        }

        @Test("run --repeat auto and best name K on a noisy K-slot server", arguments: cases)
        func sweepUntilSettled(_ c: Case) async throws {
            var tally = Tally(label: "run auto 1...\(2 * c.capacity) \(c)")
            let workers = Array(1...(2 * c.capacity))
            for seed in 0..<UInt64(Self.sweeps) {
                var server = NoisyServer(capacity: c.capacity, latencyCV: c.latencyCV, tasks: c.tasks, seed: seed &* 7919 &+ 1)
                let (runs, outcome) = try await server.sweepUntilSettled(
                    workers: workers, sampler: SettlingSampler(), budget: SamplingBudget(maxRuns: 8 * workers.count)
                )
                let found = answer(runs, seed: seed)
                tally.add(
                    knee: found.knee, band: found.band, settled: found.settled,
                    old: oldKnee(runs.mapValues { Array($0.prefix(3)) }), runs: outcome.runs, truth: c.knees
                )
            }
            print(tally)
            expectAcceptance(tally, c)
        }

        @Test("tune names K on a noisy K-slot server in under 40 runs", arguments: cases)
        func tune(_ c: Case) async throws {
            var tally = Tally(label: "tune 1...64 \(c)")
            for seed in 0..<UInt64(Self.sweeps) {
                var server = NoisyServer(capacity: c.capacity, latencyCV: c.latencyCV, tasks: c.tasks, seed: seed &* 104_729 &+ 3)
                var oldServer = server
                let outcome = try await KneeSearch(maxWorkers: 64, tasks: c.tasks).run { server.run(workers: $0) }
                let found = answer(outcome.throughput, seed: seed)
                let old = OldKneeSearch(maxWorkers: 64).run { oldServer.run(workers: $0) }
                tally.add(
                    knee: found.knee, band: found.band, settled: found.settled, old: old.knee, runs: outcome.runs, truth: c.knees
                )
            }
            print(tally)
            expectAcceptance(tally, c, floors: Self.tuneFloors)
            #expect(tally.maxRuns < 40)
        }

        /// Why `tuneFloors` are floors of the problem, not of the search: an
        /// allocation that knows K is 10 spends one run at each of 1, 2, 4
        /// and 8, then the other 35 in the split that served best among all
        /// it was tried with (9: 10 runs, 10: 11, the plateau 12, 20 and 40:
        /// 14), and still names 10 in only 72.8% of 500 seeded sweeps (69.0%
        /// of the first 100; the best of the splits tried, 72.6% of 1,000). 9
        /// measures 91.6% of the plateau, 3.6% in log from the cut, with 9.3%
        /// run-to-run noise: at 10 runs beside 25 the estimate lands on the
        /// wrong side of the cut too often. The search does better (77.4%)
        /// because with 60 tasks `KneeSearch.reachable` rules 9 out in 61% of
        /// searches; where it probes 9 it names 10 in 74.6%, and elsewhere
        /// in 79.2%, the rest lost to 10 measuring below the cut. Given 100
        /// runs (`--max-runs 100`) it named 10 in 93.0% of 500.
        /// Should this fail, the decision has grown stronger: raise the floors.
        @Test("even a search that knows K cannot name 10 in 95% of 39-run searches at CV 0.5")
        func tuneFloorBelongsToTheProblem() {
            let truth = 10
            var hits = 0
            for seed in 0..<UInt64(Self.sweeps) {
                var server = NoisyServer(capacity: truth, latencyCV: 0.5, seed: seed &* 7 &+ 5)
                var runs: [Int: [Double]] = [:]
                for workers in [1, 2, 4, 8] { runs[workers] = [server.run(workers: workers)] }
                runs[9] = (0..<10).map { _ in server.run(workers: 9) }
                runs[10] = (0..<11).map { _ in server.run(workers: 10) }
                let plateau = [12, 20, 40]
                for i in 0..<14 { runs[plateau[i % 3], default: []].append(server.run(workers: plateau[i % 3])) }
                #expect(runs.values.map(\.count).reduce(0, +) == 39)
                if answer(runs, seed: seed).knee == truth { hits += 1 }
            }
            let rate = Double(hits) / Double(Self.sweeps)
            print(String(format: "an allocation that knows K=10, 39 runs, CV 0.5: K in %.1f%%", 100 * rate))
            #expect(rate < 0.95)
            #expect(rate > 0.5, "the oracle should still name K more often than not")
        }

        @Test("best's own answer on a sampled sweep is the sampler's knee, with its confidence")
        func recommendAgreesWithTheSampler() async throws {
            var server = NoisyServer(capacity: 8, latencyCV: 0.5, seed: 11)
            let (runs, _) = try await server.sweepUntilSettled(
                workers: Array(1...16), sampler: SettlingSampler(), budget: SamplingBudget(maxRuns: 128)
            )
            let samples = runs.flatMap { n, values in values.map { sample(workers: n, throughput: $0) } }
            let recommendation = Knee.recommend(samples, seed: 1)
            let found = answer(runs, seed: 1)
            #expect(recommendation.recommendedWorkers == found.knee)
            #expect(recommendation.settled == found.settled)
            #expect(recommendation.confidence == KneeDecision.defaultConfidence)
        }
    }
}
