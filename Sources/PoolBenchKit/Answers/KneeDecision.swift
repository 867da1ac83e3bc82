import Foundation

/// The knee decided so that run-to-run noise cannot push it around: a
/// non-inferiority test of every worker count against a plateau estimated
/// from all counts that cannot be told apart from the best.
///
/// Why not "the first median within `tolerance` of the largest median": the
/// largest of k noisy medians is biased upward (the winner's curse — Thaler,
/// "The Winner's Curse", 1988; for selection bias in maxima see Capen, Clapp
/// & Campbell, JPT 1971), so the true knee's median often lands just below
/// (1 − tolerance) × an inflated peak, and the answer drifts to larger counts.
/// Measured against a 10-slot server with lognormal latency (CV 0.5, 60 tasks
/// per run, 3 runs per count), that rule named 10 in about half the sweeps.
///
/// The decision, on log throughput ℓ = ln X (a ratio becomes a difference,
/// and lognormal-ish run noise becomes symmetric):
///
/// 1. Noise: the pooled within-count variance
///    s² = ΣᵢΣⱼ(ℓᵢⱼ − ℓ̄ᵢ)² / (N − k), with ν = N − k degrees of freedom —
///    many runs lend their spread to the few at each count. Over every
///    count for the plateau set; for a count's own bounds, over that count
///    and the plateau only, since counts far below (one worker running
///    sixty tasks in a row) are quieter and would narrow them.
/// 2. Plateau: with `top` the count of highest mean ℓ̄, a count is on the
///    plateau when it is not significantly below it at `confidence`
///    (ℓ̄ᵢ − ℓ̄_top + t₁₋α,ν·s·√(1/nᵢ + 1/n_top) ≥ 0), and the plateau set P
///    is every count from the smallest such count to the largest, those
///    between included; the plateau level is the mean of every run in P
///    pooled. Pooling many counts shrinks the winner's share of the
///    estimate and its noise. Taking the counts between too keeps the
///    selection from biasing it again: on a flat top sampled three times
///    per count, the counts that measured low by chance are the ones a
///    per-count test leaves out, and the level of those left was up to 8%
///    above the truth (a 16-slot server with latency CV 0.5, 17 to 32
///    workers), which put the knee a count or two too high. A count past the
///    peak that is truly lower (a retrograde curve) lies after the last
///    plateau count and stays out.
/// 3. Non-inferiority (Wellek, "Testing Statistical Hypotheses of
///    Equivalence and Noninferiority", 2nd ed. 2010, ch. 2; Chow & Liu,
///    "Design and Analysis of Bioavailability and Bioequivalence Studies",
///    3rd ed., §4.3 for the one-sided t bounds): each count's ratio to the
///    plateau, dᵢ = ℓ̄ᵢ − ℓ̄_P∖i (its own runs left out of the plateau so it
///    is not compared with itself), has the one-sided bounds
///    dᵢ ∓ t₁₋α,ν·s·√(1/nᵢ + 1/N_P∖i). With cut c = ln(1 − tolerance) the
///    count is **within** when the lower bound ≥ c, **outside** when the
///    upper bound < c, else **undecided**.
/// 4. The knee is the smallest count whose estimate dᵢ ≥ c: fewer workers
///    win whenever a count is not worse than the tolerance by its estimate.
///    It is **settled** when the knee is within and every smaller count
///    outside, each at `confidence`; the counts that are neither are
///    `undecided`, and more runs there (or more tasks per run, which shrink
///    s) decide them.
///
/// 5. Heavy tails. Steps 1–4 read ℓ̄ᵢ as each count's mean and s² as the
///    pooled variance, which suits near-normal log throughput (lognormal
///    latency). On Pareto-tailed service a run's throughput rests on a mean of
///    service times with infinite or barely finite variance, and one long
///    task drags a run far down: the mean chases those runs. So when the
///    pooled kurtosis b₂ = m₄/m₂² of the runs' deviations from their count's
///    mean exceeds 4 — Hogg's selector ("Some Observations on Robust
///    Estimation", JASA 62(320), 1967: the mean for b₂ from 2 to 4, a
///    trimmed mean above) — every ℓ̄ᵢ is the 20% trimmed mean, s² pools the
///    winsorized squares over hᵢ − 1 degrees per count (hᵢ runs kept), and
///    hᵢ stands for nᵢ in every bound: Yuen's trimmed t ("The two-sample
///    trimmed t for unequal population variances", Biometrika 61(1), 1974),
///    with the spread pooled as above. Below five runs nothing is trimmed.
///    On seeded 1…2K sweeps of K-slot servers with Pareto service of shape 2
///    it named K in 86–89% of 500 sweeps per case, where the mean did in
///    82–84%; at lognormal latency b₂ stays near 3 (a 90th percentile of
///    3.4–3.6 over seeded sweeps) and nothing changes.
///    Once the bounds settle the knee, the rank check (`confirmByRanks`)
///    must agree before it is called settled.
///
/// With one run per count there is no spread to judge by (ν = 0): the
/// bounds collapse onto the estimates and nothing is settled. With no spread
/// at all (s = 0, e.g. a constant-latency server) the estimates are exact.
///
/// The t quantile is the Cornish–Fisher expansion of the normal one
/// (Abramowitz & Stegun 26.7.5), within 0.3% of the exact value for ν ≥ 3.
public struct KneeDecision: Sendable, Hashable {
    /// One worker count's verdict.
    public enum Verdict: String, Sendable, Hashable, Codable {
        case within, outside, undecided
    }

