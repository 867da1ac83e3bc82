import Foundation

/// What `tune` prints: the probes it ran, how many runs that took, and the
/// answer `best` gives for them.
public struct TuneReport: Report, Sendable {
    public var sweepId: Int64
    public var workload: String
    public var parameters: String
    public var executor: String
    /// Runs measured (warm-ups excluded).
    public var runs: Int
    /// Worker counts in the order the search probed them.
    public var probeOrder: [Int]
    public var recommendation: KneeRecommendation
    /// Runs a full sweep of 1...maxWorkers with the same repetitions would take.
    public var fullSweepRuns: Int
    public var firstError: String?
    public var errors: Int
    /// `--max-p99` in seconds, and the answer under it; nil when not asked.
    public var latencyLimit: Double?
    public var limitedWorkers: Int?
    public var limitedBand: ClosedRange<Int>?
    /// Whether the answer under the limit is settled (`LatencyDecision`).
    public var limitedSettled: Bool?
    public var latencyLimited: LatencyLimitedAnswer?
    /// Others' share of the machine during the runs (`BusyMachine.othersShare`).
    public var othersCpuShare: Double?
    public var logicalCores: Int?
    /// Where sampling stopped; nil when the report was built from runs alone.
    public var sampling: SamplingOutcome?

    /// The report of a finished `Tuner` run.
    public init(
        _ sweep: SweepRecord, workload: WorkloadSpec, executor: ExecutorKind, result: Tuner.Result, fullSweepRuns: Int,
        logicalCores: Int? = nil
    ) {
        self.init(
            sweepId: sweep.id ?? 0, workload: workload, executor: executor, probeOrder: result.outcome.order + result.limitProbes,
            runs: result.runs, recommendation: result.recommendation, fullSweepRuns: fullSweepRuns,
            latencyLimited: result.latencyLimited, logicalCores: logicalCores
        )
        sampling = result.sampling
    }

    public init(
        sweepId: Int64, workload: WorkloadSpec, executor: ExecutorKind, probeOrder: [Int], runs: [RunRecord],
        recommendation: KneeRecommendation, fullSweepRuns: Int, latencyLimited: LatencyLimitedAnswer? = nil,
        logicalCores: Int? = nil
    ) {
        self.latencyLimited = latencyLimited
        (latencyLimit, limitedWorkers) = (latencyLimited?.latencyLimit, latencyLimited?.limitedWorkers)
        (limitedBand, limitedSettled) = (latencyLimited?.limitedBand, latencyLimited?.settled)
        self.logicalCores = logicalCores
        othersCpuShare = logicalCores.flatMap { cores in
            BusyMachine.othersShare(runs.map { Sample($0, sweepStartedAt: $0.startedAt) }, cores: cores)
        }
        self.sweepId = sweepId
        self.workload = workload.name
        self.parameters = workload.parameterText
        self.executor = executor.rawValue
        self.runs = runs.count
        self.probeOrder = probeOrder
        self.recommendation = recommendation
        self.fullSweepRuns = fullSweepRuns
        self.firstError = runs.lazy.compactMap(\.firstError).first
        self.errors = runs.map(\.errorCount).reduce(0, +)
    }

    public var tables: [Table] {
        var table = Table(columns: [.init("workers", .right), .init("runs", .right), .init("tasks/s", .right), .init("")])
        table.rows = recommendation.points.map { point in
            [
                String(point.workers), String(point.runs), Formatting.rate(point.medianThroughput),
                [
                    point.workers == recommendation.recommendedWorkers ? "◆ knee" : nil,
                    point.significantErrors ? point.errorRate.map { "✗ \(Self.percent($0)) failed" } : nil,
                ].compactMap { $0 }.joined(separator: " "),
            ]
        }
        var notes = ["Sweep \(sweepId): tune \(workload) \(parameters) with \(executor); medians over runs."]
        if let phrase = recommendation.tradeOffPhrase {
            var sentence = "Recommended: \(phrase)"
            if let band = recommendation.band { sentence += " (band \(band.lowerBound)–\(band.upperBound))" }
            notes.append(sentence + "; \(recommendation.reason).")
            // best answers from every sweep since the curve last moved, so
            // without --sweep it may pool this tune with earlier runs.
            notes.append("This is what `poolbench best --sweep \(sweepId)` answers from these runs.")
        } else {
            notes.append("No recommendation: \(recommendation.reason).")
        }
        if let onset = recommendation.errorOnset { notes.append(BestReport.errorLine(onset, maxErrorRate: recommendation.maxErrorRate)) }
        if let limited = latencyLimited { notes.append(limited.sentence) }
        if let share = othersCpuShare, share > BusyMachine.threshold, let cores = logicalCores,
           let warning = BusyMachine.warning([SweepLoad(sweepID: sweepId, othersShare: share)], cores: cores) {
            notes.append(warning)
        }
        notes.append(
            "Took \(runs) runs at \(probeOrder.count) worker counts (probed \(probeOrder.map(String.init).joined(separator: ", "))); "
                + "a full sweep would take \(fullSweepRuns)."
        )
        if let sampling { notes.append(sampling.sentence) }
        // When every run failed the recommendation's line already gave the first error.
        if errors > 0 && recommendation.method != .allRunsFailed {
            notes.append("\(errors) task\(errors == 1 ? "" : "s") failed" + (firstError.map { "; first error: \($0)" } ?? "."))
        }
        table.notes = notes
        return [table]
    }

    /// `31%`, or `0.4%` below one percent.
    static func percent(_ rate: Double) -> String {
        rate >= 0.01 || rate == 0 ? "\(Int((rate * 100).rounded()))%" : String(format: "%.1f%%", rate * 100)
    }
}
