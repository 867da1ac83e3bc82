import Foundation

/// What `best` prints: for each workload × executor × machine (testbed, or
/// host when the sweeps named no testbed), the recommended
/// worker count from the runs since the curve last changed, the curve it
/// came from, and across executors which one to use.
public struct BestReport: Report {
    /// One series' answer.
    public struct Answer: Sendable {
        public var key: SeriesKey
        /// The host of the newest sweep read.
        public var host: String
        /// The testbed the series is kept by; nil when kept by host.
        public var testbed: String?
        public var logicalCores: Int
        /// Sweeps read: the series' newest, at most `--last`.
        public var sweepsRead: Int
        /// The runs answered from: those since the last change point.
        public var level: CurrentLevel.Summary
        public var recommendation: KneeRecommendation
        /// The answered runs' sweeps that ran on a busy machine (`BusyMachine`).
        public var busySweeps: [SweepLoad] = []
        /// Others' share of the machine over the answered runs; nil when unmeasured.
        public var othersShare: Double?
        /// The answer under `--max-p99`; nil when no limit was asked.
        public var latencyLimited: LatencyLimitedAnswer?
        /// `SeriesRuns.mixedHardwareWarning` of the series answered.
        public var mixedHardware: String?
        /// The runs answered from.
        public var samples: [Sample] = []
        /// The workload, as the series' newest run kept it; nil for runs
        /// recorded before specs were kept.
        public var spec: WorkloadSpec?

        /// `testbed ci-large` or `bench-1`.
        public var machine: String { SeriesRuns.machine(host: host, testbed: testbed) }
    }

    /// Across the executors of one workload on one machine, which to use.
    public struct ExecutorVerdict: Sendable {
        public var workload: String
        public var parameters: String
        /// The host of the first executor's answer.
        public var host: String
        public var testbed: String?
        /// Executors that had a recommendation, by name.
        public var executors: [String]
        public var choice: ExecutorChoice
        /// Where the fastest executor peaked.
        public var bestPeakWorkers: Int?

        /// `sleep duration=20ms capacity=16`
        public var workloadDescription: String {
            parameters.isEmpty ? workload : "\(workload) \(parameters)"
        }

        /// `testbed ci-large` or `bench-1`.
        public var machine: String { SeriesRuns.machine(host: host, testbed: testbed) }
    }

    public var tolerance: Double
    /// `--max-p99` in seconds; nil when not asked.
    public var latencyLimit: Double?
    /// The most sweeps read per series (`--last`).
    public var newestSweeps: Int
    /// Sorted by workload, parameters, executor, machine.
    public var answers: [Answer]
    public var executorVerdicts: [ExecutorVerdict]
    /// Series left out because their executor has no worker count to tune.
    public var skippedSequential: Int

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
        self.latencyLimit = latencyLimit
        self.newestSweeps = newestSweeps
        let tunable = series.filter { $0.key.executor != "sequential" }
        skippedSequential = series.count - tunable.count
        answers = Parallel.map(tunable) {
            Self.answer($0, tolerance: tolerance, seed: seed, latencyLimit: latencyLimit, maxErrorRate: maxErrorRate)
        }
        executorVerdicts = Self.verdicts(answers, tolerance: tolerance)
    }

    static func answer(
        _ series: SeriesRuns, tolerance: Double, seed: UInt64, latencyLimit: Double? = nil, maxErrorRate: Double = 0
    ) -> Answer {
        let level = Trend.currentLevel(of: series.samples)
        let samples = level?.samples ?? []
        let recommendation = CPUBoundCap.apply(
            Knee.recommend(samples, tolerance: tolerance, seed: seed, cores: series.logicalCores, maxErrorRate: maxErrorRate),
            samples: samples, cores: series.logicalCores
        )
        return Answer(
            key: series.key, host: series.host, testbed: series.testbed, logicalCores: series.logicalCores,
            sweepsRead: series.sweeps.count,
            level: level.map(CurrentLevel.Summary.init) ?? CurrentLevel.Summary(), recommendation: recommendation,
            busySweeps: BusyMachine.busySweeps(samples, cores: series.logicalCores),
            othersShare: BusyMachine.othersShare(samples, cores: series.logicalCores),
            latencyLimited: latencyLimit.map {
                LatencyLimit.answer(recommendation.belowErrorOnset(samples), limit: $0, tolerance: tolerance, seed: seed)
            },
            mixedHardware: series.mixedHardwareWarning, samples: samples, spec: series.spec
        )
    }

    /// Knee.bestExecutor over each workload × machine with two or more
    /// executors that recommend.
    static func verdicts(_ answers: [Answer], tolerance: Double) -> [ExecutorVerdict] {
        let groups = Dictionary(grouping: answers) { [$0.key.workload, $0.key.parameters, $0.machine] }
        return groups.keys.sorted { $0.lexicographicallyPrecedes($1) }.compactMap { group in
            let members = groups[group, default: []].filter { $0.recommendation.recommendedWorkers != nil }
            guard members.count >= 2 else { return nil }
            let byExecutor = Dictionary(members.map { ($0.key.executor, $0.recommendation) }) { first, _ in first }
            guard let choice = Knee.bestExecutor(byExecutor, tolerance: tolerance) else { return nil }
            return ExecutorVerdict(
                workload: group[0], parameters: group[1], host: members[0].host, testbed: members[0].testbed,
                executors: byExecutor.keys.sorted(),
                choice: choice, bestPeakWorkers: byExecutor[choice.bestPeakExecutor]?.peakWorkers
            )
        }
    }
}

