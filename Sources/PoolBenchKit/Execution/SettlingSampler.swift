import Foundation

/// How much `run --repeat auto` and `tune` may spend before they answer
/// with what they have.
public struct SamplingBudget: Sendable, Hashable {
    /// Measured runs in all, the first round included.
    public var maxRuns: Int
    /// Seconds of measuring, warm-ups included; nil for no limit.
    public var maxSeconds: Double?

    public init(maxRuns: Int, maxSeconds: Double? = nil) {
        self.maxRuns = maxRuns
        self.maxSeconds = maxSeconds
    }
}

/// Where sampling stopped, for the report.
public struct SamplingOutcome: Sendable, Hashable, Codable {
    public enum Stop: String, Sendable, Hashable, Codable {
        /// Every series' knee is settled at the confidence.
        case settled
        /// `--max-runs` ran out first.
        case runBudget
        /// `--time-budget` ran out first.
        case timeBudget
        /// Not settled, and not sampled further: `--repeat N` asked for
        /// exactly N runs per point.
        case exact
    }

    public var stop: Stop
    public var runs: Int
    public var seconds: Double
    public var confidence: Double
    /// Per executor, the counts still undecided when sampling stopped.
    public var undecided: [String: [Int]]

    public init(stop: Stop, runs: Int, seconds: Double, confidence: Double, undecided: [String: [Int]]) {
        self.stop = stop
        self.runs = runs
        self.seconds = seconds
        self.confidence = confidence
        self.undecided = undecided
    }

    /// One sentence: settled, or what is open and what would close it.
    public var sentence: String {
        let percent = Int((confidence * 100).rounded())
        switch stop {
        case .settled:
            return "Sampled until settled at \(percent)% confidence: \(runs) runs."
        case .runBudget, .timeBudget, .exact:
            let open = undecided.keys.sorted().compactMap { executor -> String? in
                guard let counts = undecided[executor], !counts.isEmpty else { return nil }
                return "\(executor) at \(counts.map(String.init).joined(separator: ", ")) workers"
            }.joined(separator: "; ")
            let undecidedPhrase = open.isEmpty ? "nothing to decide from" : "undecided \(open)"
            guard stop != .exact else {
                return "Not settled at \(percent)% confidence after exactly \(runs) runs: \(undecidedPhrase); "
                    + "--repeat auto would sample there until it is."
            }
            let limit = stop == .runBudget ? "--max-runs" : "--time-budget"
            return "Not settled at \(percent)% confidence when \(limit) ended after \(runs) runs: \(undecidedPhrase); "
                + "raise \(limit), or --tasks (longer runs are less noisy), to decide."
        }
    }
}

/// Decides where the next runs go so that the recommendation settles:
/// the one sampler `run --repeat auto` and `tune` share.
///
/// After the first round, a count gets another run only while its verdict
/// is open (`KneeDecision`): a count at or below the knee whose confidence
/// bounds straddle the cut, or the knee itself while it is not yet within;
/// and as many plateau counts, thinnest first, as it takes for the plateau
/// to hold as many runs as all the open counts together after the round.
/// Counts far from the cut stop at the first round, which is where the
/// savings come from.
///
/// Why the plateau keeps pace with the open counts together: every open
/// count is judged against the one pooled plateau, so its noise enters each
/// verdict. For m comparisons with a shared control, Dunnett ("A multiple
/// comparison procedure for comparing several treatments with a control",
/// JASA 50, 1955) gives the control √m times the runs of each; balancing the
/// plateau against the open counts' sum leans the same way and is simpler to
/// read. Balanced against the knee alone, the plateau of a 16-slot server
/// (latency CV 0.5) held 38 runs while the counts below held 250, and a
/// plateau high by chance put the knee at 17 or 18. One plateau run per
/// round was not enough to catch up: with several plateau runs per round,
/// `run --repeat auto` on that server named 15 or 16 in 95.8% of 500 seeded
/// sweeps, against 94.8%.
///
/// Errors come first (`ErrorOnset`): the counts from the smallest one with
/// significant errors are past what the server accepts and out of the
/// decision, and a count at or below the knee whose errors are neither
/// significant nor clearly below the threshold (its estimate above it, its
/// lower bound not) is open too, since more runs there decide whether the
/// knee is a count the server accepts.
///
/// Under a p99 limit (`--max-p99`) the answer under it must settle too
/// (`LatencyDecision`): a count below the error onset is open while its p99
/// verdict is, up to the first count that exceeds the limit, and among the
/// counts that meet it the knee's open counts are, by the rule above.
public struct SettlingSampler: Sendable {
    public var tolerance: Double
    public var confidence: Double
    /// The share of failed tasks accepted (`--max-error-rate`).
    public var maxErrorRate: Double
    /// `--max-p99` in seconds; nil when no limit was asked.
    public var latencyLimit: Double?

