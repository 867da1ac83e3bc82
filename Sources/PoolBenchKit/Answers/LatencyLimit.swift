import Foundation

/// `best --max-p99`, `run --max-p99` and `tune --max-p99`: the most
/// throughput a job gets while its slowest tasks stay fast enough.
///
/// The rule, on the runs of one series (those with a p99), is
/// `LatencyDecision`'s: each count meets the limit D, exceeds it, or is
/// undecided at `confidence`, on the log of its runs' p99; the answer is the
/// settled knee of the throughput of the counts that meet. An undecided
/// count is never the answer, so one lucky run cannot admit a count that
/// breaks the limit, nor one slow run condemn a count with many.
///
/// The band: stratified bootstrap resamples (whole runs redrawn within each
/// count, so a run's throughput and p99 stay together), the rule reapplied
/// to each by its estimates (`LatencyDecision.answerEstimate`), and the 5th
/// to 95th percentile of the answers of resamples that had one
/// (`Bootstrap.percentileBand`), widened to contain the answer and, as
/// `Knee.band` does, down to the smallest meeting count whose throughput
/// verdict is not outside.
///
/// Queueing is what makes the limit bite: past a server's K slots, extra
/// workers add little throughput and every one of them waits, so p99 grows
/// about as N ÷ K times the service time.
enum LatencyLimit {
    /// Answers `limit` (seconds) from `samples`; never outside the tested counts.
    public static func answer(
        _ samples: [Sample], limit: Double, tolerance: Double = 0.05, confidence: Double = KneeDecision.defaultConfidence,
        seed: UInt64 = 0, resamples: Int = 1_000
    ) -> LatencyLimitedAnswer {
        let runs = groups(samples)
        let decision = LatencyDecision.decide(
            workers: runs.workers, throughput: runs.throughput, latencyP99: runs.p99, limit: limit, tolerance: tolerance,
            confidence: confidence
        )
        var answer = LatencyLimitedAnswer(latencyLimit: limit, decision: decision, medians: runs.p99.map { Descriptive.median($0) ?? .nan })
        guard let chosen = decision.answer, let at = runs.workers.firstIndex(of: chosen) else { return answer }
        answer.limitedWorkers = chosen
        answer.limitedThroughput = Descriptive.median(runs.throughput[at])
        answer.limitedLatencyP99 = Descriptive.median(runs.p99[at])
        answer.largestTestedMeetsLimit = at == runs.workers.count - 1
        answer.limitedBand = band(runs, decision: decision, chosen: chosen, seed: seed, resamples: resamples)
        return answer
    }

    /// The decision alone, without the band, for sampling.
    public static func decision(
        _ samples: [Sample], limit: Double, tolerance: Double = 0.05, confidence: Double = KneeDecision.defaultConfidence
    ) -> LatencyDecision {
        let runs = groups(samples)
        return LatencyDecision.decide(
            workers: runs.workers, throughput: runs.throughput, latencyP99: runs.p99, limit: limit, tolerance: tolerance,
            confidence: confidence
        )
    }

    /// The runs that recorded a p99, by worker count, ascending: each run's
    /// decision throughput and p99 at the same index.
    static func groups(_ samples: [Sample]) -> (workers: [Int], throughput: [[Double]], p99: [[Double]]) {
        let usable = samples.filter {
            $0.throughput.isFinite && $0.workers >= 1 && !$0.failedEntirely && ($0.latencyP99.map { $0.isFinite && $0 > 0 } ?? false)
        }
        let byWorkers = Dictionary(grouping: usable, by: \.workers)
        let workers = byWorkers.keys.sorted()
        return (
            workers, workers.map { byWorkers[$0, default: []].map(\.decisionThroughput) },
            workers.map { byWorkers[$0, default: []].compactMap(\.latencyP99) }
        )
    }

