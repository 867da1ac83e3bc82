import Foundation

/// `best`'s answer: for each workload × executor × machine (testbed, or
/// host when the sweeps named no testbed), the recommended worker count from
/// the runs since the curve last changed, the curve it came from, and across
/// executors which one to use. `BestReport` and the HTML report lay it out;
/// its `Codable` form is `best --format json`, key for key.
public struct BestAnswer: Sendable, Codable {
    public var tolerance: Double
    /// The most sweeps read per series (`--last`).
    public var newestSweeps: Int
    /// Sorted by workload, parameters, executor, machine.
    public var answers: [Series]
    /// Which executor to use, per workload × machine with two or more.
    public var executors: [ExecutorVerdict]
    /// Series left out because their executor has no worker count to tune.
    @NotInJSON public var skippedSequential: Int = 0

    /// Answers every series. `sequential` runs one task at a time whatever
    /// the worker count, so it is a baseline and gets no answer of its own.
    ///
    /// - Parameter seed: seeds every bootstrap, so the same history always
    ///   gives the same bands.
    /// - Parameter latencyLimit: also answer under this p99 limit, seconds.
    /// - Parameter maxErrorRate: the share of failed tasks accepted (`--max-error-rate`).
    public init(
        series: [SeriesRuns], tolerance: Double = 0.05, newestSweeps: Int, seed: UInt64 = 0, latencyLimit: Double? = nil,
        maxErrorRate: Double = 0
    ) {
        self.tolerance = tolerance
        self.newestSweeps = newestSweeps
        let tunable = series.filter { $0.key.executor != ExecutorKind.sequential.rawValue }
        answers = Parallel.map(tunable) {
            Series($0, tolerance: tolerance, seed: seed, latencyLimit: latencyLimit, maxErrorRate: maxErrorRate)
        }
        executors = ExecutorVerdict.verdicts(answers, tolerance: tolerance)
        skippedSequential = series.count - tunable.count
    }
}

extension BestAnswer.Series {
    /// One series answered from its runs since the last change point, the
    /// knee capped for CPU-bound work, and under `latencyLimit` when asked.
    init(_ series: SeriesRuns, tolerance: Double, seed: UInt64, latencyLimit: Double?, maxErrorRate: Double) {
        let level = Trend.currentLevel(of: series.samples)
        let samples = level?.samples ?? []
        let recommendation = CPUBoundCap.apply(
            Knee.recommend(samples, tolerance: tolerance, seed: seed, cores: series.logicalCores, maxErrorRate: maxErrorRate),
            samples: samples, cores: series.logicalCores
        )
        self.init(
            series: series, level: level.map(CurrentLevel.Summary.init) ?? CurrentLevel.Summary(), recommendation: recommendation,
            busyMachine: BusyMachine.busySweeps(samples, cores: series.logicalCores),
            othersCpuShare: BusyMachine.othersShare(samples, cores: series.logicalCores),
            latencyLimited: latencyLimit.map {
                LatencyLimit.answer(recommendation.belowErrorOnset(samples), limit: $0, tolerance: tolerance, seed: seed)
            },
            samples: samples
        )
    }
}

extension BestAnswer.ExecutorVerdict {
    /// Knee.bestExecutor over each workload × machine with two or more
    /// executors that recommend.
    static func verdicts(_ answers: [BestAnswer.Series], tolerance: Double) -> [Self] {
        let groups = Dictionary(grouping: answers) { [$0.workload, $0.parameters, $0.machine] }
        return groups.keys.sorted { $0.lexicographicallyPrecedes($1) }.compactMap { group in
            let members = groups[group, default: []].filter { $0.recommendedWorkers != nil }
            guard members.count >= 2 else { return nil }
            let byExecutor = Dictionary(members.map { ($0.executor, $0.recommendation) }) { first, _ in first }
            guard let choice = Knee.bestExecutor(byExecutor, tolerance: tolerance) else { return nil }
            return Self(
                workload: group[0], parameters: group[1], host: members[0].host, testbed: members[0].testbed,
                executors: byExecutor.keys.sorted(), choice: choice,
                bestPeakWorkers: byExecutor[choice.bestPeakExecutor]?.peakWorkers
            )
        }
    }
}
