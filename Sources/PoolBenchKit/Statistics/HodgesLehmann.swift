/// A location shift between two samples with its confidence interval.
struct ShiftEstimate: Sendable, Hashable, Codable {
    /// The Hodges–Lehmann estimate of how much larger the second sample is.
    var shift: Double
    var lower: Double
    var upper: Double
    /// The coverage the interval actually has, which can fall short of the
    /// one asked for when the samples are too small to reach it (3 against 3
    /// runs cannot give more than 90%).
    var confidence: Double
}

/// The Hodges–Lehmann two-sample shift estimator and the distribution-free
/// confidence interval that inverts the Mann–Whitney test.
enum HodgesLehmann {
    /// The shift Δ such that `second` looks like `first` + Δ; `nil` if either
    /// sample is empty.
    ///
    /// Estimate: the median of all m·n differences yⱼ − xᵢ (Hodges & Lehmann
    /// 1963). Interval: with the differences sorted as D₁ … D_mn,
    /// [D_k, D_(mn+1−k)] where k − 1 is the largest lower critical value of U
    /// with 2·P(U ≤ k − 1) ≤ 1 − confidence (Hollander & Wolfe,
    /// "Nonparametric Statistical Methods", 2nd ed., §4.3). P comes from the
    /// exact null distribution of U when it fits in doubles; otherwise from
    /// the normal approximation k = ⌊mn/2 − z₁₋α/₂·√(mn(m + n + 1)/12)⌋.
    /// When even k = 1 covers less than asked, the interval is the full range
    /// of differences and `confidence` reports the coverage it has.
    ///
    /// `compare` applies it to log throughput, so that exp(Δ) is the ratio
    /// second/first and the interval holds for the ratio too.
    static func shift(from first: [Double], to second: [Double], confidence: Double = 0.95) -> ShiftEstimate? {
        guard !first.isEmpty, !second.isEmpty else { return nil }
        var differences: [Double] = []
        differences.reserveCapacity(first.count * second.count)
        for y in second {
            for x in first { differences.append(y - x) }
        }
        differences.sort()
        let alpha = 1 - min(max(confidence, 0), 1)
        let (k, achieved) = criticalRank(first.count, second.count, alpha: alpha)
        return ShiftEstimate(
            shift: Descriptive.sortedQuantile(differences, at: 0.5),
            lower: differences[k - 1],
            upper: differences[differences.count - k],
            confidence: achieved
        )
    }

    /// The 1-based rank k of the interval's lower end and its coverage.
    static func criticalRank(_ m: Int, _ n: Int, alpha: Double) -> (k: Int, confidence: Double) {
        let product = m * n
        if let distribution = UDistribution(m, n) {
            var k = 1
            while k < (product + 1) / 2, 2 * distribution.lowerTail(atMost: k) <= alpha {
                k += 1
            }
            return (k, 1 - 2 * distribution.lowerTail(atMost: k - 1))
        }
        let half = Double(product) / 2
        let sd = (Double(product) * Double(m + n + 1) / 12).squareRoot()
        let z = alpha > 0 ? NormalDistribution.quantile(1 - alpha / 2) : .infinity
        let k = min(max(Int((half - z * sd).rounded(.down)), 1), (product + 1) / 2)
        // Coverage of [D_k, D_(mn+1−k)] under the same approximation, with a
        // continuity correction.
        let tail = NormalDistribution.survival((half - (Double(k) - 0.5)) / sd)
        return (k, 1 - 2 * tail)
    }
}
