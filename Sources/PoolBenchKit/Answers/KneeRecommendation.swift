/// How `best` arrived at its answer.
public enum KneeMethod: String, Sendable, Hashable, Codable {
    /// Knee of a Universal Scalability Law fit.
    case universalScalability
    /// Knee of a saturation fit X = λ·min(N, K).
    case saturation
    /// Knee of the measured medians: too few points for a fit, or no good fit.
    case measured
    /// Not enough runs to recommend anything; `reason` says what to run.
    case insufficientData
    /// Every run failed: nothing to recommend; `reason` gives the first error.
    case allRunsFailed
    /// Every tested count, the fewest workers included, has significant
    /// errors (`ErrorOnset`): nothing the server accepts to recommend.
    case errorsAtEveryCount
}

/// One tested worker count as `best` saw it.
public struct WorkerPoint: Sendable, Hashable, Codable {
    public var workers: Int
    public var runs: Int
    /// Median throughput of the runs, tasks/s.
    public var medianThroughput: Double
    /// The fitted model at this worker count, when a fit answered.
    public var modelThroughput: Double?
    /// Whether its throughput is within the tolerance of the plateau, at
    /// the recommendation's confidence (see `KneeDecision`).
    public var verdict: KneeDecision.Verdict?
    /// failed ÷ tasks over its runs; nil when its runs recorded no tasks.
    public var errorRate: Double?
    /// At or past the error onset: never recommended.
    public var significantErrors = false
}

/// The answer to "how many workers?" for one series.
///
/// Encodes to JSON with the keys `best --format json` promises:
/// `recommendedWorkers`, `band` ([low, high]), `peakWorkers`, `method`, `runs`.
public struct KneeRecommendation: Sendable, Hashable, Codable {
    /// The knee: the smallest tested worker count whose throughput is within
    /// `tolerance` of the plateau (see `KneeDecision`). Always a tested count;
    /// `nil` when there is too little data (see `reason` and `nextRange`).
    public var recommendedWorkers: Int?
    /// The 5th–95th percentile of the knee over bootstrap resamples, widened
    /// if needed to contain `recommendedWorkers`. Both ends are tested counts.
    public var band: ClosedRange<Int>?
    /// The tested worker count with the highest median throughput — always
    /// measured, whichever method answered, so it agrees with the runs —
    /// among the counts below the error onset.
    public var peakWorkers: Int?
    /// The median throughput at `peakWorkers`, tasks/s.
    public var peakThroughput: Double?
    /// The median throughput at `recommendedWorkers`, tasks/s.
    public var kneeThroughput: Double?
    /// The plateau the knee is judged against: the geometric mean of the
    /// runs of every count not significantly below the best, tasks/s.
    public var plateauThroughput: Double?
    /// The one-sided confidence of every count's verdict, e.g. 0.95.
    public var confidence: Double?
    /// Whether the knee is within the tolerance and every smaller count
    /// outside it, each at `confidence`.
    public var settled: Bool = false
    /// Counts at or below the knee still undecided at `confidence`: more
    /// runs there, or more tasks per run, would decide them.
    public var undecidedWorkers: [Int] = []
    /// kneeThroughput / peakThroughput: what the knee keeps of the peak.
    public var fractionOfPeak: Double?
    /// 1 − recommendedWorkers / peakWorkers: the share of workers the knee
    /// saves; `nil` when a fitted knee lies above the measured peak.
    public var fewerWorkersFraction: Double?
    /// Where the answering model puts its own peak (USL N*, saturation K),
    /// beside the measured one; `nil` without a fit or when the model never
    /// peaks (USL with κ = 0). May lie between or beyond tested counts.
    public var modelPeakWorkers: Double?
    /// The model's throughput at `modelPeakWorkers`, tasks/s.
    public var modelPeakThroughput: Double?
    /// The first run's error message when every run failed, else `nil`.
    public var firstError: String?
    public var method: KneeMethod
    /// Why this method answered, in a short sentence for humans.
    public var reason: String
    /// Number of runs the answer used.
    public var runs: Int
    public var tolerance: Double
    /// False when the knee is the largest tested count, or when the fastest
    /// measured count is the largest: throughput may still be climbing and a
    /// larger count might do better. A knee below the largest count is not
    /// enough on its own — a straight line 1…40 has its knee at 38.
    /// Two exceptions, since on a flat plateau noise often puts the fastest
    /// median at the largest count: the workers past the knee bought little
    /// (`Knee.scaledLittle`), or a fit the repeat runs accept puts its peak
    /// or capacity clearly inside the tested range (`Knee.peaksInside`).
    public var plateauReached: Bool
    /// Worker counts worth running next: up to 4× the largest when no
    /// plateau was reached, a first sweep when data is missing.
    public var nextRange: ClosedRange<Int>?
    /// The fitted model, when one answered.
    public var fit: ScalingFit?
    /// Every tested worker count, ascending.
    public var points: [WorkerPoint]
    public var priors: SanityPriors
    /// The smallest count whose error rate is significantly above the
    /// error-free counts' and `maxErrorRate` (see `ErrorOnset`); it and every
    /// larger count are never recommended. nil when no count has.
    public var errorOnsetWorkers: Int?
    /// The onset's error rate and what failed there.
    public var errorOnset: ErrorOnsetSummary?
    /// The share of failed tasks accepted (`--max-error-rate`).
    public var maxErrorRate: Double = 0

    /// The runs of the counts below the error onset: what any answer drawn
    /// from these runs (the knee's, or one under a latency limit) may
    /// recommend. All of them when no count has significant errors.
    public func belowErrorOnset(_ samples: [Sample]) -> [Sample] {
        guard let onset = errorOnsetWorkers else { return samples }
        return samples.filter { $0.workers < onset }
    }

    /// What the knee costs against the peak, e.g.
    /// "16 workers: 97% of peak throughput with 67% fewer workers than 48";
    /// `nil` without a recommendation.
    public var tradeOffPhrase: String? {
        guard let workers = recommendedWorkers, let peakWorkers, let fraction = fractionOfPeak else { return nil }
        let noun = workers == 1 ? "worker" : "workers"
        guard workers != peakWorkers else { return "\(workers) \(noun): the peak throughput" }
        guard workers < peakWorkers, let fewer = fewerWorkersFraction else {
            return "\(workers) \(noun): \(percent(fraction))% of the peak throughput measured at \(peakWorkers)"
        }
        return "\(workers) \(noun): \(percent(fraction))% of peak throughput "
            + "with \(percent(fewer))% fewer workers than \(peakWorkers)"
    }

    private func percent(_ fraction: Double) -> Int {
        Int((fraction * 100).rounded())
    }
}