extension CurrentLevel {
    /// The level without its runs, as reports carry it.
    public struct Summary: Sendable, Hashable, Codable {
        /// The level's first sweep; `nil` when there were no runs.
        public var sinceSweepID: Int64?
        public var sinceStartedAt: Date?
        /// The worker counts whose throughput changed at `sinceSweepID`;
        /// empty when the curve never moved.
        public var changedWorkers: [Int]
        /// Worker counts measured in the sweep `sinceSweepID`.
        public var measuredWorkers: Int
        public var sweeps: Int

        public init(
            sinceSweepID: Int64? = nil, sinceStartedAt: Date? = nil, changedWorkers: [Int] = [], measuredWorkers: Int = 0,
            sweeps: Int = 0
        ) {
            self.sinceSweepID = sinceSweepID
            self.sinceStartedAt = sinceStartedAt
            self.changedWorkers = changedWorkers
            self.measuredWorkers = measuredWorkers
            self.sweeps = sweeps
        }

        public init(_ level: CurrentLevel) {
            self.init(
                sinceSweepID: level.since, sinceStartedAt: level.sinceStartedAt, changedWorkers: level.changedWorkers,
                measuredWorkers: level.measuredWorkers, sweeps: level.sweeps
            )
        }
    }
}

extension SeriesKey {
    /// The `poolbench run` line that measures this series at `workers`,
    /// built from `spec`, the workload as the history kept it; nil when it
    /// kept none (runs recorded before it did) or not all of it (a request
    /// body is never kept).
    public func runCommand(spec: WorkloadSpec?, workers: ClosedRange<Int>) -> String? {
        guard let spec, spec.isWholeWhenStored else { return nil }
        return CommandLineSplitter.shellQuoted(spec.runArguments(executor: executor, workers: Self.workerList(workers)))
    }

    /// "Next: `poolbench run …`", or what to change when no whole command
    /// can be written.
    public func nextStep(spec: WorkloadSpec?, workers: ClosedRange<Int>) -> String {
        guard let command = runCommand(spec: spec, workers: workers) else {
            return "Next: run this workload again with --executor \(executor) --workers \(Self.workerList(workers))"
                + " (the history does not keep all of its parameters, so no whole command can be given)."
        }
        return "Next: `\(command)`"
    }

    /// A short range as it is (`4...16`); a wide one as a geometric list
    /// (`32,48,64,96,128`), since every count of `32...128` would be 97 points.
    static func workerList(_ workers: ClosedRange<Int>) -> String {
        guard workers.count > 16 else { return "\(workers.lowerBound)...\(workers.upperBound)" }
        var counts: Set = [workers.upperBound]
        var count = workers.lowerBound
        while count <= workers.upperBound {
            counts.insert(count)
            let between = Int((Double(count) * 1.5).rounded())
            if between <= workers.upperBound { counts.insert(between) }
            count *= 2
        }
        return counts.sorted().map(String.init).joined(separator: ",")
    }
}
