/// One tested worker count's p99 against the limit.
public struct LatencyPoint: Sendable, Hashable, Codable {
    public var workers: Int
    /// The median of its runs' p99, seconds.
    public var medianLatencyP99: Double
    /// Whether its p99 is within the limit at the answer's confidence
    /// (`verdict` is `meets`).
    public var meetsLimit: Bool
    /// Meets, exceeds or undecided at the answer's confidence (`LatencyDecision`).
    public var verdict: LatencyDecision.Verdict
}

/// The answer under a p99 latency limit, beside the unconstrained knee.
public struct LatencyLimitedAnswer: Sendable, Hashable, Codable {
    /// The limit asked for, seconds.
    public var latencyLimit: Double
    /// The settled knee among the counts whose p99 meets the limit at
    /// `confidence`; nil when no tested count meets it (yet).
    public var limitedWorkers: Int?
    /// 90% bootstrap band of `limitedWorkers`; tested counts at both ends.
    public var limitedBand: ClosedRange<Int>?
    /// Median throughput and p99 at `limitedWorkers`.
    public var limitedThroughput: Double?
    public var limitedLatencyP99: Double?
    /// The answer is the largest tested count: more workers were not tried
    /// and might still meet the limit with more throughput.
    public var largestTestedMeetsLimit = false
    /// The one-sided confidence of every verdict.
    public var confidence = KneeDecision.defaultConfidence
    /// Every p99 verdict up to the first count that exceeds is in, and the
    /// knee among the counts that meet is settled (`LatencyDecision.settled`).
    public var settled = false
    /// Counts whose p99 or throughput verdict is still open: more runs
    /// there would decide them.
    public var undecidedWorkers: [Int] = []
    /// Whether any count had two or more runs to judge noise by.
    public var hasNoiseEstimate = false
    /// Every tested count with a p99, ascending.
    public var points: [LatencyPoint]

    public init(latencyLimit: Double, limitedWorkers: Int? = nil, limitedBand: ClosedRange<Int>? = nil, points: [LatencyPoint] = []) {
        self.latencyLimit = latencyLimit
        self.limitedWorkers = limitedWorkers
        self.limitedBand = limitedBand
        self.points = points
    }

    /// The verdicts of `decision`, each point with its median p99 from
    /// `medians` (index for index with `decision.counts`), without an answer yet.
    init(latencyLimit: Double, decision: LatencyDecision, medians: [Double]) {
        self.init(latencyLimit: latencyLimit, points: decision.counts.indices.map { i in
            let count = decision.counts[i]
            return LatencyPoint(
                workers: count.workers, medianLatencyP99: i < medians.count ? medians[i] : count.latencyP99,
                meetsLimit: count.verdict == .meets, verdict: count.verdict
            )
        })
        (confidence, settled, undecidedWorkers) = (decision.confidence, decision.settled, decision.undecided)
        hasNoiseEstimate = decision.hasNoiseEstimate
    }

    /// The p99 verdict at `workers`; nil when it has no run with a p99.
    public func verdict(at workers: Int) -> LatencyDecision.Verdict? {
        points.first { $0.workers == workers }?.verdict
    }

    /// One line for a report: the answer, or plainly that there is none,
    /// and what is still open.
    public var sentence: String {
        let limit = Formatting.seconds(latencyLimit)
        guard let workers = limitedWorkers else {
            guard let lowest = points.min(by: { $0.medianLatencyP99 < $1.medianLatencyP99 }) else {
                return "Under p99 ≤ \(limit): no recommendation; no run recorded a p99 task latency."
            }
            guard hasNoiseEstimate else {
                return "Under p99 ≤ \(limit): no recommendation yet; one run per count gives no spread to judge p99 by, "
                    + "so no count meets the limit with confidence: measure with --repeat auto."
            }
            let meets = undecidedWorkers.isEmpty ? "meets the limit" : "meets the limit at \(percent)% confidence"
            return "Under p99 ≤ \(limit): no tested worker count \(meets) (the lowest median p99 was "
                + "\(Formatting.seconds(lowest.medianLatencyP99)) at \(lowest.workers) worker\(lowest.workers == 1 ? "" : "s")), "
                + "so there is no recommendation under it" + openPhrase + "."
        }
        var line = "Under p99 ≤ \(limit): \(workers) worker\(workers == 1 ? "" : "s")"
        if let band = limitedBand { line += ", band \(band.lowerBound)…\(band.upperBound)" }
        line += " (\(Formatting.rate(limitedThroughput)) tasks/s, median p99 \(Formatting.seconds(limitedLatencyP99)))"
        if largestTestedMeetsLimit { line += "; the largest tested count still meets it, so more workers might too" }
        return line + openPhrase + "."
    }

    private var percent: Int { Int((confidence * 100).rounded()) }

    /// `; not settled at 99% confidence: count 10 undecided; …`, or nothing when settled.
    private var openPhrase: String {
        guard !settled, !undecidedWorkers.isEmpty else { return "" }
        let noun = undecidedWorkers.count == 1 ? "count" : "counts"
        return "; not settled at \(percent)% confidence: \(noun) \(undecidedWorkers.map(String.init).joined(separator: ", ")) "
            + "undecided; more runs there (--repeat auto) or more --tasks per run would decide"
    }
}