    /// One worker count as the decision saw it.
    public struct Count: Sendable, Hashable {
        public var workers: Int
        public var runs: Int
        /// exp(dᵢ): the estimated ratio of its throughput to the plateau.
        public var ratio: Double
        /// The one-sided confidence bounds of that ratio.
        public var lower: Double
        public var upper: Double
        public var verdict: Verdict
        /// Whether it belongs to the plateau set P.
        public var onPlateau: Bool
    }

    /// Every count with runs, ascending.
    public var counts: [Count]
    /// The plateau level: the geometric mean of the runs of P, tasks/s.
    public var plateauThroughput: Double
    /// The knee (smallest count whose estimate reaches the cut); nil when no
    /// count has a positive throughput.
    public var knee: Int?
    public var confidence: Double
    /// Counts at or below the knee whose verdict is still open.
    public var undecided: [Int]
    /// The knee is within and every smaller count outside, at `confidence`.
    public var settled: Bool
    /// Whether any count had two or more runs to judge noise by.
    public var hasNoiseEstimate: Bool

    /// Default one-sided confidence of every verdict. Sampling looks again
    /// after every round, and each look is another chance for a bound to
    /// cross the cut by luck (optional stopping); at 95% a 10-slot server
    /// with latency CV 0.5 settled on a wrong count in 3–6% of seeded
    /// sweeps, at 99% in under 1%, for about a fifth more runs.
    public static let defaultConfidence = 0.99

    /// Decides on `groups`: each worker count (ascending, distinct) with the
    /// throughput of its runs. Runs with throughput ≤ 0 count as 10⁻⁹ of the
    /// largest, so a failing count lies far below any plateau.
    public static func decide(
        workers: [Int], groups: [[Double]], tolerance: Double, confidence: Double = defaultConfidence
    ) -> KneeDecision? {
        // Plain loops: the settling sampler decides after every round, and
        // the flattening and key-path closures cost there.
        var largest = -Double.infinity
        for group in groups {
            for value in group where value.isFinite && value > largest { largest = value }
        }
        guard largest > 0 else { return nil }
        let floor = largest * 1e-9
        var logs: [[Double]] = []
        var counted: [Int] = []
        logs.reserveCapacity(groups.count)
        counted.reserveCapacity(groups.count)
        for i in 0..<min(workers.count, groups.count) {
            var group: [Double] = []
            group.reserveCapacity(groups[i].count)
            for value in groups[i] where value.isFinite { group.append(log(max(value, floor))) }
            guard !group.isEmpty else { continue }
            counted.append(workers[i])
            logs.append(group)
        }
        return decide(workers: counted, logs: logs, tolerance: tolerance, confidence: confidence)
    }