    public init(
        tolerance: Double = 0.05, confidence: Double = KneeDecision.defaultConfidence, maxErrorRate: Double = 0,
        latencyLimit: Double? = nil
    ) {
        self.tolerance = tolerance
        self.confidence = confidence
        self.maxErrorRate = maxErrorRate
        self.latencyLimit = latencyLimit
    }

    /// The errors of one series' runs judged, by worker count.
    public func errors(_ tallies: [Int: TaskTally]) -> ErrorOnset {
        ErrorOnset.decide(tallies, maxErrorRate: maxErrorRate, confidence: confidence)
    }

    /// The decision on one series' runs, by worker count, among the counts
    /// below the error onset of `errors` (each count's tasks and failures).
    public func decision(_ runs: [Int: [Double]], errors: [Int: TaskTally] = [:]) -> KneeDecision? {
        let onset = errors.isEmpty ? nil : self.errors(errors).onsetWorkers
        let workers = runs.keys.sorted().filter { onset == nil || $0 < onset! }
        return KneeDecision.decide(
            workers: workers, groups: workers.map { runs[$0, default: []] }, tolerance: tolerance, confidence: confidence
        )
    }

    /// The counts of one series that need another run, ascending: the
    /// knee's and, under a latency limit, the answer's under it (each
    /// count's p99 in `latencies`); empty when both are settled (or there is
    /// nothing to decide).
    public func openCounts(
        _ runs: [Int: [Double]], errors: [Int: TaskTally] = [:], latencies: [Int: [Double]] = [:]
    ) -> [Int] {
        let limited = limitDecision(runs, errors: errors, latencies: latencies).map(latencyOpenCounts) ?? []
        return Set(kneeOpenCounts(decision(runs, errors: errors), errors: errors) + limited).sorted()
    }

    /// The decision under `latencyLimit` on one series' runs below its
    /// error onset; nil without a limit or without any p99.
    public func limitDecision(
        _ runs: [Int: [Double]], errors: [Int: TaskTally] = [:], latencies: [Int: [Double]]
    ) -> LatencyDecision? {
        guard let latencyLimit, !latencies.isEmpty else { return nil }
        let onset = errors.isEmpty ? nil : self.errors(errors).onsetWorkers
        let workers = runs.keys.sorted().filter { onset == nil || $0 < onset! }
        return LatencyDecision.decide(
            workers: workers, throughput: workers.map { runs[$0, default: []] }, latencyP99: workers.map { latencies[$0, default: []] },
            limit: latencyLimit, tolerance: tolerance, confidence: confidence
        )
    }

    /// The counts the answer under the limit needs another run at: every
    /// count whose p99 verdict is open up to the first that exceeds, and the
    /// knee's open counts among those that meet.
    public func latencyOpenCounts(_ limited: LatencyDecision) -> [Int] {
        Set(limited.latencyUndecided + kneeOpenCounts(limited.throughput)).sorted()
    }