    /// The band of the answer `chosen` (see the type's comment).
    private static func band(
        _ runs: (workers: [Int], throughput: [[Double]], p99: [[Double]]), decision: LatencyDecision, chosen: Int, seed: UInt64,
        resamples: Int
    ) -> ClosedRange<Int> {
        let largest = runs.throughput.joined().filter(\.isFinite).max() ?? 1
        let logThroughput = runs.throughput.map { $0.map { log(max($0, largest * 1e-9)) } }
        let logP99 = runs.p99.map { $0.map { log($0) } }
        var generator = SeededGenerator(seed: seed)
        var picks: [Int] = []
        for _ in 0..<max(resamples, 0) {
            var throughput: [[Double]] = [], p99: [[Double]] = []
            for i in logP99.indices {
                let drawn = (0..<logP99[i].count).map { _ in generator.nextIndex(below: logP99[i].count) }
                throughput.append(drawn.map { logThroughput[i][$0] })
                p99.append(drawn.map { logP99[i][$0] })
            }
            if let pick = LatencyDecision.answerEstimate(
                logThroughput: throughput, logP99: p99, limit: decision.limit, tolerance: decision.tolerance,
                confidence: decision.confidence
            ) {
                picks.append(runs.workers[pick])
            }
        }
        let band = Bootstrap.percentileBand(picks, coverage: Knee.bandCoverage) ?? chosen...chosen
        var low = min(band.lowerBound, chosen)
        if let knee = decision.throughput, knee.hasNoiseEstimate,
           let possible = knee.counts.first(where: { $0.verdict != .outside && $0.workers <= chosen }) {
            low = min(low, possible.workers)
        }
        return low...max(band.upperBound, chosen)
    }

    /// For `tune --max-p99`: the worker count to probe next so that the
    /// edge of the limit below `knee` is found, or nil when it is.
    ///
    /// When the knee keeps p99 within the limit by its estimate, nothing
    /// below it could do better and there is nothing to probe. Otherwise the
    /// answer lies between the largest tested count under the knee whose
    /// estimated p99 is within the limit and the smallest tested count above
    /// that one whose estimate is not; while those two are not adjacent,
    /// probe their midpoint (p99 grows with workers wherever a queue forms,
    /// so bisection finds the edge). When no tested count is within, 1
    /// worker is the last to try. The estimates only choose what to probe;
    /// `openCounts` then samples until the verdicts are in.
    public static func nextProbe(_ samples: [Sample], limit: Double, knee: Int) -> Int? {
        let points = decision(samples, limit: limit).counts.filter { $0.workers <= knee }
        func within(_ count: LatencyDecision.Count) -> Bool { count.latencyP99 <= limit }
        guard let kneePoint = points.last, kneePoint.workers == knee, !within(kneePoint) else { return nil }
        guard let low = points.last(where: within) else {
            return points.contains { $0.workers == 1 } ? nil : 1
        }
        guard let high = points.first(where: { $0.workers > low.workers && !within($0) }),
              high.workers - low.workers > 1 else { return nil }
        return (low.workers + high.workers) / 2
    }
}

extension LatencyLimit {
    /// `tune --max-p99`'s part after the knee search: while `nextProbe`
    /// names a count below the knee not probed yet, measures `repeats` runs
    /// there through `measure`; then, with `sampler` (`--repeat auto`), one
    /// more run at each count the answer under the limit leaves open
    /// (`SettlingSampler.latencyOpenCounts`), round after round, until it is
    /// settled or `allowed()` says the budget is spent. `runs` gives the runs
    /// so far each time. Returns the counts probed, in order.
    public static func probeBelowKnee(
        _ knee: Int, limit: Double, repeats: Int, sampler: SettlingSampler? = nil, runs: () -> [Sample],
        allowed: () -> Bool = { true }, measure: (Int) async throws -> Void
    ) async throws -> [Int] {
        var probed: [Int] = []
        while allowed() {
            let samples = runs()
            if let workers = nextProbe(samples, limit: limit, knee: knee), !probed.contains(workers) {
                probed.append(workers)
                for _ in 0..<max(repeats, 1) { try await measure(workers) }
                continue
            }
            let open = sampler.map { openCounts(samples, sampler: $0) } ?? []
            guard !open.isEmpty else { break }
            for workers in open where allowed() { try await measure(workers) }
        }
        return probed
    }

    /// The counts of `samples` (one series, below its error onset) that
    /// need another run for the answer under `sampler.latencyLimit` to settle.
    static func openCounts(_ samples: [Sample], sampler: SettlingSampler) -> [Int] {
        let runs = groups(samples)
        let limited = sampler.limitDecision(
            Dictionary(uniqueKeysWithValues: zip(runs.workers, runs.throughput)),
            latencies: Dictionary(uniqueKeysWithValues: zip(runs.workers, runs.p99))
        )
        return limited.map { sampler.latencyOpenCounts($0) } ?? []
    }
}