    /// `decide` on log throughput already taken, non-empty groups.
    static func decide(workers: [Int], logs: [[Double]], tolerance: Double, confidence: Double) -> KneeDecision {
        let k = logs.count
        let pooled = PooledLogs(logs, trimming: TrimmedSummary.tailsAreHeavy(logs))
        let (means, sizes, sd, degrees) = (pooled.means, pooled.sizes, pooled.sd, pooled.degrees)
        let kept = pooled.summaries.map(\.kept)
        let ownSquaresOf = pooled.summaries.map(\.squares)
        let t = degrees > 0 ? studentQuantile(confidence, degrees: degrees) : 0

        let onPlateau = plateau(means: means, sizes: sizes, sd: sd, t: t)
        var plateauSum = 0.0, plateauRuns = 0.0
        for i in 0..<k where onPlateau[i] {
            plateauSum += means[i] * sizes[i]
            plateauRuns += sizes[i]
        }
        // Each count is judged with the spread of its own runs and the
        // plateau's: a count far below it (one worker, sixty tasks in a row)
        // is quieter than the plateau, and would narrow the bounds there.
        var plateauSquares = 0.0
        var plateauCounts = 0
        var plateauKept = 0
        for i in 0..<k where onPlateau[i] {
            plateauSquares += ownSquaresOf[i]
            plateauCounts += 1
            plateauKept += kept[i]
        }
        let cut = log(1 - min(max(tolerance, 0), 0.999_999))
        var counts: [Count] = []
        for i in 0..<k {
            // Leave the count's own runs out of the plateau it is judged by.
            let othersRuns = plateauRuns - (onPlateau[i] ? sizes[i] : 0)
            let othersSum = plateauSum - (onPlateau[i] ? means[i] * sizes[i] : 0)
            let pairSquares = plateauSquares + (onPlateau[i] ? 0 : ownSquaresOf[i])
            let pairDegrees = plateauKept + (onPlateau[i] ? 0 : kept[i]) - plateauCounts - (onPlateau[i] ? 0 : 1)
            let pairSD = pairDegrees > 0 ? (pairSquares / Double(pairDegrees)).squareRoot() : sd
            let pairT = pairDegrees > 0 ? studentQuantile(confidence, degrees: pairDegrees) : t
            let difference: Double
            let margin: Double
            if othersRuns > 0 {
                difference = means[i] - othersSum / othersRuns
                margin = pairT * pairSD * (1 / sizes[i] + 1 / othersRuns).squareRoot()
            } else {
                // The only count on the plateau: it is the plateau.
                difference = 0
                margin = 0
            }
            let verdict: Verdict = difference - margin >= cut ? .within : (difference + margin < cut ? .outside : .undecided)
            counts.append(Count(
                workers: workers[i], runs: logs[i].count, ratio: exp(difference), lower: exp(difference - margin),
                upper: exp(difference + margin), verdict: degrees > 0 ? verdict : .undecided, onPlateau: onPlateau[i]
            ))
        }
        let kneeIndex = counts.firstIndex { log($0.ratio) >= cut - 1e-12 }
        func open() -> [Int] {
            kneeIndex.map { knee in
                counts[...knee].enumerated().filter { i, count in
                    i == knee ? count.verdict != .within : count.verdict != .outside
                }.map(\.element.workers)
            } ?? counts.filter { $0.verdict == .undecided }.map(\.workers)
        }
        var undecided = open()
        if sd > 0, undecided.isEmpty, let knee = kneeIndex {
            confirmByRanks(&counts, logs: logs, onPlateau: onPlateau, knee: knee, cut: cut, confidence: confidence)
            undecided = open()
        }
        return KneeDecision(
            counts: counts, plateauThroughput: plateauRuns > 0 ? exp(plateauSum / plateauRuns) : 0,
            knee: kneeIndex.map { counts[$0].workers }, confidence: confidence, undecided: undecided,
            settled: kneeIndex != nil && undecided.isEmpty, hasNoiseEstimate: degrees > 0
        )
    }

