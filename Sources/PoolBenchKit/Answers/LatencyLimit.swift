/// `best --max-p99` and `tune --max-p99`: the most throughput a job gets
/// while its slowest tasks stay fast enough.
///
/// The rule, on the runs of one series:
/// 1. Each tested worker count is summarised by the median of its runs'
///    throughput and the median of their p99 task latencies. A count
///    *meets* the limit D when that median p99 ≤ D: at least half its runs
///    kept their 99th percentile within D, so one slow run neither condemns
///    a count nor one lucky run admits it.
/// 2. Among the counts that meet it, the knee rule of `Knee.kneeIndex`:
///    the fewest workers whose median throughput is within `tolerance` of
///    the highest any of them reached. On a plateau the highest median is
///    wherever noise put it, and the fewer workers win that tie; off a
///    plateau this is the highest-throughput count within the limit.
/// 3. The band: stratified bootstrap resamples (whole runs redrawn within
///    each count, so a run's throughput and p99 stay together), the rule
///    reapplied to each, and the 5th to 95th percentile of the answers of
///    resamples that had one (`Bootstrap.percentileBand`), widened to
///    contain the answer.
///
/// Queueing is what makes the limit bite: past a server's K slots, extra
/// workers add no throughput and every one of them waits, so p99 grows
/// about as N ÷ K times the service time.
enum LatencyLimit {
    /// Answers `limit` (seconds) from `samples`; never outside the tested counts.
    public static func answer(
        _ samples: [Sample], limit: Double, tolerance: Double = 0.05, seed: UInt64 = 0, resamples: Int = 1_000
    ) -> LatencyLimitedAnswer {
        let usable = samples.filter { $0.throughput.isFinite && $0.workers >= 1 && !$0.failedEntirely }
        let byWorkers = Dictionary(grouping: usable, by: \.workers)
        let workers = byWorkers.keys.sorted()
        let groups = workers.map { count in
            byWorkers[count, default: []].compactMap { run in
                run.latencyP99.flatMap { $0.isFinite ? (throughput: run.decisionThroughput, p99: $0) : nil }
            }
        }
        let medians = groups.map(summary)
        var answer = LatencyLimitedAnswer(
            latencyLimit: limit,
            points: workers.indices.compactMap { i in
                medians[i].map { LatencyPoint(workers: workers[i], medianLatencyP99: $0.p99, meetsLimit: $0.p99 <= limit) }
            }
        )
        guard let chosen = choose(medians, limit: limit, tolerance: tolerance), let summary = medians[chosen] else {
            return answer
        }
        answer.limitedWorkers = workers[chosen]
        answer.limitedThroughput = summary.throughput
        answer.limitedLatencyP99 = summary.p99
        answer.largestTestedMeetsLimit = chosen == workers.count - 1

        var generator = SeededGenerator(seed: seed)
        var picks: [Int] = []
        for _ in 0..<max(resamples, 0) {
            let resampled = groups.map { runs -> (throughput: Double, p99: Double)? in
                guard !runs.isEmpty else { return nil }
                return Self.summary((0..<runs.count).map { _ in runs[generator.nextIndex(below: runs.count)] })
            }
            if let pick = choose(resampled, limit: limit, tolerance: tolerance) { picks.append(workers[pick]) }
        }
        let band = Bootstrap.percentileBand(picks, coverage: Knee.bandCoverage) ?? workers[chosen]...workers[chosen]
        answer.limitedBand = min(band.lowerBound, workers[chosen])...max(band.upperBound, workers[chosen])
        return answer
    }

    /// Medians of a count's runs; nil without runs that measured p99.
    private static func summary(_ runs: [(throughput: Double, p99: Double)]) -> (throughput: Double, p99: Double)? {
        guard let throughput = Descriptive.median(runs.map(\.throughput)),
              let p99 = Descriptive.median(runs.map(\.p99)) else { return nil }
        return (throughput, p99)
    }

    /// Steps 1 and 2 on per-count medians: the index of the answer, if any count meets the limit.
    private static func choose(_ medians: [(throughput: Double, p99: Double)?], limit: Double, tolerance: Double) -> Int? {
        let curve = medians.map { median in median.flatMap { $0.p99 <= limit ? $0.throughput : nil } ?? .nan }
        return Knee.kneeIndex(of: curve, tolerance: tolerance)
    }

