/// `tune`'s search: finds the knee of the throughput curve with few runs,
/// driven by a closure that measures one run at a worker count, so it can be
/// tested against a fake curve.
///
/// 1. Baseline: `repeats` runs at 1 worker.
/// 2. Doubling: probe 2N while N < `maxWorkers` (the last probe clamped to
///    it); stop as soon as doubling buys less than `tolerance`, i.e.
///    median(2N) < (1 + tolerance)·median(N) — a throughput drop included —
///    or nothing succeeded at 2N (median 0), where 0 < 0 would not stop it
///    and a failing job would be probed up to `maxWorkers`. Noise can only
///    make this go on a step too far (a flat plateau measuring 5% up), which
///    costs a probe; stopping early would need a doubling that bought 2×
///    to measure under 1.05×.
/// 3. Bisection: the knee is `KneeDecision`'s on the probed counts (a plateau
///    pooled from every count not significantly below the best, so the
///    fastest probe's luck does not move the cut). While it and the bottom
///    of the bracket are not adjacent, probe the midpoint. The bottom is the
///    largest probed count below the knee, or, when `tasks` is known, one
///    below the fewest workers that could reach the cut at all (`reachable`),
///    whichever is larger: counts that cannot be within are not probed.
/// 4. Settling: with `settles`, the `SettlingSampler` then adds one run at a
///    time at each count whose verdict is still open, re-bisecting whenever
///    the knee moves away from its neighbour, until the knee is settled at
///    `confidence` or `budget` ends. Elsewhere the first `repeats` runs are
///    enough, which is where the savings come from.
///
/// Errors bound the search from above (`ErrorOnset`): a probe with
/// significant errors is past what the server accepts, so doubling stops
/// there, and the counts from the onset up are out of the decision. When the
/// knee is then the largest count probed below the onset, the largest count
/// the server accepts may lie between them, and the search bisects that gap
/// too — on a token bucket past 10 workers, 1, 2, 4, 8, 16 (erroring), then
/// 12 (erroring), 10, 11 (erroring) find 10.
public struct KneeSearch: Sendable {
    public var maxWorkers: Int
    public var tolerance: Double
    public var confidence: Double
    /// Runs per probe before any settling.
    public var repeats: Int
    /// Whether to add runs until settled (`--repeat auto`); with false every
    /// probe gets exactly `repeats` runs.
    public var settles: Bool
    public var budget: SamplingBudget
    /// Tasks per run, when each run is that many tasks spread over the
    /// workers (not a job whose work the program divides itself): it bounds
    /// which counts can reach the cut (`reachable`). nil: no bound.
    public var tasks: Int?
    /// The share of failed tasks accepted (`--max-error-rate`).
    public var maxErrorRate: Double

    /// Runs `tune --repeat auto` may take by default, so that a search stays
    /// under 40 runs: on a simulated 8-slot server with latency CV 0.5 and
    /// 60 tasks per run, a 1…64 search used 33 on average and named 8 in
    /// 93.4% of 500 seeded searches.
    public static let defaultMaxRuns = 39

    public init(
        maxWorkers: Int, tolerance: Double = 0.05, confidence: Double = KneeDecision.defaultConfidence,
        repeats: Int = 2, settles: Bool = true, budget: SamplingBudget = SamplingBudget(maxRuns: defaultMaxRuns),
        tasks: Int? = nil, maxErrorRate: Double = 0
    ) {
        self.maxErrorRate = maxErrorRate
        precondition(maxWorkers >= 1 && repeats >= 1 && tolerance >= 0 && budget.maxRuns >= 1 && (tasks ?? 1) >= 1)
        self.tasks = tasks
        self.maxWorkers = maxWorkers
        self.tolerance = tolerance
        self.confidence = confidence
        self.repeats = repeats
        self.settles = settles
        self.budget = budget
    }

    /// What the search measured and where it ended.
    public struct Outcome: Sendable, Hashable {
        /// Every run's throughput, by worker count.
        public var throughput: [Int: [Double]]
        /// Worker counts in the order they were first probed.
        public var order: [Int]
        /// The knee by the rule above, on the probed runs.
        public var knee: Int
        /// Why the search stopped.
        public var stop: SamplingOutcome.Stop
        /// Counts still undecided when it stopped.
        public var undecided: [Int]
        /// Every count's tasks and failed tasks, over its runs.
        public var errors: [Int: TaskTally] = [:]
        /// The smallest count with significant errors; nil when none had.
        public var errorOnset: Int?
        /// Runs measured in all.
        public var runs: Int { throughput.values.map(\.count).reduce(0, +) }
    }

    /// Runs the search; `measure(n)` runs once at `n` workers and returns
    /// that run's throughput; `elapsed()` gives the seconds spent so far,
    /// for `budget.maxSeconds`.
    public func run(
        elapsed: () -> Double = { 0 }, measure: (Int) async throws -> Double
    ) async throws -> Outcome {
        try await run(elapsed: elapsed, measureRun: { MeasuredRun(throughput: try await measure($0)) })
    }