    /// Step 6, once the t bounds have settled the knee: the rank check. Each
    /// verdict at or below the knee stands only if the distribution-free
    /// bound agrees; otherwise the count is undecided and sampled again.
    ///
    /// Why: the t bound assumes near-normal log throughput. On Pareto-tailed
    /// service (shape 1.5 to 2.5) a run's throughput rests on a mean of
    /// service times with infinite or barely finite variance, so a few runs
    /// that drew no long task show a spread far below the true one, and the
    /// bound settles on a count it should not: seeded `tune` sweeps of a
    /// shape-1.5 server settled on a wrong count in 2.2–3.8% of them, and
    /// with this check in at most 1.4% at any shape (500 each). The
    /// Hodges–Lehmann interval for the shift between a count's runs and the
    /// plateau's (inverting the Mann–Whitney test: Hodges & Lehmann, "Estimates
    /// of Location Based on Rank Tests", Ann. Math. Statist. 34(2), 1963;
    /// Hollander & Wolfe, "Nonparametric Statistical Methods", 2nd ed., §4.3)
    /// holds its coverage whatever the tails, given only that the two
    /// samples differ by a shift; used one-sided against the cut it is the
    /// rank-based non-inferiority test (Wellek 2010, ch. 6). It is asked
    /// only to confirm, never to settle on its own: pooling the spread
    /// across counts, as the t bound does, decides with three runs a count
    /// where ranks alone need more.
    static func confirmByRanks(
        _ counts: inout [Count], logs: [[Double]], onPlateau: [Bool], knee: Int, cut: Double, confidence: Double
    ) {
        let twoSided = 1 - 2 * (1 - confidence)
        func others(_ i: Int) -> [Double] {
            var runs: [Double] = []
            for j in logs.indices where onPlateau[j] && j != i { runs.append(contentsOf: logs[j]) }
            return runs
        }
        for i in 0...knee where counts[i].verdict != .undecided {
            let plateau = others(i)
            guard !plateau.isEmpty else { continue }
            // Too few runs for the coverage asked give the whole range of
            // differences: then every difference must be on the verdict's side.
            guard let shift = HodgesLehmann.shift(from: plateau, to: logs[i], confidence: twoSided) else { continue }
            let agrees = counts[i].verdict == .within ? shift.lower >= cut : shift.upper < cut
            if !agrees { counts[i].verdict = .undecided }
        }
    }

    /// The knee's index by the estimates alone, for the bootstrap band:
    /// the same steps 1, 2 and 4 on resampled runs, without the bounds.
    static func kneeEstimate(means: [Double], sizes: [Double], sd: Double, t: Double, cut: Double) -> Int? {
        guard !means.isEmpty else { return nil }
        let onPlateau = plateau(means: means, sizes: sizes, sd: sd, t: t)
        var sum = 0.0, runs = 0.0
        for i in means.indices where onPlateau[i] {
            sum += means[i] * sizes[i]
            runs += sizes[i]
        }
        let plateau = sum / runs
        return means.firstIndex { $0 - plateau >= cut - 1e-12 }
    }

    /// Step 2's plateau set: the counts not significantly below the count
    /// of highest mean, and every count between the first and the last of
    /// them. `means` must not be empty.
    static func plateau(means: [Double], sizes: [Double], sd: Double, t: Double) -> [Bool] {
        var top = 0
        for i in means.indices where means[i] > means[top] { top = i }
        var first = top, last = top
        for i in means.indices where i != top
        && means[i] - means[top] + t * sd * (1 / sizes[i] + 1 / sizes[top]).squareRoot() >= 0 {
            first = min(first, i)
            last = max(last, i)
        }
        return means.indices.map { (first...last).contains($0) }
    }

