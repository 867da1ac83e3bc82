import Foundation
import Testing
@testable import PoolBenchKit

extension AnalysisTests {
    /// The acceptance matrix: seeded sweeps of a noisy K-slot server with
    /// the sampler in the loop, as `run --repeat auto` + `best` and `tune`
    /// would run them within their default budgets, beside the previous rule
    /// (the same decision on the whole run's throughput instead of the
    /// steady-state one) on the same seeds. Latency is lognormal, or Pareto
    /// with a heavy tail (shape 1.5, 2, 2.5). Virtual time only: no timing claims. One case at a
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
            var paretoShape: Double?
            var tasks = 60
            var description: String {
                paretoShape.map { "K=\(capacity) Pareto=\($0)" } ?? "K=\(capacity) CV=\(latencyCV)"
            }

            init(capacity: Int, latencyCV: Double = 0, paretoShape: Double? = nil) {
                self.capacity = capacity
                self.latencyCV = latencyCV
                self.paretoShape = paretoShape
            }

            func server(seed: UInt64, measure: NoisyServer.Measure = .steady) -> NoisyServer {
                var server = NoisyServer(capacity: capacity, latencyCV: latencyCV, paretoShape: paretoShape, tasks: tasks, seed: seed)
                server.measure = measure
                return server
            }