    /// The counts the knee needs another run at (see the type's comment).
    /// `decision` is the knee decision on the runs `errors` were counted over.
    private func kneeOpenCounts(_ decision: KneeDecision?, errors: [Int: TaskTally] = [:]) -> [Int] {
        guard let decision, let knee = decision.knee else { return [] }
        var open = Set<Int>()
        if !decision.settled {
            open = Set(decision.undecided)
            let openRuns = decision.counts.filter { open.contains($0.workers) }.map(\.runs).reduce(0, +)
            // When the knee is the whole plateau (the last count meeting a
            // p99 limit), the counts below are judged against its runs alone,
            // so it catches up too.
            let beyond = decision.counts.filter { $0.onPlateau && $0.workers != knee }
            let plateau = beyond.isEmpty ? decision.counts.filter { $0.workers == knee && !open.contains(knee) } : beyond
            // After this round the open counts hold `openRuns + open.count`;
            // the plateau catches up by one run at each of its thinnest counts.
            var deficit = openRuns + open.count - plateau.map(\.runs).reduce(0, +)
            for count in plateau.sorted(by: { ($0.runs, $0.workers) < ($1.runs, $1.workers) }) where deficit > 0 {
                open.insert(count.workers)
                deficit -= 1
            }
        }
        if !errors.isEmpty {
            let judged = self.errors(errors)
            for count in judged.counts where count.workers <= knee && !count.significant
                && count.tally.failed > 0 && count.tally.rate > judged.threshold {
                open.insert(count.workers)
            }
        }
        return open.sorted()
    }

    /// Whether `decision` leaves anything open on `runs`: its knee unsettled,
    /// a count's errors undecided, or the answer under the limit unsettled
    /// (see `openCounts`).
    private func isOpen(_ series: Series) -> (open: Bool, undecided: [Int]) {
        guard let decision = decision(series.runs, errors: series.errors) else { return (false, []) }
        let limited = limitDecision(series.runs, errors: series.errors, latencies: series.latencies)
        let limitUndecided = limited.map { $0.settled ? [] : $0.undecided } ?? []
        if !decision.settled { return (true, Set(decision.undecided + limitUndecided).sorted()) }
        if !limitUndecided.isEmpty { return (true, limitUndecided) }
        let open = Set(kneeOpenCounts(decision, errors: series.errors) + (limited.map(latencyOpenCounts) ?? [])).sorted()
        return (!open.isEmpty, open)
    }

    /// One executor's runs, errors and p99s, by worker count.
    private struct Series {
        var runs: [Int: [Double]]
        var errors: [Int: TaskTally]
        var latencies: [Int: [Double]]
    }

    /// A sweep's runs split by executor, in name order.
    private func byExecutor(
        _ runs: [SweepPoint: [Double]], errors: [SweepPoint: TaskTally], latencies: [SweepPoint: [Double]]
    ) -> [(executor: ExecutorKind, series: Series)] {
        let byExecutor = Dictionary(grouping: runs.keys, by: \.executor)
        return byExecutor.keys.sorted { $0.rawValue < $1.rawValue }.map { executor in
            let points = byExecutor[executor, default: []]
            return (executor, Series(
                runs: Dictionary(uniqueKeysWithValues: points.map { ($0.workers, runs[$0] ?? []) }),
                errors: Dictionary(uniqueKeysWithValues: points.compactMap { point in errors[point].map { (point.workers, $0) } }),
                latencies: Dictionary(uniqueKeysWithValues: points.compactMap { point in latencies[point].map { (point.workers, $0) } })
            ))
        }
    }

    /// The next round of a sweep across executors: every point whose
    /// series (its executor) still has an open count, in ascending order.
    /// `latencies` holds each point's runs' p99, for the latency limit.
    public func nextRound(
        _ runs: [SweepPoint: [Double]], errors: [SweepPoint: TaskTally] = [:], latencies: [SweepPoint: [Double]] = [:]
    ) -> [SweepPoint] {
        byExecutor(runs, errors: errors, latencies: latencies).flatMap { executor, series in
            openCounts(series.runs, errors: series.errors, latencies: series.latencies).map {
                SweepPoint(executor: executor, workers: $0)
            }
        }
    }