    /// The quantile of Student's t with `degrees` degrees of freedom at
    /// probability p, by the Cornish–Fisher expansion around z = Φ⁻¹(p):
    /// t ≈ z + (z³ + z)/4ν + (5z⁵ + 16z³ + 3z)/96ν² + (3z⁷ + 19z⁵ + 17z³ − 15z)/384ν³.
    static func studentQuantile(_ p: Double, degrees: Int) -> Double {
        let z = NormalDistribution.quantile(p)
        let v = Double(max(degrees, 1))
        let z3 = z * z * z, z5 = z3 * z * z, z7 = z5 * z * z
        return z + (z3 + z) / (4 * v) + (5 * z5 + 16 * z3 + 3 * z) / (96 * v * v)
            + (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384 * v * v * v)
    }
}

/// One count's log throughput summarised for the decision: its mean and sum
/// of squares, or with `trimming` (step 5) for Yuen's trimmed t: the 20%
/// trimmed mean, the winsorized sum of squares, and the runs kept.
struct TrimmedSummary {
    var mean: Double
    var squares: Double
    /// Runs left after trimming, h = n − 2g. Yuen's variance of the trimmed
    /// mean is SS_w ÷ h(h − 1): the pooled variance over h − 1 degrees, over h.
    var kept: Int

    static let share = 0.2

    init(_ values: [Double], trimming: Bool) {
        let n = values.count
        let g = trimming ? Int(Double(n) * Self.share) : 0
        let sorted = g > 0 ? values.sorted() : values
        var sum = 0.0
        for i in g..<(n - g) { sum += sorted[i] }
        kept = n - 2 * g
        mean = sum / Double(kept)
        var winsorizedSum = 0.0
        for i in 0..<n { winsorizedSum += sorted[min(max(i, g), n - g - 1)] }
        let winsorizedMean = winsorizedSum / Double(n)
        var squares = 0.0
        for i in 0..<n {
            let w = sorted[min(max(i, g), n - g - 1)]
            squares += (w - winsorizedMean) * (w - winsorizedMean)
        }
        self.squares = squares
    }

    /// Hogg's selector: the pooled kurtosis b₂ = m₄ ÷ m₂² of every run's
    /// deviation from its count's mean, over the counts with two runs or
    /// more, is above 4.
    static func tailsAreHeavy(_ groups: [[Double]]) -> Bool {
        var m2 = 0.0, m4 = 0.0
        for group in groups where group.count >= 2 {
            let mean = group.reduce(0, +) / Double(group.count)
            for value in group {
                let d = (value - mean) * (value - mean)
                m2 += d
                m4 += d * d
            }
        }
        return m2 > 0 && m4 * Double(groups.reduce(0) { $0 + ($1.count >= 2 ? $1.count : 0) }) / (m2 * m2) > 4
    }
}

/// Step 1's noise on groups of log values (step 5's with `trimming`): each
/// group's summary, and the within-group spread pooled over them with its
/// degrees of freedom. Groups must not be empty.
struct PooledLogs {
    var summaries: [TrimmedSummary]
    var sd: Double
    var degrees: Int
    var means: [Double] { summaries.map(\.mean) }
    /// The runs each group's location stands on: hᵢ, nᵢ when nothing is trimmed.
    var sizes: [Double] { summaries.map { Double($0.kept) } }

    init(_ logs: [[Double]], trimming: Bool) {
        summaries = logs.map { TrimmedSummary($0, trimming: trimming) }
        degrees = summaries.reduce(0) { $0 + $1.kept } - logs.count
        let squares = summaries.reduce(0) { $0 + $1.squares }
        sd = degrees > 0 ? (squares / Double(degrees)).squareRoot() : 0
    }
}
