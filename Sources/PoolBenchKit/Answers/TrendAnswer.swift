import Foundation

/// `trend`'s answer: every workload × executor × workers × machine (testbed,
/// or host when the sweeps named no testbed) series over time with its
/// change points, and how each workload × executor × machine's recommended
/// worker count and error onset moved from sweep to sweep. `TrendReport`
/// and the HTML report lay it out; its `Codable` form is
/// `trend --format json`, key for key.
public struct TrendAnswer: Sendable, Codable {
    /// Bootstrap resamples of each per-sweep recommendation. Fewer than
    /// `best` uses: drift only asks whether a band moved, and a trend holds
    /// one recommendation per sweep and series.
    public static let driftResamples = 200

    /// Whether the newest sweep of any series group regressed: a throughput
    /// drop or p99 rise flagged at that sweep, alone or pooled with the one
    /// before it. What `--fail-on-regression` exits 3 for. Older
    /// regressions are shown but do not fail: the build that caused them
    /// has already failed, and the window restarted at the new level.
    public var hasRegression: Bool
    /// The most sweeps read per series (`--last`).
    public var newestSweeps: Int
    /// Sorted by workload, parameters, executor, machine, workers.
    public var series: [Series]
    /// Each series group's recommendation per sweep, sorted by workload,
    /// parameters, executor, machine.
    public var recommendations: [Drift]
    /// Every sweep read that ran on a busy machine, ascending.
    public var busySweeps: [Int64]

    /// - Parameters:
    ///   - tolerance: the knee rule's tolerance for per-sweep recommendations.
    ///   - seed: seeds every bootstrap, so the same history gives the same drift.
    public init(series: [SeriesRuns], newestSweeps: Int, tolerance: Double = 0.05, seed: UInt64 = 0) {
        self.newestSweeps = newestSweeps
        let analysed = Parallel.map(series) { runs in
            (series: Series.all(runs), drift: Drift(runs, tolerance: tolerance, seed: seed))
        }
        self.series = analysed.flatMap(\.series)
        recommendations = analysed.map(\.drift)
        hasRegression = self.series.contains { $0.regressedAtNewestSweep }
        busySweeps = Set(recommendations.flatMap(\.busyMachine).map(\.sweepID)).sorted()
    }

    /// One worker count of one series over time.
    public struct Series: Sendable, Codable {
        public var workload: String
        public var parameters: String
        public var executor: String
        public var workers: Int
        /// The host of the newest sweep read.
        public var host: String
        /// The testbed the series is kept by; nil when kept by host.
        public var testbed: String?
        /// Oldest first.
        public var sweeps: [SweepSummary]
        /// Oldest first, each judged for a busy machine.
        public var changes: [ChangePoint]
        /// The first sweep of the current throughput level.
        public var currentLevelSince: Int64?
        /// Whether the series group's newest sweep revealed a regression here.
        public var regressedAtNewestSweep: Bool
        /// The metrics that regressed at the newest sweep; empty when that
        /// sweep did not measure this count.
        @NotInJSON public var regressedAtNewest: [TrendMetric] = []
    }

    /// One series group's recommendation per sweep, where it moved, and
    /// where each sweep's errors started.
    public struct Drift: Sendable, Codable {
        public var workload: String
        public var parameters: String
        public var executor: String
        /// The host of the newest sweep read.
        public var host: String
        /// The testbed the series is kept by; nil when kept by host.
        public var testbed: String?
        /// Sweeps with a recommendation (two or more worker counts), oldest first.
        public var points: [RecommendationPoint]
        public var shifts: [WorkerShift]
        /// The newest sweep's: where its errors start, their rate and kinds.
        public var errorOnsetWorkers: Int?
        public var errorOnsetRate: Double?
        public var errorKinds: [ErrorKindCount]
        /// `errorOnsets` as JSON gives them.
        public var errorsBySweep: [SweepErrors]
        /// Where each sweep's errors started, oldest first.
        @NotInJSON public var errorOnsets: [SweepErrorOnset] = []
        /// The series' sweeps that ran on a busy machine, oldest first.
        @NotInJSON public var busyMachine: [SweepLoad] = []
        @NotInJSON public var logicalCores: Int = 1
        /// `SeriesRuns.mixedHardwareWarning` of the series.
        @NotInJSON public var mixedHardware: String?
    }