    /// `run` with each run's tasks and failures, so errors bound the search.
    public func run(
        elapsed: () -> Double = { 0 }, measureRun: (Int) async throws -> MeasuredRun
    ) async throws -> Outcome {
        var state = Outcome(throughput: [:], order: [], knee: 1, stop: .settled, undecided: [])
        let sampler = SettlingSampler(tolerance: tolerance, confidence: confidence, maxErrorRate: maxErrorRate)
        var exhausted: SamplingOutcome.Stop? {
            if state.runs >= budget.maxRuns { return .runBudget }
            if let limit = budget.maxSeconds, elapsed() >= limit { return .timeBudget }
            return nil
        }
        func once(_ workers: Int) async throws {
            let run = try await measureRun(workers)
            state.throughput[workers, default: []].append(run.throughput)
            if let tally = run.tally { state.errors[workers, default: TaskTally()] = state.errors[workers, default: TaskTally()] + tally }
        }
        func probe(_ workers: Int) async throws {
            state.order.append(workers)
            for _ in 0..<repeats where exhausted == nil || state.throughput[workers] == nil { try await once(workers) }
        }
        func median(_ workers: Int) -> Double { Descriptive.median(state.throughput[workers] ?? []) ?? 0 }
        func onset() -> Int? { state.errors.isEmpty ? nil : sampler.errors(state.errors).onsetWorkers }

        try await probe(1)
        var current = 1
        while current < maxWorkers, exhausted == nil, onset() == nil {
            let next = min(2 * current, maxWorkers)
            try await probe(next)
            defer { current = next }
            if onset() != nil || median(next) <= 0 || median(next) < (1 + tolerance) * median(current) { break }
        }

        while exhausted == nil {
            let limit = onset()
            let counts = state.throughput.keys.sorted().filter { limit == nil || $0 < limit! }
            guard let largest = counts.last else { break }
            let decision = sampler.decision(state.throughput, errors: state.errors)
            let knee = decision?.knee ?? largest
            if let probed = counts.last(where: { $0 < knee }) {
                let below = max(probed, decision.map { reachable($0, below: knee) - 1 } ?? probed)
                if knee - below > 1 {
                    try await probe((below + knee) / 2)
                    continue
                }
            }
            if let limit, knee == largest, limit - knee > 1 {
                try await probe((knee + limit) / 2)
                continue
            }
            let open = settles ? sampler.openCounts(state.throughput, errors: state.errors) : []
            guard !open.isEmpty else { break }
            for workers in open where exhausted == nil { try await once(workers) }
        }
        let decision = sampler.decision(state.throughput, errors: state.errors)
        state.errorOnset = onset()
        let accepted = state.throughput.keys.sorted().filter { state.errorOnset == nil || $0 < state.errorOnset! }
        state.knee = decision?.knee ?? accepted.last ?? state.throughput.keys.min() ?? 1
        let open = sampler.openCounts(state.throughput, errors: state.errors)
        state.undecided = decision?.settled == true ? open : (decision?.undecided ?? [])
        state.stop = decision?.settled == true && open.isEmpty ? .settled : (exhausted ?? .exact)
        return state
    }

    /// The fewest workers, up to `knee`, that could reach the cut given the
    /// probed counts below the knee; 1 without `tasks`.
    ///
    /// N workers running T tasks take ⌈T/N⌉ tasks in turn each (the busiest
    /// worker), so X(N) = T / (⌈T/N⌉·τ(N)) with τ(N) the time per task at
    /// concurrency N. More concurrency does not make a task faster — no
    /// superlinear speed-up, the Universal Scalability Law with σ, κ ≥ 0
    /// (Gunther, "Guerrilla Capacity Planning", 2007, ch. 4) — so τ is
    /// non-decreasing and X(N)·⌈T/N⌉ non-increasing in N. A count b below
    /// the knee measured at ratio r_b of the plateau then bounds every larger
    /// N by r_b·⌈T/b⌉/⌈T/N⌉, and N cannot be within unless that reaches
    /// 1 − tolerance. With constant latency and T = 60 this skips 14 workers
    /// on a 16-slot server (5 turns to 15's 4) and 9 on a 10-slot one (7
    /// turns to 10's 6). The bound uses the estimate r_b, and a pool that
    /// balances uneven task times breaks it by a few percent, so it only
    /// chooses what to probe; a count's verdict is always its own runs'.
    /// On the seeded 16-slot server with latency CV 0.5 (500 searches,
    /// `NoisyKneeTests`) it raised those answering 15 or 16 from 56.4% to
    /// 89.0%, and on the 10-slot one those answering 10 from 70.0% to 77.4%.
    ///
    /// That bound is of the whole run's throughput. The steady-state one
    /// (`SteadyThroughput`) is N ÷ τ(N) by Little's law, so there X(N)/N is
    /// non-increasing and b bounds N by r_b·N/b. Runs carry either measure
    /// (the steady one falls back to the whole run's when a run has no
    /// steady window), so a count is skipped only when both bounds rule it
    /// out. Both start from r_b's upper confidence bound, not its estimate:
    /// the steady bound has no slack from the turns, and on a 10-slot
    /// server 1 worker measuring 0.094 of the plateau (true 0.1) ruled out
    /// 10 workers, so 11 was named and settled without 10 ever being tried,
    /// in 5% of seeded searches at latency CV 0.25.
    func reachable(_ decision: KneeDecision, below knee: Int) -> Int {
        guard let tasks else { return 1 }
        let cut = 1 - tolerance
        var fewest = 1
        for count in decision.counts where count.workers < knee && count.ratio > 0 {
            let turns = Double((tasks + count.workers - 1) / count.workers)
            let ratio = count.upper.isFinite ? max(count.upper, count.ratio) : count.ratio
            var n = count.workers + 1
            while n < knee && ratio * turns / Double((tasks + n - 1) / n) < cut
                && ratio * Double(n) / Double(count.workers) < cut {
                n += 1
            }
            fewest = max(fewest, n)
        }
        return fewest
    }
}
