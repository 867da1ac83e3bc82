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
    /// that p99 limit, first probing below the knee when the knee exceeds it,
    /// then, when the search settles (`--repeat auto`), sampling until the
    /// answer under the limit is settled too; that phase has a budget of its
    /// own, as large as the search's, since the search often spends most of
    /// its own.
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
            let knee = recommendation()
            if let latencyLimit, let kneeWorkers = knee.recommendedWorkers {
                let phaseStart = records.count
                limitProbes = try await LatencyLimit.probeBelowKnee(
                    kneeWorkers, limit: latencyLimit, repeats: max(plan.repeats, 2),
                    sampler: search.settles ? limitSampler(latencyLimit) : nil, runs: { knee.belowErrorOnset(samples()) },
                    allowed: { records.count - phaseStart < search.budget.maxRuns && search.budget.maxSeconds.map { elapsed() < $0 } ?? true },
                    measure: { _ = try await probe($0) }
                )
            }
        } catch {
            _ = try? runner.store.finishSweep(id: sweepID, status: .failed)
            throw error
        }
        try runner.store.finishSweep(id: sweepID, status: .completed)
        let final = recommendation()
        let limited = latencyLimit.map {
            LatencyLimit.answer(final.belowErrorOnset(samples()), limit: $0, tolerance: search.tolerance, confidence: search.confidence)
        }
        return Result(
            outcome: outcome, runs: records,
            sampling: sampling(outcome, limited: limited, runs: records.count, seconds: elapsed(), executor: executor),
            recommendation: final, limitProbes: limitProbes, latencyLimited: limited
        )
    }

    /// The sampler that settles the answer under `limit`, with the search's rule.
    private func limitSampler(_ limit: Double) -> SettlingSampler {
        SettlingSampler(
            tolerance: search.tolerance, confidence: search.confidence, maxErrorRate: search.maxErrorRate, latencyLimit: limit
        )
    }

    /// Where sampling stopped: the search's stop, unless the answer under the
    /// limit is still open, which then stops it too.
    private func sampling(
        _ outcome: KneeSearch.Outcome, limited: LatencyLimitedAnswer?, runs: Int, seconds: Double, executor: ExecutorKind
    ) -> SamplingOutcome {
        var stop = outcome.stop
        var undecided = outcome.undecided
        if let limited, !limited.settled {
            undecided = Set(undecided + limited.undecidedWorkers).sorted()
            if stop == .settled { stop = search.settles ? .runBudget : .exact }
        }
        return SamplingOutcome(
            stop: stop, runs: runs, seconds: seconds, confidence: search.confidence,
            undecided: undecided.isEmpty ? [:] : [executor.rawValue: undecided]
        )
    }
}