    /// One sweep's error onset; nulls and no kinds when it had none.
    public struct SweepErrors: Sendable, Codable {
        public var sweepID: Int64
        public var startedAt: Date
        public var errorOnsetWorkers: Int?
        public var errorOnsetRate: Double?
        public var errorKinds: [ErrorKindCount]
    }
}

extension TrendAnswer.Series {
    /// Each worker count of `runs` analysed by `Trend.analyze`.
    ///
    /// "Newest" is the newest sweep of the whole series group (workload ×
    /// executor × machine), not of each worker count: when later sweeps
    /// measured only other counts, a count's last regression is old news,
    /// fixed or not, and must not keep failing CI.
    ///
    /// A sweep is busy or not as a whole (all its worker counts' runs), since
    /// the machine's load is the same for every count a sweep interleaves.
    static func all(_ runs: SeriesRuns) -> [Self] {
        let newest = runs.sweeps.last?.id
        let order = runs.sweeps.map(\.id)
        let busy = Set(BusyMachine.busySweeps(runs.samples, cores: runs.logicalCores).map(\.sweepID))
        return Dictionary(grouping: runs.samples, by: \.workers).sorted { $0.key < $1.key }.map { workers, samples in
            let trend = Trend.analyze(samples)
            let regressed = trend.changes
                .filter { $0.direction == .regression && $0.detectedAtSweepID == newest }
                .map(\.metric)
            return Self(
                workload: runs.key.workload, parameters: runs.key.parameters, executor: runs.key.executor, workers: workers,
                host: runs.host, testbed: runs.testbed, sweeps: trend.sweeps,
                changes: trend.changes.map { change in
                    var change = change
                    change.busyMachine = BusyMachine.mayExplain(change, order: order, busy: busy)
                    return change
                },
                currentLevelSince: trend.currentLevelSince, regressedAtNewestSweep: !regressed.isEmpty, regressedAtNewest: regressed
            )
        }
    }

    public var key: SeriesKey { SeriesKey(workload: workload, parameters: parameters, executor: executor) }

    /// `testbed ci-large` or `bench-1`.
    public var machine: String { SeriesRuns.machine(host: host, testbed: testbed) }
}

extension TrendAnswer.Drift {
    /// `best`'s knee, answered from each sweep on its own.
    init(_ runs: SeriesRuns, tolerance: Double, seed: UInt64) {
        let bySweep = Dictionary(grouping: runs.samples, by: \.sweepID)
        let points = runs.sweeps.compactMap { sweep -> RecommendationPoint? in
            let answer = Knee.recommend(
                bySweep[sweep.id, default: []], tolerance: tolerance, seed: seed, resamples: TrendAnswer.driftResamples,
                cores: runs.logicalCores
            )
            guard let workers = answer.recommendedWorkers, let band = answer.band else { return nil }
            return RecommendationPoint(sweepID: sweep.id, startedAt: sweep.startedAt, recommendedWorkers: workers, band: band)
        }
        let onsets = SweepErrorOnset.bySweep(runs.samples, sweeps: runs.sweeps)
        let newest = onsets.last?.onset
        self.init(
            workload: runs.key.workload, parameters: runs.key.parameters, executor: runs.key.executor, host: runs.host,
            testbed: runs.testbed, points: points, shifts: WorkerDrift.shifts(in: points), errorOnsetWorkers: newest?.workers,
            errorOnsetRate: newest?.errorRate, errorKinds: newest?.kinds ?? [],
            errorsBySweep: onsets.map {
                TrendAnswer.SweepErrors(
                    sweepID: $0.sweepID, startedAt: $0.startedAt, errorOnsetWorkers: $0.onset?.workers,
                    errorOnsetRate: $0.onset?.errorRate, errorKinds: $0.onset?.kinds ?? []
                )
            },
            errorOnsets: onsets, busyMachine: BusyMachine.busySweeps(runs.samples, cores: runs.logicalCores),
            logicalCores: runs.logicalCores, mixedHardware: runs.mixedHardwareWarning
        )
    }

    public var key: SeriesKey { SeriesKey(workload: workload, parameters: parameters, executor: executor) }

    /// `testbed ci-large` or `bench-1`.
    public var machine: String { SeriesRuns.machine(host: host, testbed: testbed) }

    /// Where the newest sweep's errors start; nil when it had none.
    public var newestErrorOnset: ErrorOnsetSummary? { errorOnsets.last?.onset }
}