    /// For `tune --max-p99`: the worker count to probe next so that the
    /// answer below `knee` is settled, or nil when it is.
    ///
    /// When the knee keeps p99 within the limit, nothing below it could do
    /// better and there is nothing to probe. Otherwise the answer lies
    /// between the largest tested count under the knee that meets the limit
    /// and the smallest tested count above that one that does not; while
    /// those two are not adjacent, probe their midpoint (p99 grows with
    /// workers wherever a queue forms, so bisection finds the edge). When no
    /// tested count meets it, 1 worker is the last to try.
    public static func nextProbe(_ samples: [Sample], limit: Double, knee: Int) -> Int? {
        let points = answer(samples, limit: limit, resamples: 0).points.filter { $0.workers <= knee }
        guard let kneePoint = points.last, kneePoint.workers == knee, !kneePoint.meetsLimit else { return nil }
        guard let low = points.last(where: \.meetsLimit) else {
            return points.contains { $0.workers == 1 } ? nil : 1
        }
        guard let high = points.first(where: { $0.workers > low.workers && !$0.meetsLimit }),
              high.workers - low.workers > 1 else { return nil }
        return (low.workers + high.workers) / 2
    }
}

/// One tested worker count's median p99, against the limit.
public struct LatencyPoint: Sendable, Hashable, Codable {
    public var workers: Int
    public var medianLatencyP99: Double
    public var meetsLimit: Bool
}

/// The answer under a p99 latency limit, beside the unconstrained knee.
public struct LatencyLimitedAnswer: Sendable, Hashable, Codable {
    /// The limit asked for, seconds.
    public var latencyLimit: Double
    /// The fewest workers within tolerance of the highest throughput among
    /// the counts that meet the limit; nil when no tested count meets it.
    public var limitedWorkers: Int?
    /// 90% bootstrap band of `limitedWorkers`; tested counts at both ends.
    public var limitedBand: ClosedRange<Int>?
    /// Median throughput and p99 at `limitedWorkers`.
    public var limitedThroughput: Double?
    public var limitedLatencyP99: Double?
    /// The answer is the largest tested count: more workers were not tried
    /// and might still meet the limit with more throughput.
    public var largestTestedMeetsLimit = false
    /// Every tested count with a p99, ascending.
    public var points: [LatencyPoint]

    public init(latencyLimit: Double, limitedWorkers: Int? = nil, limitedBand: ClosedRange<Int>? = nil, points: [LatencyPoint] = []) {
        self.latencyLimit = latencyLimit
        self.limitedWorkers = limitedWorkers
        self.limitedBand = limitedBand
        self.points = points
    }

    /// One line for a report: the answer, or plainly that there is none.
    public var sentence: String {
        let limit = Formatting.seconds(latencyLimit)
        guard let workers = limitedWorkers else {
            guard let lowest = points.min(by: { $0.medianLatencyP99 < $1.medianLatencyP99 }) else {
                return "Under p99 ≤ \(limit): no recommendation; no run recorded a p99 task latency."
            }
            return "Under p99 ≤ \(limit): no tested worker count meets the limit (the lowest median p99 was "
                + "\(Formatting.seconds(lowest.medianLatencyP99)) at \(lowest.workers) worker\(lowest.workers == 1 ? "" : "s")), "
                + "so there is no recommendation under it."
        }
        var line = "Under p99 ≤ \(limit): \(workers) worker\(workers == 1 ? "" : "s")"
        if let band = limitedBand { line += ", band \(band.lowerBound)…\(band.upperBound)" }
        line += " (\(Formatting.rate(limitedThroughput)) tasks/s, median p99 \(Formatting.seconds(limitedLatencyP99)))"
        if largestTestedMeetsLimit { line += "; the largest tested count still meets it, so more workers might too" }
        return line + "."
    }
}

extension LatencyLimit {
    /// `tune --max-p99`'s part after the knee search: while `nextProbe`
    /// names a count below the knee, measures `repeats` runs there through
    /// `measure`. `runs` gives the runs so far each time. Returns the counts
    /// probed, in order.
    public static func probeBelowKnee(
        _ knee: Int, limit: Double, repeats: Int, runs: () -> [Sample], measure: (Int) async throws -> Void
    ) async throws -> [Int] {
        var probed: [Int] = []
        while let workers = nextProbe(runs(), limit: limit, knee: knee), !probed.contains(workers) {
            probed.append(workers)
            for _ in 0..<max(repeats, 1) { try await measure(workers) }
        }
        return probed
    }
}
