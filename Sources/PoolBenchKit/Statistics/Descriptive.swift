/// Descriptive statistics of a list of measurements.
///
/// Every function returns `nil` rather than a made-up number when the input
/// is too short for the statistic to exist.
public enum Descriptive {
    /// The arithmetic mean Σx / n.
    public static func mean(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        return values.reduce(0, +) / Double(values.count)
    }

    /// The sample standard deviation √(Σ(x − x̄)² / (n − 1)), with Bessel's
    /// correction because runs are a sample of what the machine could do.
    public static func standardDeviation(_ values: [Double]) -> Double? {
        guard values.count >= 2, let mean = mean(values) else { return nil }
        let squares = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        return (squares / Double(values.count - 1)).squareRoot()
    }

    /// The median: the middle value, or the mean of the two middle values.
    public static func median(_ values: [Double]) -> Double? {
        quantile(values, at: 0.5)
    }

    /// The quantile at `p` (0 ≤ p ≤ 1; the 95th percentile is `p = 0.95`) by
    /// linear interpolation between order statistics — Hyndman & Fan (1996)
    /// type 7, the default of R's `quantile` and NumPy's `percentile`:
    /// with the values sorted as x₀ … xₙ₋₁ and h = (n − 1)·p,
    /// Q(p) = x⌊h⌋ + (h − ⌊h⌋)·(x⌊h⌋₊₁ − x⌊h⌋).
    public static func quantile(_ values: [Double], at p: Double) -> Double? {
        guard !values.isEmpty, (0...1).contains(p) else { return nil }
        return sortedQuantile(values.sorted(), at: p)
    }

    /// The median absolute deviation median(|xᵢ − median(x)|), unscaled.
    /// Multiply by 1.4826 to estimate a normal standard deviation.
    public static func medianAbsoluteDeviation(_ values: [Double]) -> Double? {
        guard let center = median(values) else { return nil }
        return median(values.map { abs($0 - center) })
    }

    /// Relative noise: the robust coefficient of variation
    /// 1.4826 · MAD / median (Rousseeuw & Croux 1993 for the constant, which
    /// makes the MAD estimate σ for normal data).
    ///
    /// poolbench calls this "noise" everywhere (trend thresholds, tune) because,
    /// unlike the standard deviation, one stalled run cannot inflate it.
    /// `nil` when the median is not positive, since a relative spread around
    /// zero means nothing.
    public static func relativeNoise(_ values: [Double]) -> Double? {
        guard let center = median(values), center > 0,
              let mad = medianAbsoluteDeviation(values) else { return nil }
        return madToSigma * mad / center
    }

    /// 1 / Φ⁻¹(3/4): scales a MAD to a normal standard deviation.
    static let madToSigma = 1.482602218505602

    /// Type-7 quantile of already sorted, non-empty values.
    static func sortedQuantile(_ sorted: [Double], at p: Double) -> Double {
        let h = Double(sorted.count - 1) * p
        let low = Int(h.rounded(.down))
        let high = min(low + 1, sorted.count - 1)
        return sorted[low] + (h - Double(low)) * (sorted[high] - sorted[low])
    }
}
