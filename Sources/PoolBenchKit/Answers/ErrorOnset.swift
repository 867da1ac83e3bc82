import Foundation

/// Tasks run and failed, summed over runs: one worker count's error tally.
public struct TaskTally: Sendable, Hashable {
    public var tasks: Int
    public var failed: Int

    public init(tasks: Int = 0, failed: Int = 0) {
        self.tasks = tasks
        self.failed = failed
    }

    public static func + (a: TaskTally, b: TaskTally) -> TaskTally {
        TaskTally(tasks: a.tasks + b.tasks, failed: a.failed + b.failed)
    }

    /// failed ÷ tasks; 0 with no tasks.
    public var rate: Double { tasks > 0 ? Double(failed) / Double(tasks) : 0 }
}

/// Where a server starts pushing back: the smallest worker count whose
/// error rate is significantly above what the server accepts. That count and
/// every larger one are past the limit (rate limiting, load shedding,
/// timeouts) and never recommended, whatever their throughput: a rate-limited
/// API answers its refusals fast, so past the limit the succeeded tasks'
/// throughput stays on the plateau, and the knee rule alone named counts
/// twice what the API accepted, whose tasks failed by the hundred.
///
/// Per worker count, the error rate p̂ = failed ÷ tasks over its runs' tasks
/// pooled, with the Wilson score bounds at one-sided confidence 1 − α
/// (z = Φ⁻¹(1 − α)):
///
///     (p̂ + z²/2n ∓ z·√(p̂(1 − p̂)/n + z²/4n²)) ÷ (1 + z²/n)
///
/// (Wilson, "Probable inference, the law of succession, and statistical
/// inference", JASA 22, 1927; recommended over the normal interval for small
/// n and p near 0 by Brown, Cai & DasGupta, "Interval Estimation for a
/// Binomial Proportion", Statistical Science 16, 2001). Unlike the normal
/// interval, it does not collapse to [0, 0] on a count with no failure: 540
/// error-free tasks bound the rate below 1.0% at 99%.
///
/// The baseline is the tasks of every count with no failure pooled (when
/// every count failed some, the count of lowest rate): what the server does
/// when it is not pushing back. A count is **significant** when its lower
/// bound is above both the baseline's upper bound and `maxErrorRate` (the
/// failures a user accepts, `--max-error-rate`; 0 by default). Comparing a
/// lower bound with an upper bound is conservative — it never calls a count
/// failing for background errors the error-free counts could also have had —
/// and needs no variance from counts that have no failures to estimate one
/// from. Tasks of one run are not independent (a rate limiter refuses in
/// bursts), which makes the bounds too narrow; the pooled tasks of several
/// runs, and the conservative comparison, keep that from calling a count
/// failing on one unlucky burst.
public struct ErrorOnset: Sendable, Hashable {
    /// One worker count's errors as judged.
    public struct Count: Sendable, Hashable {
        public var workers: Int
        public var tally: TaskTally
        public var lower: Double
        public var upper: Double
        public var significant: Bool
    }

    /// Every count with tasks, ascending.
    public var counts: [Count]
    /// The smallest count with significant errors; nil when none has.
    public var onsetWorkers: Int?
    /// The rate a count's lower bound must exceed to be significant.
    public var threshold: Double
    public var maxErrorRate: Double
    public var confidence: Double

    /// The counts below the onset: those the knee may be chosen from.
    public func accepts(_ workers: Int) -> Bool {
        onsetWorkers.map { workers < $0 } ?? true
    }

    /// The onset's count, when there is one.
    public var onset: Count? {
        onsetWorkers.flatMap { workers in counts.first { $0.workers == workers } }
    }

    /// Judges `tallies` (worker count → its runs' tasks and failures).
    public static func decide(
        _ tallies: [Int: TaskTally], maxErrorRate: Double = 0, confidence: Double = KneeDecision.defaultConfidence
    ) -> ErrorOnset {
        let workers = tallies.keys.sorted().filter { (tallies[$0]?.tasks ?? 0) > 0 }
        let z = NormalDistribution.quantile(confidence)
        let clean = workers.compactMap { tallies[$0] }.filter { $0.failed == 0 }
        let baseline: TaskTally
        if !clean.isEmpty {
            baseline = clean.reduce(TaskTally(), +)
        } else {
            baseline = workers.compactMap { tallies[$0] }.min { $0.rate < $1.rate } ?? TaskTally()
        }
        let threshold = max(min(max(maxErrorRate, 0), 1), baseline.tasks > 0 ? wilson(baseline, z: z).upper : 0)
        var counts: [Count] = []
        for n in workers {
            let tally = tallies[n] ?? TaskTally()
            let bounds = wilson(tally, z: z)
            counts.append(Count(
                workers: n, tally: tally, lower: bounds.lower, upper: bounds.upper,
                significant: tally.failed > 0 && bounds.lower > threshold
            ))
        }
        return ErrorOnset(
            counts: counts, onsetWorkers: counts.first(where: \.significant)?.workers, threshold: threshold,
            maxErrorRate: maxErrorRate, confidence: confidence
        )
    }

