import Foundation

/// The outcome of a two-sided Mann–Whitney U test.
struct MannWhitneyResult: Sendable, Hashable, Codable {
    /// How the p-value was computed.
    enum Method: String, Sendable, Hashable, Codable {
        /// The exact permutation distribution of U (no ties, small samples).
        case exact
        /// The tie-corrected normal approximation with continuity correction.
        case asymptotic
    }

    /// U of the first sample: the number of pairs (x, y) with x > y, a tie
    /// counting one half. U₁ + U₂ = n₁·n₂.
    var u: Double
    /// Two-sided p-value: the chance, were both samples drawn from one
    /// distribution, of a U at least this far from n₁·n₂/2.
    var pValue: Double
    var method: Method
}

/// The Mann–Whitney U (Wilcoxon rank-sum) test: does one sample tend to give
/// larger values than the other? It assumes nothing about the shape of the
/// distribution, which suits run times with their long right tails.
enum MannWhitney {
    /// The two-sided test of `x` against `y`; `nil` if either is empty.
    ///
    /// U₁ = R₁ − n₁(n₁ + 1)/2, where R₁ is the sum of the mid-ranks of `x` in
    /// the pooled sample (Mann & Whitney 1947).
    ///
    /// - Exact when there are no ties and C(n₁ + n₂, n₁) ≤ 2⁵⁰: p = 2·P(U ≥ max(U₁, U₂)),
    ///   capped at 1, with the null distribution of U counted by the Gaussian
    ///   binomial coefficient (Andrews, "The Theory of Partitions", 3.3).
    ///   Unlike scipy's "auto" choice (exact only while a sample has ≤ 8
    ///   values), this stays exact for a few sweeps' runs against a long
    ///   window, where the normal tail is least trustworthy.
    /// - Otherwise the normal approximation, as scipy's `mannwhitneyu`:
    ///   z = (max(U₁, U₂) − n₁n₂/2 − ½) / s,
    ///   s² = n₁n₂/12 · ((n + 1) − Σ(t³ − t)/(n(n − 1))), n = n₁ + n₂, t over
    ///   groups of tied values; p = 2·P(Z > z), capped at 1.
    static func test(_ x: [Double], _ y: [Double]) -> MannWhitneyResult? {
        guard !x.isEmpty, !y.isEmpty else { return nil }
        let n1 = x.count, n2 = y.count
        let ranked = midRanks(x + y)
        let rankSum = ranked.ranks[0..<n1].reduce(0, +)
        let u1 = rankSum - Double(n1 * (n1 + 1)) / 2
        let uMax = max(u1, Double(n1 * n2) - u1)

        if ranked.tieTerm == 0, let distribution = UDistribution(n1, n2) {
            let p = 2 * distribution.upperTail(atLeast: Int(uMax.rounded()))
            return MannWhitneyResult(u: u1, pValue: min(p, 1), method: .exact)
        }
        let n = Double(n1 + n2)
        let product = Double(n1 * n2)
        let variance = product / 12 * ((n + 1) - ranked.tieTerm / (n * (n - 1)))
        guard variance > 0 else {
            // Every value is the same: nothing tells the samples apart.
            return MannWhitneyResult(u: u1, pValue: 1, method: .asymptotic)
        }
        let z = (uMax - product / 2 - 0.5) / variance.squareRoot()
        let p = 2 * NormalDistribution.survival(z)
        return MannWhitneyResult(u: u1, pValue: min(p, 1), method: .asymptotic)
    }

    /// The smallest two-sided p-value samples of these sizes can give,
    /// 2 / C(n₁ + n₂, n₁) (complete separation, no ties), capped at 1.
    /// When it is not below α no data can be significant: 3 runs against 3
    /// can never beat 0.1, and α = 0.01 needs 5 against 5.
    static func smallestPossiblePValue(_ n1: Int, _ n2: Int) -> Double {
        guard n1 > 0, n2 > 0 else { return 1 }
        return min(1, 2 * exp(-logBinomial(n1 + n2, n1)))
    }

    /// Mid-ranks (1-based, ties get the mean of the ranks they span) and the
    /// tie term Σ(t³ − t).
    static func midRanks(_ values: [Double]) -> (ranks: [Double], tieTerm: Double) {
        let order = values.indices.sorted { values[$0] < values[$1] }
        var ranks = [Double](repeating: 0, count: values.count)
        var tieTerm = 0.0
        var start = 0
        while start < order.count {
            var end = start + 1
            while end < order.count && values[order[end]] == values[order[start]] { end += 1 }
            let rank = Double(start + end + 1) / 2
            for position in start..<end { ranks[order[position]] = rank }
            let t = Double(end - start)
            tieTerm += t * t * t - t
            start = end
        }
        return (ranks, tieTerm)
    }

    /// log C(n, k) through lgamma, exact enough to compare against 2⁵⁰.
    static func logBinomial(_ n: Int, _ k: Int) -> Double {
        lgamma(Double(n + 1)) - lgamma(Double(k + 1)) - lgamma(Double(n - k + 1))
    }
}

/// The exact null distribution of U for sizes m and n without ties.
///
/// The number of arrangements with U = u is the coefficient of qᵘ in the
/// Gaussian binomial [m + n choose m]_q = Πᵢ₌₁..ₘ (1 − qⁿ⁺ⁱ)/(1 − qⁱ), built
/// one factor at a time. Counts stay integers below 2⁵¹, so doubles hold
/// them exactly; larger samples use the normal approximation instead.
struct UDistribution {
    /// counts[u] = number of the C(m + n, m) arrangements giving U = u.
    let counts: [Double]
    let total: Double

    init?(_ m: Int, _ n: Int) {
        guard m > 0, n > 0, MannWhitney.logBinomial(m + n, m) <= 50 * log(2.0) else { return nil }
        let small = min(m, n), large = max(m, n)
        var counts = [Double](repeating: 0, count: small * large + small + 1)
        counts[0] = 1
        var degree = 0
        for i in 1...small {
            // Multiply by (1 − q^(large + i)), highest power first so each
            // coefficient is read before it is overwritten.
            let shift = large + i
            for power in stride(from: degree + shift, through: shift, by: -1) {
                counts[power] -= counts[power - shift]
            }
            // Divide by (1 − qⁱ): r[k] = c[k] + r[k − i], lowest power first.
            degree += large
            for power in i...(degree + i) {
                counts[power] += counts[power - i]
            }
        }
        self.counts = Array(counts[0...(small * large)])
        total = self.counts.reduce(0, +)
    }

    /// P(U ≥ u).
    func upperTail(atLeast u: Int) -> Double {
        guard u < counts.count else { return 0 }
        return counts[max(u, 0)...].reduce(0, +) / total
    }

    /// P(U ≤ u).
    func lowerTail(atMost u: Int) -> Double {
        guard u >= 0 else { return 0 }
        return counts[...min(u, counts.count - 1)].reduce(0, +) / total
    }
}
