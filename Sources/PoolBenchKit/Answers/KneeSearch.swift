/// `tune`'s search: finds the knee of the throughput curve with few runs,
/// driven by a closure that measures one run at a worker count, so it can be
/// tested against a fake curve.
///
/// 1. Baseline: `repeats` runs at 1 worker.
/// 2. Doubling: probe 2N while N < `maxWorkers` (the last probe clamped to
///    it); stop as soon as doubling buys less than `tolerance`, i.e.
///    median(2N) < (1 + tolerance)·median(N) — a throughput drop included —
///    or nothing succeeded at 2N (median 0), where 0 < 0 would not stop it
///    and a failing job would be probed up to `maxWorkers`.
/// 3. Bisection: with peak = the largest probed median and
///    cut = (1 − tolerance)·peak, the knee is the smallest probed count whose
///    median reaches the cut. Probe the midpoint between it and the largest
///    probed count below it, until the two are adjacent.
/// 4. Noise: a probe that decides the bracket (the knee or the count below
///    it) and lies within noise of the cut — |median − cut| ≤ 2·noise·median,
///    noise being `Descriptive.relativeNoise` of its runs — gets one more
///    run at a time, up to `repeats + extraRepeats` runs. Elsewhere the first
///    `repeats` runs are enough, which is where the savings come from.
public struct KneeSearch: Sendable {
    public var maxWorkers: Int
    public var tolerance: Double
    public var repeats: Int
    public var extraRepeats: Int

    public init(maxWorkers: Int, tolerance: Double = 0.05, repeats: Int = 3, extraRepeats: Int = 3) {
        precondition(maxWorkers >= 1 && repeats >= 1 && extraRepeats >= 0 && tolerance >= 0)
        self.maxWorkers = maxWorkers
        self.tolerance = tolerance
        self.repeats = repeats
        self.extraRepeats = extraRepeats
    }

    /// What the search measured and where it ended.
    public struct Outcome: Sendable, Hashable {
        /// Every run's throughput, by worker count.
        public var throughput: [Int: [Double]]
        /// Worker counts in the order they were first probed.
        public var order: [Int]
        /// The knee by the rule above, on the probed medians.
        public var knee: Int
        /// Runs measured in all.
        public var runs: Int { throughput.values.map(\.count).reduce(0, +) }
    }

    /// Runs the search; `measure(n)` runs once at `n` workers and returns
    /// that run's throughput.
    public func run(measure: (Int) async throws -> Double) async throws -> Outcome {
        var state = Outcome(throughput: [:], order: [], knee: 1)
        func probe(_ workers: Int) async throws {
            state.order.append(workers)
            for _ in 0..<repeats { state.throughput[workers, default: []].append(try await measure(workers)) }
        }
        func median(_ workers: Int) -> Double { Descriptive.median(state.throughput[workers] ?? []) ?? 0 }

        try await probe(1)
        var current = 1
        while current < maxWorkers {
            let next = min(2 * current, maxWorkers)
            try await probe(next)
            defer { current = next }
            if median(next) <= 0 || median(next) < (1 + tolerance) * median(current) { break }
        }

        while true {
            var bracket = self.bracket(state.throughput)
            for workers in [bracket.knee, bracket.below].compactMap({ $0 }) {
                while let runs = state.throughput[workers], runs.count < repeats + extraRepeats,
                      isWithinNoise(runs, of: cut(state.throughput)) {
                    state.throughput[workers, default: []].append(try await measure(workers))
                }
            }
            bracket = self.bracket(state.throughput)
            state.knee = bracket.knee
            guard let below = bracket.below, bracket.knee - below > 1 else { break }
            try await probe((below + bracket.knee) / 2)
        }
        return state
    }

    private func cut(_ throughput: [Int: [Double]]) -> Double {
        let peak = throughput.values.compactMap { Descriptive.median($0) }.max() ?? 0
        return (1 - tolerance) * peak
    }

    /// The smallest probed count reaching the cut, and the largest probed
    /// count below it (nil when the knee is the smallest probed).
    private func bracket(_ throughput: [Int: [Double]]) -> (knee: Int, below: Int?) {
        let cut = cut(throughput)
        let counts = throughput.keys.sorted()
        let knee = counts.first { (Descriptive.median(throughput[$0] ?? []) ?? 0) >= cut } ?? counts.last ?? 1
        return (knee, counts.last { $0 < knee })
    }

    private func isWithinNoise(_ runs: [Double], of cut: Double) -> Bool {
        guard let median = Descriptive.median(runs), let noise = Descriptive.relativeNoise(runs) else { return false }
        return abs(median - cut) <= 2 * noise * median
    }
}