    /// Per executor, the counts still undecided on `runs`.
    public func undecided(
        _ runs: [SweepPoint: [Double]], errors: [SweepPoint: TaskTally] = [:], latencies: [SweepPoint: [Double]] = [:]
    ) -> [String: [Int]] {
        var open: [String: [Int]] = [:]
        for (executor, series) in byExecutor(runs, errors: errors, latencies: latencies) {
            let state = isOpen(series)
            if state.open { open[executor.rawValue] = state.undecided }
        }
        return open
    }

    /// The sampling loop of `run --repeat auto`: runs `firstRound` whole
    /// (warm-ups included), then round after round at `nextRound`'s points,
    /// each in the order `shuffle` gives, until every series is settled or
    /// `budget` ends. `measure` runs one entry and returns its throughput,
    /// nil for a warm-up; `elapsed()` gives the seconds spent so far.
    public func sample(
        firstRound: [ScheduledRun], budget: SamplingBudget, elapsed: () -> Double = { 0 },
        shuffle: ([SweepPoint]) -> [SweepPoint] = { $0 },
        measure: (ScheduledRun) async throws -> Double?
    ) async throws -> (throughput: [SweepPoint: [Double]], errors: [SweepPoint: TaskTally], outcome: SamplingOutcome) {
        try await sample(
            firstRound: firstRound, budget: budget, elapsed: elapsed, shuffle: shuffle,
            measureRun: { entry -> MeasuredRun? in try await measure(entry).map { MeasuredRun(throughput: $0) } }
        )
    }

    /// `sample` with each run's tasks and failures, so errors decide too.
    public func sample(
        firstRound: [ScheduledRun], budget: SamplingBudget, elapsed: () -> Double = { 0 },
        shuffle: ([SweepPoint]) -> [SweepPoint] = { $0 },
        measureRun: (ScheduledRun) async throws -> MeasuredRun?
    ) async throws -> (throughput: [SweepPoint: [Double]], errors: [SweepPoint: TaskTally], outcome: SamplingOutcome) {
        var throughput: [SweepPoint: [Double]] = [:]
        var errors: [SweepPoint: TaskTally] = [:]
        var latencies: [SweepPoint: [Double]] = [:]
        var runs = 0
        var stop = SamplingOutcome.Stop.settled
        var queue = firstRound
        while true {
            for entry in queue {
                let repetition = entry.repetition.map { _ in throughput[entry.point]?.count ?? 0 }
                guard let value = try await measureRun(ScheduledRun(point: entry.point, repetition: repetition)) else { continue }
                throughput[entry.point, default: []].append(value.throughput)
                if let tally = value.tally { errors[entry.point, default: TaskTally()] = errors[entry.point, default: TaskTally()] + tally }
                if let p99 = value.latencyP99 { latencies[entry.point, default: []].append(p99) }
                runs += 1
            }
            let open = nextRound(throughput, errors: errors, latencies: latencies)
            if open.isEmpty { break }
            if runs >= budget.maxRuns {
                stop = .runBudget
                break
            }
            if let limit = budget.maxSeconds, elapsed() >= limit {
                stop = .timeBudget
                break
            }
            // The first round is whole whatever the budget; later ones stop at it.
            queue = shuffle(open).prefix(budget.maxRuns - runs).map { ScheduledRun(point: $0, repetition: 0) }
        }
        let undecided = undecided(throughput, errors: errors, latencies: latencies)
        if undecided.isEmpty { stop = .settled } else if stop == .settled { stop = .runBudget }
        return (
            throughput, errors,
            SamplingOutcome(stop: stop, runs: runs, seconds: elapsed(), confidence: confidence, undecided: undecided)
        )
    }
}

/// One measured run as sampling sees it: its throughput and, when known,
/// its tasks and how many failed, and its p99 task latency.
public struct MeasuredRun: Sendable, Hashable {
    public var throughput: Double
    public var tally: TaskTally?
    /// Seconds; nil when no task succeeded.
    public var latencyP99: Double?

    public init(throughput: Double, tally: TaskTally? = nil, latencyP99: Double? = nil) {
        self.throughput = throughput
        self.tally = tally
        self.latencyP99 = latencyP99
    }
}
