import Foundation

/// A distribution-free confidence interval for a median, from order
/// statistics (Conover, "Practical Nonparametric Statistics", 3rd ed. 1999,
/// §3.2; Hahn & Meeker, "Statistical Intervals", 1991, §5.2).
///
/// With the n values sorted as x₍₁₎ ≤ … ≤ x₍ₙ₎, the interval
/// [x₍ₖ₎, x₍ₙ₋ₖ₊₁₎] holds the true median with probability
/// 1 − 2·P(B ≤ k − 1), B ~ Binomial(n, ½), whatever the distribution of the
/// runs. k is the largest that still reaches `confidence`. When even
/// [min, max] falls short (n ≤ 5 at 95%: 3 runs give 75%), it is [min, max]
/// and `coverage` says what it really holds, rather than a normal
/// approximation pretending to more.
struct MedianInterval: Sendable, Hashable, Codable {
    public var median: Double
    public var lower: Double
    public var upper: Double
    /// The probability the interval holds the median: at least the asked
    /// confidence, or less when there are too few values to reach it.
    public var coverage: Double

    public init?(_ values: [Double], confidence: Double = 0.95) {
        guard !values.isEmpty, let median = Descriptive.median(values) else { return nil }
        let sorted = values.sorted()
        let n = sorted.count
        // P(B ≤ j) for j = 0…, accumulated until the tail would break the confidence.
        var k = 1
        var tail = Self.binomialHalf(n, 0)
        while k < (n + 1) / 2 {
            let next = tail + Self.binomialHalf(n, k)
            guard 1 - 2 * next >= confidence else { break }
            tail = next
            k += 1
        }
        self.median = median
        lower = sorted[k - 1]
        upper = sorted[n - k]
        coverage = max(0, 1 - 2 * tail)
    }

    /// P(B = j) for B ~ Binomial(n, ½), in logs so large n cannot overflow.
    static func binomialHalf(_ n: Int, _ j: Int) -> Double {
        exp(lgamma(Double(n + 1)) - lgamma(Double(j + 1)) - lgamma(Double(n - j + 1)) - Double(n) * log(2))
    }
}
