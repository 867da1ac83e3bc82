import Foundation

extension BestAnswer {
    /// One series' answer, flat as `best --format json` gives it: the
    /// recommendation's figures beside the series and the level they came
    /// from. What the JSON leaves out and the reports still show is kept
    /// `@NotInJSON`.
    public struct Series: Sendable, Codable {
        public var workload: String
        public var parameters: String
        public var executor: String
        /// The host of the newest sweep read.
        public var host: String
        /// The testbed the series is kept by; nil when kept by host.
        public var testbed: String?
        public var logicalCores: Int

        // The recommendation (`KneeRecommendation`, whose fields say what each is).
        public var recommendedWorkers: Int?
        public var band: ClosedRange<Int>?
        public var peakWorkers: Int?
        public var peakThroughput: Double?
        public var modelPeakWorkers: Double?
        public var modelPeakThroughput: Double?
        public var kneeThroughput: Double?
        public var fractionOfPeak: Double?
        public var fewerWorkersFraction: Double?
        /// `KneeRecommendation.tradeOffPhrase`.
        public var tradeOff: String?
        public var method: KneeMethod
        public var reason: String
        public var firstError: String?
        public var plateauReached: Bool
        public var nextRange: ClosedRange<Int>?
        /// The `poolbench run` line that measures `nextRange`, when the
        /// stored parameters hold the whole workload.
        public var nextCommand: String?
        public var runs: Int
        public var tolerance: Double
        public var priors: SanityPriors
        public var fit: ScalingFit?
        public var points: [Point]
        public var plateauThroughput: Double?
        public var confidence: Double?
        public var settled: Bool
        public var undecidedWorkers: [Int]
        public var errorOnsetWorkers: Int?
        public var errorOnsetRate: Double?
        public var errorKinds: [ErrorKindCount]
        public var maxErrorRate: Double
        /// Where errors start and what they were; `errorOnset…` above in JSON.
        @NotInJSON public var errorOnset: ErrorOnsetSummary?

        // The level answered from (`CurrentLevel.Summary`).
        /// Sweeps of the level.
        public var sweeps: Int
        /// Sweeps read: the series' newest, at most `--last`.
        public var sweepsRead: Int
        public var sinceSweepID: Int64?
        public var sinceStartedAt: Date?
        public var changedWorkers: [Int]
        @NotInJSON public var measuredWorkers: Int = 0

        // Under `--max-p99`: null when no limit was asked.
        public var latencyLimit: Double?
        public var limitedWorkers: Int?
        public var limitedBand: ClosedRange<Int>?
        /// Every p99 verdict up to the first count that exceeds is in and
        /// the knee among the counts that meet is settled (`LatencyDecision`).
        public var limitedSettled: Bool?
        /// Counts whose p99 or throughput verdict under the limit is open.
        public var limitedUndecidedWorkers: [Int]?
        /// The whole answer under the limit, for its sentence.
        @NotInJSON public var latencyLimited: LatencyLimitedAnswer?

        /// Others' share of the machine over the answered runs; nil when unmeasured.
        public var othersCpuShare: Double?
        /// The answered runs' sweeps that ran on a busy machine (`BusyMachine`).
        public var busySweeps: [Int64]
        /// `busySweeps` with how busy each was.
        @NotInJSON public var busyMachine: [SweepLoad] = []
        /// `SeriesRuns.mixedHardwareWarning` of the series answered.
        @NotInJSON public var mixedHardware: String?
        /// The runs answered from.
        @NotInJSON public var samples: [Sample] = []
        /// The workload, as the series' newest run kept it; nil for runs
        /// recorded before specs were kept.
        @NotInJSON public var spec: WorkloadSpec?
    }

    /// A tested worker count (`WorkerPoint`); a count whose runs had no
    /// finite throughput shows `null`.
    public struct Point: Sendable, Codable {
        public var workers: Int
        public var runs: Int
        @NullWhenNotFinite public var medianThroughput: Double
        public var modelThroughput: Double?
        public var verdict: KneeDecision.Verdict?
        public var errorRate: Double?
        public var significantErrors: Bool
        /// Under `--max-p99`: whether its p99 meets or exceeds the limit, or
        /// is undecided, at the answer's confidence; null without a limit
        /// or without a p99.
        public var p99Verdict: LatencyDecision.Verdict?
    }

    /// Across the executors of one workload on one machine, which to use.
    public struct ExecutorVerdict: Sendable, Codable {
        public var workload: String
        public var parameters: String
        /// The host of the first executor's answer.
        public var host: String
        public var testbed: String?
        /// Executors that had a recommendation, by name.
        public var executors: [String]
        public var executor: String
        public var workers: Int
        public var throughput: Double
        public var bestPeakExecutor: String
        /// Where the fastest executor peaked.
        public var bestPeakWorkers: Int?
        public var bestPeakThroughput: Double
    }
}

