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
        /// Counts probed below the knee to answer under `latencyLimit`.
        public var limitProbes: [Int] = []
        /// The answer under the p99 limit; nil when none was asked.
        public var latencyLimited: LatencyLimitedAnswer?
    }

    /// Searches `executor`'s worker counts within the already-recorded
    /// `sweep`; `cores` are the host's, for the answer's priors and the
    /// CPU-bound cap. With `latencyLimit` (seconds) it also answers under
    /// that p99 limit, first probing below the knee when the knee exceeds it.
    public func run(
        _ plan: SweepPlan, executor: ExecutorKind, workload: any Workload, sweep: SweepRecord, cores: Int? = nil,
        latencyLimit: Double? = nil
    ) async throws -> Result {
        guard let sweepID = sweep.id else { preconditionFailure("the sweep must be stored before it runs") }
        let clock = ContinuousClock()
        let start = clock.now
        func elapsed() -> Double {
            let duration = start.duration(to: clock.now)
            return Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        }
        var records: [RunRecord] = []
        func probe(_ workers: Int) async throws -> MeasuredRun {
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
            return record.measuredRun
        }
        let samples = { records.map { Sample($0, sweepStartedAt: sweep.startedAt) } }
        func recommendation() -> KneeRecommendation {
            let answer = Knee.recommend(
                samples(), tolerance: search.tolerance, confidence: search.confidence, cores: cores, maxErrorRate: search.maxErrorRate
            )
            guard let cores else { return answer }
            return CPUBoundCap.apply(answer, samples: samples(), cores: cores)
        }
        let outcome: KneeSearch.Outcome
        var limitProbes: [Int] = []
        do {
            outcome = try await search.run(elapsed: elapsed, measureRun: probe)
            if let latencyLimit, let knee = recommendation().recommendedWorkers {
                limitProbes = try await LatencyLimit.probeBelowKnee(
                    knee, limit: latencyLimit, repeats: max(plan.repeats, 2), runs: samples, measure: { _ = try await probe($0) }
                )
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
        return Result(
            outcome: outcome, runs: records, sampling: sampling, recommendation: recommendation(), limitProbes: limitProbes,
            latencyLimited: latencyLimit.map {
                LatencyLimit.answer(recommendation().belowErrorOnset(samples()), limit: $0, tolerance: search.tolerance)
            }
        )
    }
}
