import Testing
@testable import PoolBenchKit

/// `tune`'s search against fake throughput curves: deterministic, no timing.
@Suite struct KneeSearchTests {
    /// Runs the search on `curve`, counting the runs it asks for.
    func search(_ search: KneeSearch, _ curve: @escaping (Int, Int) -> Double) async throws -> (KneeSearch.Outcome, Int) {
        var calls = 0
        let outcome = try await search.run { workers in
            calls += 1
            return curve(workers, calls)
        }
        return (outcome, calls)
    }

    @Test func findsACapacityOfEightInFewRuns() async throws {
        let (outcome, runs) = try await search(KneeSearch(maxWorkers: 256)) { workers, _ in 50 * Double(min(workers, 8)) }
        #expect(outcome.knee == 8)
        #expect(runs == outcome.runs)
        #expect(runs <= 40)
        #expect(outcome.order == [1, 2, 4, 8, 16, 6, 7])
    }

    @Test func findsTwoCoresOnACPUBoundCurve() async throws {
        // Two cores: flat beyond 2, a little worse with each extra thread.
        let (outcome, runs) = try await search(KneeSearch(maxWorkers: 256)) { workers, _ in
            workers <= 2 ? 100 * Double(workers) : 200 - Double(workers)
        }
        #expect(outcome.knee == 2)
        #expect(runs <= 12)
    }

    @Test func findsAKneeBetweenPowersOfTwo() async throws {
        let (outcome, _) = try await search(KneeSearch(maxWorkers: 64)) { workers, _ in 10 * Double(min(workers, 11)) }
        #expect(outcome.knee == 11)
    }

    @Test func stopsAtTheLargestCountWhenThroughputKeepsRising() async throws {
        let (outcome, _) = try await search(KneeSearch(maxWorkers: 20)) { workers, _ in Double(workers) }
        // The cut is 95% of 20 workers' throughput, which 19 workers reach.
        #expect(outcome.knee == 19)
        #expect(outcome.order == [1, 2, 4, 8, 16, 20, 18, 19])
    }

    @Test func stopsDoublingWhenNothingSucceeds() async throws {
        // Every run failed, so throughput is 0 everywhere: 0 < 1.05 × 0 is
        // false, and without the check the search would double up to 256.
        let (outcome, runs) = try await search(KneeSearch(maxWorkers: 256, repeats: 3)) { _, _ in 0 }
        #expect(outcome.order == [1, 2])
        #expect(runs == 6)
    }

    @Test func addsRunsOnlyWhereAProbeIsWithinNoiseOfTheCut() async throws {
        // ±3% alternating noise around a capacity-8 curve: the probes near
        // the cut (7 and 8 against a cut at 95% of the peak) get more runs.
        let (outcome, runs) = try await search(KneeSearch(maxWorkers: 256)) { workers, call in
            50 * Double(min(workers, 8)) * (call % 2 == 0 ? 1.03 : 0.97)
        }
        #expect((7...9).contains(outcome.knee))
        #expect(runs <= 40)
        #expect(outcome.throughput[1]?.count == 2, "far from the cut: no extra runs")
    }

    @Test func settlesAtTheKneeAndStopsWhenEveryVerdictIsDecided() async throws {
        // No noise: every verdict is exact after the probes, nothing is added.
        let (outcome, runs) = try await search(KneeSearch(maxWorkers: 64)) { workers, _ in 50 * Double(min(workers, 8)) }
        #expect(outcome.stop == .settled && outcome.undecided.isEmpty)
        #expect(runs == 2 * outcome.order.count)
    }

    @Test func stopsAtTheRunBudgetAndNamesWhatIsUndecided() async throws {
        // ±20% alternating noise never settles within 12 runs.
        let search = KneeSearch(maxWorkers: 64, budget: SamplingBudget(maxRuns: 12))
        let (outcome, runs) = try await self.search(search) { workers, call in
            50 * Double(min(workers, 8)) * (call % 2 == 0 ? 1.2 : 0.8)
        }
        #expect(runs == 12)
        #expect(outcome.stop == .runBudget)
        #expect(!outcome.undecided.isEmpty)
    }
}
