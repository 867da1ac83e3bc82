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
public struct SettlingSampler: Sendable {
    public var tolerance: Double
    public var confidence: Double
    /// The share of failed tasks accepted (`--max-error-rate`).
    public var maxErrorRate: Double

    public init(tolerance: Double = 0.05, confidence: Double = KneeDecision.defaultConfidence, maxErrorRate: Double = 0) {
        self.tolerance = tolerance
        self.confidence = confidence
        self.maxErrorRate = maxErrorRate
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

    /// The counts of one series that need another run, ascending; empty
    /// when its knee is settled (or there is nothing to decide).
    public func openCounts(_ runs: [Int: [Double]], errors: [Int: TaskTally] = [:]) -> [Int] {
        guard let decision = decision(runs, errors: errors), let knee = decision.knee else { return [] }
        var open = Set<Int>()
        if !decision.settled {
            open = Set(decision.undecided)
            let openRuns = decision.counts.filter { open.contains($0.workers) }.map(\.runs).reduce(0, +)
            let plateau = decision.counts.filter { $0.onPlateau && $0.workers != knee }
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
    /// or a count's errors undecided (see `openCounts`).
    private func isOpen(_ runs: [Int: [Double]], errors: [Int: TaskTally]) -> (open: Bool, undecided: [Int]) {
        guard let decision = decision(runs, errors: errors) else { return (false, []) }
        let open = openCounts(runs, errors: errors)
        if !decision.settled { return (true, decision.undecided) }
        return (!open.isEmpty, open)
    }

    /// The next round of a sweep across executors: every point whose
    /// series (its executor) still has an open count, in ascending order.
    public func nextRound(_ runs: [SweepPoint: [Double]], errors: [SweepPoint: TaskTally] = [:]) -> [SweepPoint] {
        let byExecutor = Dictionary(grouping: runs.keys, by: \.executor)
        return byExecutor.keys.sorted { $0.rawValue < $1.rawValue }.flatMap { executor in
            let points = byExecutor[executor, default: []]
            let series = Dictionary(uniqueKeysWithValues: points.map { ($0.workers, runs[$0] ?? []) })
            let tallies = Dictionary(uniqueKeysWithValues: points.compactMap { point in errors[point].map { (point.workers, $0) } })
            return openCounts(series, errors: tallies).map { SweepPoint(executor: executor, workers: $0) }
        }
    }

    /// Per executor, the counts still undecided on `runs`.
    public func undecided(_ runs: [SweepPoint: [Double]], errors: [SweepPoint: TaskTally] = [:]) -> [String: [Int]] {
        let byExecutor = Dictionary(grouping: runs.keys, by: \.executor)
        var open: [String: [Int]] = [:]
        for (executor, points) in byExecutor {
            let series = Dictionary(uniqueKeysWithValues: points.map { ($0.workers, runs[$0] ?? []) })
            let tallies = Dictionary(uniqueKeysWithValues: points.compactMap { point in errors[point].map { (point.workers, $0) } })
            let state = isOpen(series, errors: tallies)
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
        var runs = 0
        var stop = SamplingOutcome.Stop.settled
        var queue = firstRound
        while true {
            for entry in queue {
                let repetition = entry.repetition.map { _ in throughput[entry.point]?.count ?? 0 }
                guard let value = try await measureRun(ScheduledRun(point: entry.point, repetition: repetition)) else { continue }
                throughput[entry.point, default: []].append(value.throughput)
                if let tally = value.tally { errors[entry.point, default: TaskTally()] = errors[entry.point, default: TaskTally()] + tally }
                runs += 1
            }
            let open = nextRound(throughput, errors: errors)
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
        let undecided = undecided(throughput, errors: errors)
        if undecided.isEmpty { stop = .settled } else if stop == .settled { stop = .runBudget }
        return (
            throughput, errors,
            SamplingOutcome(stop: stop, runs: runs, seconds: elapsed(), confidence: confidence, undecided: undecided)
        )
    }
}

/// One measured run as sampling sees it: its throughput and, when known,
/// its tasks and how many failed.
public struct MeasuredRun: Sendable, Hashable {
    public var throughput: Double
    public var tally: TaskTally?

    public init(throughput: Double, tally: TaskTally? = nil) {
        self.throughput = throughput
        self.tally = tally
    }
}
