import Foundation

/// `tune`: runs `KneeSearch` for real, beside `SweepRunner` which it drives
/// one run at a time. Each probe's first run is preceded by the plan's
/// warm-ups; every measured run is stored the moment it ends; the sweep is
/// marked completed, or failed when a run cannot be carried out.
public struct Tuner: Sendable {
    public var runner: SweepRunner
    public var search: KneeSearch

    public init(runner: SweepRunner, search: KneeSearch) {
        self.runner = runner
        self.search = search
    }

    /// What a tune measured and stored.
    public struct Result: Sendable {
        public var outcome: KneeSearch.Outcome
        /// Every stored run, in the order measured.
        public var runs: [RunRecord]
        public var sampling: SamplingOutcome
        /// `best`'s answer on these runs, as `best --sweep` gives it.
        public var recommendation: KneeRecommendation
    }

    /// Searches `executor`'s worker counts within the already-recorded
    /// `sweep`; `cores` are the host's, for the answer's priors.
    public func run(
        _ plan: SweepPlan, executor: ExecutorKind, workload: any Workload, sweep: SweepRecord, cores: Int? = nil
    ) async throws -> Result {
        guard let sweepID = sweep.id else { preconditionFailure("the sweep must be stored before it runs") }
        let clock = ContinuousClock()
        let start = clock.now
        func elapsed() -> Double {
            let duration = start.duration(to: clock.now)
            return Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        }
        var records: [RunRecord] = []
        let outcome: KneeSearch.Outcome
        do {
            outcome = try await search.run(elapsed: elapsed) { workers in
                let point = SweepPoint(executor: executor, workers: workers)
                let repetition = records.filter { $0.workers == workers }.count
                if repetition == 0 {
                    for _ in 0..<plan.warmups {
                        _ = try await runner.runOnce(point, workload: workload, plan: plan, sweepId: sweepID, repetition: nil)
                    }
                }
                let record = try await runner.measureAndStore(
                    point, workload: workload, plan: plan, sweepId: sweepID, repetition: repetition
                )
                records.append(record)
                return record.throughput
            }
        } catch {
            _ = try? runner.store.finishSweep(id: sweepID, status: .failed)
            throw error
        }
        try runner.store.finishSweep(id: sweepID, status: .completed)
        let sampling = SamplingOutcome(
            stop: outcome.stop, runs: records.count, seconds: elapsed(), confidence: search.confidence,
            undecided: outcome.undecided.isEmpty ? [:] : [executor.rawValue: outcome.undecided]
        )
        let recommendation = Knee.recommend(
            records.map { Sample($0, sweepStartedAt: sweep.startedAt) }, tolerance: search.tolerance,
            confidence: search.confidence, cores: cores
        )
        return Result(outcome: outcome, runs: records, sampling: sampling, recommendation: recommendation)
    }
}
