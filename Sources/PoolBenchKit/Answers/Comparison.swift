import Foundation

/// What `compare` concludes at one point.
public enum ComparisonVerdict: String, Sendable, Hashable, Codable {
    /// B's throughput is significantly higher.
    case faster
    /// B's throughput is significantly lower.
    case slower
    /// The test could have found a difference and did not.
    case noSignificantDifference
    /// So few runs that no data could reach significance at α (the smallest
    /// possible p-value, 2/C(m + n, m), is not below α). Run more repeats:
    /// α = 0.01 needs 5 against 5.
    case tooFewRuns
}

/// Group A against group B at one worker count (one executor).
public struct PointComparison: Sendable, Hashable, Codable {
    public var workers: Int
    public var runsA: Int
    public var runsB: Int
    /// Median throughput of each group, tasks/s.
    public var medianA: Double
    public var medianB: Double
    /// How many times faster B is than A: exp of the Hodges–Lehmann shift of
    /// log throughput, i.e. the median of the pairwise ratios bⱼ/aᵢ.
    public var ratio: Double
    /// Confidence interval of `ratio`.
    public var ratioLow: Double
    public var ratioHigh: Double
    /// Coverage the interval actually has (see `ShiftEstimate.confidence`).
    public var confidence: Double
    /// Two-sided Mann–Whitney p-value of A's throughput against B's.
    public var pValue: Double
    public var verdict: ComparisonVerdict
}

/// `compare`: two groups of runs (two sweeps, two labels), statistically.
enum Comparison {
    /// Compares the runs of `a` and `b` at every worker count both tested,
    /// ascending. The caller passes one executor's runs per call.
    public static func compare(_ a: [Sample], _ b: [Sample], alpha: Double = 0.01) -> [PointComparison] {
        let groupA = Dictionary(grouping: a, by: \.workers)
        let groupB = Dictionary(grouping: b, by: \.workers)
        return Set(groupA.keys).intersection(groupB.keys).sorted().compactMap { workers in
            comparePoint(
                workers: workers,
                a: groupA[workers, default: []].map(\.throughput),
                b: groupB[workers, default: []].map(\.throughput),
                alpha: alpha
            )
        }
    }

    /// Compares two lists of throughputs at one point; `nil` unless both have
    /// a positive finite value (a ratio needs logarithms).
    ///
    /// Significance is the Mann–Whitney test at `alpha` (default 0.01, the
    /// level `trend` uses). The ratio's interval is the Hodges–Lehmann
    /// interval at confidence 1 − α on log throughput, so verdict and
    /// interval agree: they invert the same test, and without ties the
    /// interval excludes 1 exactly when the exact test rejects, up to the
    /// boundary p = α (Hollander & Wolfe §4.3). The direction is the sign of
    /// the shift, which counts the same pairs as U. Working
    /// on logs makes the comparison symmetric — A/B is 1/(B/A) — and the
    /// interval scale-free.
    public static func comparePoint(workers: Int, a: [Double], b: [Double], alpha: Double = 0.01) -> PointComparison? {
        let a = a.filter { $0 > 0 && $0.isFinite }
        let b = b.filter { $0 > 0 && $0.isFinite }
        guard let medianA = Descriptive.median(a), let medianB = Descriptive.median(b),
              let test = MannWhitney.test(a, b),
              let shift = HodgesLehmann.shift(from: a.map { log($0) }, to: b.map { log($0) }, confidence: 1 - alpha)
        else { return nil }
        let verdict: ComparisonVerdict =
            if MannWhitney.smallestPossiblePValue(a.count, b.count) >= alpha { .tooFewRuns }
            else if test.pValue >= alpha { .noSignificantDifference }
            else if shift.shift > 0 { .faster }
            else { .slower }
        return PointComparison(
            workers: workers, runsA: a.count, runsB: b.count, medianA: medianA, medianB: medianB,
            ratio: exp(shift.shift), ratioLow: exp(shift.lower), ratioHigh: exp(shift.upper),
            confidence: shift.confidence, pValue: test.pValue, verdict: verdict
        )
    }
}