    /// Judges the runs of one series, each count's tasks and failed tasks pooled.
    public static func decide(
        _ samples: [Sample], maxErrorRate: Double = 0, confidence: Double = KneeDecision.defaultConfidence
    ) -> ErrorOnset {
        var tallies: [Int: TaskTally] = [:]
        for sample in samples where sample.workers >= 1 && sample.tasks > 0 {
            tallies[sample.workers, default: TaskTally()] = tallies[sample.workers, default: TaskTally()]
                + TaskTally(tasks: sample.tasks, failed: sample.failedTasks)
        }
        return decide(tallies, maxErrorRate: maxErrorRate, confidence: confidence)
    }

    /// The Wilson score bounds of `tally`'s rate at quantile `z`.
    static func wilson(_ tally: TaskTally, z: Double) -> (lower: Double, upper: Double) {
        guard tally.tasks > 0 else { return (0, 1) }
        let n = Double(tally.tasks), p = tally.rate, z2 = z * z
        let centre = (p + z2 / (2 * n)) / (1 + z2 / n)
        let half = z / (1 + z2 / n) * (p * (1 - p) / n + z2 / (4 * n * n)).squareRoot()
        return (max(centre - half, 0), min(centre + half, 1))
    }
}

/// Where errors start in an answer, and what they were, for people and JSON.
public struct ErrorOnsetSummary: Sendable, Hashable, Codable {
    /// The smallest count with significant errors.
    public var workers: Int
    /// Its error rate, failed ÷ tasks over its runs.
    public var errorRate: Double
    /// What failed there, most frequent first; empty for runs recorded
    /// before failure kinds were kept.
    public var kinds: [ErrorKindCount]
    /// The first error message recorded there, when no kinds were.
    public var firstError: String?

    /// "from 9 workers, 31% of tasks failed: HTTP 429 Too Many Requests".
    public var sentence: String {
        let percent = errorRate >= 0.01 || errorRate == 0
            ? "\(Int((errorRate * 100).rounded()))%" : String(format: "%.1f%%", errorRate * 100)
        var text = "from \(workers) worker\(workers == 1 ? "" : "s"), \(percent) of tasks failed"
        if !kinds.isEmpty {
            let total = kinds.map(\.count).reduce(0, +)
            text += ": " + kinds.map { kind in
                kinds.count == 1 ? kind.phrase : "\(kind.phrase) (\(Int((Double(kind.count) / Double(total) * 100).rounded()))%)"
            }.joined(separator: ", ")
        } else if let firstError {
            text += "; first error: \(firstError)"
        }
        return text
    }
}

/// One failure kind and how many tasks failed so.
public struct ErrorKindCount: Sendable, Hashable, Codable {
    /// The stored kind: `http 429`, `timeout`, `exit 3`.
    public var kind: String
    /// In words: `HTTP 429 Too Many Requests`.
    public var phrase: String
    public var count: Int

    public init(kind: FailureKind, count: Int) {
        self.kind = kind.rawValue
        phrase = kind.phrase
        self.count = count
    }
}

extension ErrorOnset {
    /// The summary of the onset from the runs it was judged on.
    public func summary(_ samples: [Sample]) -> ErrorOnsetSummary? {
        guard let onset else { return nil }
        let runs = samples.filter { $0.workers == onset.workers }
        var failures = FailureCounts()
        // Re-sent requests are not failed tasks (see `FailureKind.isRetry`).
        for run in runs { failures.add(run.failures.failedTasks) }
        return ErrorOnsetSummary(
            workers: onset.workers, errorRate: onset.tally.rate,
            kinds: failures.byFrequency.map { ErrorKindCount(kind: $0.kind, count: $0.count) },
            firstError: runs.lazy.compactMap(\.firstError).first.map { String($0.split(separator: "\n").first ?? "") }
        )
    }
}