            /// The counts that are the knee by definition. 60 tasks on 16
            /// slots take 4 rounds at 15 workers as at 16, so with constant
            /// latency 15 is the knee; with lognormal latency 15 measures
            /// 94.9% (CV 0.25), 95.6% (CV 0.5) and 96.9% (CV 1.0) of 16
            /// (20,000 simulated runs each): at the cut, either answer is right.
            var knees: Set<Int> { capacity == 16 ? [15, 16] : [capacity] }
        }

        static let full = ProcessInfo.processInfo.environment["POOLBENCH_NOISE_MATRIX"] == "full"
        static let sweeps = full ? 500 : 100
        /// The previous rule's figures are for the full run; the default one
        /// measures the rule alone, so it stays quick.
        static let measures: [NoisyServer.Measure] = full ? [.steady, .wall] : [.steady]
        static let cases = [4, 10, 16].flatMap { k in [0, 0.25, 0.5, 1.0].map { Case(capacity: k, latencyCV: $0) } }
            + [4, 10, 16].flatMap { k in [1.5, 2, 2.5].map { Case(capacity: k, paretoShape: $0) } }

        struct Tally: CustomStringConvertible {
            var label: String
            var sweeps = 0, hits = 0, bandHolds = 0, settled = 0, settledWrong = 0, runs = 0, maxRuns = 0
            var oldHits = 0, oldBandHolds = 0, oldSettledWrong = 0, oldRuns = 0
            var hitRate: Double { Double(hits) / Double(sweeps) }
            var bandRate: Double { Double(bandHolds) / Double(sweeps) }
            var settledWrongRate: Double { Double(settledWrong) / Double(sweeps) }
            var oldRate: Double { Double(oldHits) / Double(sweeps) }

            mutating func add(knee: Int?, band: ClosedRange<Int>?, settled: Bool, runs: Int, truth: Set<Int>) {
                sweeps += 1
                let right = knee.map(truth.contains) ?? false
                if right { hits += 1 }
                if let band, truth.contains(where: band.contains) { bandHolds += 1 }
                if settled { self.settled += 1 }
                if settled && !right { settledWrong += 1 }
                self.runs += runs
                maxRuns = max(maxRuns, runs)
            }

            /// The answer on `measure`: the rule's, or the previous rule's on the same seed.
            mutating func add(
                _ measure: NoisyServer.Measure, knee: Int?, band: ClosedRange<Int>?, settled: Bool, runs: Int, truth: Set<Int>
            ) {
                if measure == .steady {
                    add(knee: knee, band: band, settled: settled, runs: runs, truth: truth)
                } else {
                    addPrevious(knee: knee, band: band, settled: settled, runs: runs, truth: truth)
                }
            }

            mutating func addPrevious(knee: Int?, band: ClosedRange<Int>?, settled: Bool, runs: Int, truth: Set<Int>) {
                let right = knee.map(truth.contains) ?? false
                if right { oldHits += 1 }
                if let band, truth.contains(where: band.contains) { oldBandHolds += 1 }
                if settled && !right { oldSettledWrong += 1 }
                oldRuns += runs
            }

            var description: String {
                func p(_ x: Double) -> String { String(format: "%.1f%%", 100 * x) }
                func p(_ count: Int) -> String { p(Double(count) / Double(max(sweeps, 1))) }
                return "\(label): K in \(p(hitRate)), band holds K in \(p(bandRate)), settled \(p(settled)), "
                    + "settled on another count \(p(settledWrongRate)); runs mean \(runs / max(sweeps, 1)), max \(maxRuns); "
                    + "previous rule (whole-run throughput): K in \(p(oldRate)), band \(p(oldBandHolds)), "
                    + "settled on another count \(p(oldSettledWrong)), runs mean \(oldRuns / max(sweeps, 1))"
            }
        }

        /// The targets: for CV ≤ 0.5 the answer is K in ≥ 95% of sweeps and
        /// the band holds K in ≥ 90%; at CV 1.0 a settled answer other than
        /// K in ≤ 5%, band holding K in ≥ 90%. `floors` lists the cases the
        /// default budget does not reach, at what they measured (seeded, so
        /// exactly reproducible) less a point: telling a count at 91–92% of the
        /// plateau from the 5% cut with 10–12% run-to-run noise needs ~40 runs
        /// there and as many on the plateau, more than tune's 39 in all.
        ///
        /// Heavy tails (Pareto): K in ≥ 90% of sweeps at shape ≥ 2, and at
        /// every shape a settled answer other than K in ≤ 2%.
        func expectAcceptance(
            _ tally: Tally, _ c: Case, floors: [String: (hit: Double, band: Double)] = [:]
        ) {
            let floor = floors[c.description]
            if let shape = c.paretoShape {
                if shape >= 2 { #expect(tally.hitRate >= floor?.hit ?? 0.90, "\(tally)") }
                #expect(tally.settledWrongRate <= 0.02, "\(tally)")
                return
            }
            if c.latencyCV <= 0.5 {
                #expect(tally.hitRate >= floor?.hit ?? 0.95, "\(tally)")
            }
            #expect(tally.bandRate >= floor?.band ?? 0.90, "\(tally)")
            #expect(tally.settledWrongRate <= 0.05, "\(tally)")
            #expect(c.latencyCV > 0 || tally.oldRate <= tally.hitRate, "\(tally)")
        }

        /// Below the targets: Pareto service of shape 2 (infinite variance).
        /// The steady measure halves its run-to-run noise (33% → 16% in log
        /// at K = 6, `SteadyThroughputTests`), and on tails this heavy the
        /// decision trims (`KneeDecision` step 5), yet telling K − 1 from the
        /// cut still needs more runs than the budget; the sweeps it cannot
        /// decide stay open rather than settle a wrong count (at most 0.4% at
        /// any shape). K in, over 500 sweeps (first 100), beside the decision
        /// before trimming and the whole-run throughput before that: K=4
        /// 86.2% (84.0%), was 81.8% and 78.4%; K=10 89.0% (90.0%), was 83.0%
        /// and 21.0%; K=16 88.0% (87.0%), was 83.6% and 10.0%. At shape 2.5
        /// 95.4–98.0%, was 94.0–96.0%; at 1.5 69.2–75.4%, was 63.0–73.0%.
        static let runFloors: [String: (hit: Double, band: Double)] = [
            "K=4 Pareto=2.0": (0.83, 0), "K=10 Pareto=2.0": (0.88, 0), "K=16 Pareto=2.0": (0.86, 0),
        ]

        /// Below the targets because the budget is: see
        /// `tuneFloorBelongsToTheProblem`. K in, over 500 sweeps (first 100),
        /// beside the figures before trimming and the rank check: K=10 CV 0.5
        /// 93.0% (97.0%), was 92.4%, and 70.8% on the whole-run throughput;
        /// K=16 CV 0.5 94.0% (99.0%), was 94.8% and 55.6%. Heavy tails, as for
        /// `run` with fewer runs: shape 2 K=4 81.2% (87.0%), was 78.4%; K=10
        /// 59.4% (54.0%), was 56.4%; K=16 60.6% (61.0%), was 61.2%; shape 2.5
        /// K=10 78.6% (78.0%), was 76.6%; K=16 80.6% (77.0%), was 81.8%.
        /// Every other case meets the targets, in at most 39 runs. A settled
        /// answer other than K: at most 1.4% at any shape, where it was
        /// 2.2–3.8% at shape 1.5 before the rank check.
        static let tuneFloors: [String: (hit: Double, band: Double)] = [
            "K=10 CV=0.5": (0.92, 0.90), "K=16 CV=0.5": (0.93, 0.90),
            "K=4 Pareto=2.0": (0.80, 0), "K=10 Pareto=2.0": (0.53, 0), "K=10 Pareto=2.5": (0.76, 0),
            "K=16 Pareto=2.0": (0.59, 0), "K=16 Pareto=2.5": (0.75, 0),
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
                for measure in Self.measures {
                    var server = c.server(seed: seed &* 7919 &+ 1, measure: measure)
                    let (runs, outcome) = try await server.sweepUntilSettled(
                        workers: workers, sampler: SettlingSampler(), budget: SamplingBudget(maxRuns: 8 * workers.count)
                    )
                    let found = answer(runs, seed: seed)
                    tally.add(measure, knee: found.knee, band: found.band, settled: found.settled, runs: outcome.runs, truth: c.knees)
                }
            }
            print(tally)
            expectAcceptance(tally, c, floors: Self.runFloors)
        }

        @Test("tune names K on a noisy K-slot server in under 40 runs", arguments: cases)
        func tune(_ c: Case) async throws {
            var tally = Tally(label: "tune 1...64 \(c)")
            for seed in 0..<UInt64(Self.sweeps) {
                for measure in Self.measures {
                    var server = c.server(seed: seed &* 104_729 &+ 3, measure: measure)
                    let outcome = try await KneeSearch(maxWorkers: 64, tasks: c.tasks).run { server.run(workers: $0) }
                    let found = answer(outcome.throughput, seed: seed)
                    tally.add(measure, knee: found.knee, band: found.band, settled: found.settled, runs: outcome.runs, truth: c.knees)
                }
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
        @Test("on the whole run's throughput, even a search that knows K cannot name 10 in 95% of 39-run searches at CV 0.5")
        func tuneFloorBelongsToTheProblem() {
            let truth = 10
            var hits = 0
            for seed in 0..<UInt64(Self.sweeps) {
                var server = NoisyServer(capacity: truth, latencyCV: 0.5, seed: seed &* 7 &+ 5)
                server.measure = .wall
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