extension BestAnswer.Series {
    init(
        series: SeriesRuns, level: CurrentLevel.Summary, recommendation r: KneeRecommendation, busyMachine: [SweepLoad],
        othersCpuShare: Double?, latencyLimited: LatencyLimitedAnswer?, samples: [Sample]
    ) {
        (workload, parameters, executor) = (series.key.workload, series.key.parameters, series.key.executor)
        (host, testbed, logicalCores) = (series.host, series.testbed, series.logicalCores)
        (recommendedWorkers, band, peakWorkers, peakThroughput) = (r.recommendedWorkers, r.band, r.peakWorkers, r.peakThroughput)
        (modelPeakWorkers, modelPeakThroughput, kneeThroughput) = (r.modelPeakWorkers, r.modelPeakThroughput, r.kneeThroughput)
        (fractionOfPeak, fewerWorkersFraction, tradeOff) = (r.fractionOfPeak, r.fewerWorkersFraction, r.tradeOffPhrase)
        (method, reason, firstError, plateauReached) = (r.method, r.reason, r.firstError, r.plateauReached)
        (nextRange, runs, tolerance, priors, fit) = (r.nextRange, r.runs, r.tolerance, r.priors, r.fit)
        nextCommand = r.nextRange.flatMap { series.key.runCommand(spec: series.spec, workers: $0) }
        points = r.points.map { BestAnswer.Point($0, p99Verdict: latencyLimited?.verdict(at: $0.workers)) }
        (plateauThroughput, confidence, settled, undecidedWorkers) = (r.plateauThroughput, r.confidence, r.settled, r.undecidedWorkers)
        (errorOnsetWorkers, errorOnsetRate, errorKinds) = (r.errorOnsetWorkers, r.errorOnset?.errorRate, r.errorOnset?.kinds ?? [])
        maxErrorRate = r.maxErrorRate
        errorOnset = r.errorOnset
        (sweeps, sweepsRead, sinceSweepID, sinceStartedAt) = (level.sweeps, series.sweeps.count, level.sinceSweepID, level.sinceStartedAt)
        changedWorkers = level.changedWorkers
        (latencyLimit, limitedWorkers) = (latencyLimited?.latencyLimit, latencyLimited?.limitedWorkers)
        limitedBand = latencyLimited?.limitedBand
        (limitedSettled, limitedUndecidedWorkers) = (latencyLimited?.settled, latencyLimited?.undecidedWorkers)
        self.latencyLimited = latencyLimited
        (self.othersCpuShare, busySweeps) = (othersCpuShare, busyMachine.map(\.sweepID))
        mixedHardware = series.mixedHardwareWarning
        // Last: these have defaults, so assigning them is a set, which needs the rest initialised.
        measuredWorkers = level.measuredWorkers
        spec = series.spec
        self.busyMachine = busyMachine
        self.samples = samples
    }

    public var key: SeriesKey { SeriesKey(workload: workload, parameters: parameters, executor: executor) }

    /// `testbed ci-large` or `bench-1`.
    public var machine: String { SeriesRuns.machine(host: host, testbed: testbed) }

    /// The level answered from, without its runs.
    public var level: CurrentLevel.Summary {
        CurrentLevel.Summary(
            sinceSweepID: sinceSweepID, sinceStartedAt: sinceStartedAt, changedWorkers: changedWorkers,
            measuredWorkers: measuredWorkers, sweeps: sweeps
        )
    }

    /// The recommendation this answer holds, as `Knee.recommend` gives one.
    public var recommendation: KneeRecommendation {
        KneeRecommendation(
            recommendedWorkers: recommendedWorkers, band: band, peakWorkers: peakWorkers, peakThroughput: peakThroughput,
            kneeThroughput: kneeThroughput, plateauThroughput: plateauThroughput, confidence: confidence, settled: settled,
            undecidedWorkers: undecidedWorkers, fractionOfPeak: fractionOfPeak, fewerWorkersFraction: fewerWorkersFraction,
            modelPeakWorkers: modelPeakWorkers, modelPeakThroughput: modelPeakThroughput, firstError: firstError,
            method: method, reason: reason, runs: runs, tolerance: tolerance, plateauReached: plateauReached,
            nextRange: nextRange, fit: fit, points: points.map(\.workerPoint), priors: priors,
            errorOnsetWorkers: errorOnsetWorkers, errorOnset: errorOnset, maxErrorRate: maxErrorRate
        )
    }
}

extension BestAnswer.Point {
    init(_ point: WorkerPoint, p99Verdict: LatencyDecision.Verdict? = nil) {
        (workers, runs, modelThroughput) = (point.workers, point.runs, point.modelThroughput)
        self.p99Verdict = p99Verdict
        medianThroughput = point.medianThroughput
        (verdict, errorRate, significantErrors) = (point.verdict, point.errorRate, point.significantErrors)
    }

    var workerPoint: WorkerPoint {
        WorkerPoint(
            workers: workers, runs: runs, medianThroughput: medianThroughput, modelThroughput: modelThroughput,
            verdict: verdict, errorRate: errorRate, significantErrors: significantErrors
        )
    }
}

extension BestAnswer.ExecutorVerdict {
    init(
        workload: String, parameters: String, host: String, testbed: String?, executors: [String], choice: ExecutorChoice,
        bestPeakWorkers: Int?
    ) {
        (self.workload, self.parameters, self.host, self.testbed, self.executors) = (workload, parameters, host, testbed, executors)
        (executor, workers, throughput) = (choice.executor, choice.workers, choice.throughput)
        (bestPeakExecutor, self.bestPeakWorkers, bestPeakThroughput) = (choice.bestPeakExecutor, bestPeakWorkers, choice.bestPeakThroughput)
    }

    public var choice: ExecutorChoice {
        ExecutorChoice(
            executor: executor, workers: workers, throughput: throughput, bestPeakThroughput: bestPeakThroughput,
            bestPeakExecutor: bestPeakExecutor
        )
    }

    /// `sleep duration=20ms capacity=16`
    public var workloadDescription: String {
        parameters.isEmpty ? workload : "\(workload) \(parameters)"
    }

    /// `testbed ci-large` or `bench-1`.
    public var machine: String { SeriesRuns.machine(host: host, testbed: testbed) }
}
