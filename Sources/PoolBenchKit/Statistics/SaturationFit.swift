extension ScalingFit {
    /// Fits the saturation model X(N) = λ·min(N, K) by least squares, with
    /// K searched within the tested range; `nil` with fewer than 2 points or
    /// when no positive λ fits.
    ///
    /// Why this shape: a resource with K slots serves min(N, K) tasks at once,
    /// so throughput is linear up to K and flat after — a hard corner. The
    /// smooth Michaelis–Menten curve Xmax·N/(N + K) reaches 95% of Xmax only
    /// at N = 19K, so it would push the knee far past the capacity.
    ///
    /// The fit is exact, not iterative. With the worker counts sorted,
    /// N₁ < … < N_k, and K in [Nᵢ, Nᵢ₊₁], the model is λ·mⱼ with mⱼ = Nⱼ for
    /// j ≤ i and K beyond, so for fixed K the best λ = Σxⱼmⱼ / Σmⱼ² and the
    /// residual is Σx² − (A + KB)²/(C + K²E), where A = Σⱼ≤ᵢ xⱼNⱼ,
    /// B = Σⱼ>ᵢ xⱼ, C = Σⱼ≤ᵢ Nⱼ², E = k − i. Its only interior stationary
    /// point is K = BC/(AE); checking that point (clamped into the segment)
    /// and both segment ends over every segment finds the global optimum.
    /// K below N₁ predicts the same as K = N₁ (flat everywhere) and K above
    /// N_k the same as K = N_k (linear everywhere), so the range loses nothing.
    public static func saturation(workers: [Double], throughput: [Double]) -> ScalingFit? {
        guard FitSupport.isUsable(workers, throughput, minimumPoints: 2) else { return nil }
        let order = workers.indices.sorted { workers[$0] < workers[$1] }
        let n = order.map { workers[$0] }
        let x = order.map { throughput[$0] }
        let count = n.count

        var best: (capacity: Double, lambda: Double, explained: Double)?
        func consider(_ capacity: Double, _ a: Double, _ b: Double, _ c: Double, _ e: Double) {
            let numerator = a + capacity * b
            let denominator = c + capacity * capacity * e
            guard denominator > 0, numerator > 0 else { return }
            // Maximising the explained part minimises the residual.
            let explained = numerator * numerator / denominator
            if explained > best?.explained ?? -.infinity {
                best = (capacity, numerator / denominator, explained)
            }
        }
        var a = 0.0, c = 0.0
        var b = x.reduce(0, +)
        for i in 0..<(count - 1) {
            a += x[i] * n[i]
            c += n[i] * n[i]
            b -= x[i]
            let e = Double(count - 1 - i)
            let low = n[i], high = n[i + 1]
            consider(low, a, b, c, e)
            consider(high, a, b, c, e)
            if a > 0 {
                consider(min(max(b * c / (a * e), low), high), a, b, c, e)
            }
        }
        guard let best else { return nil }
        var fit = ScalingFit(
            model: .saturation, lambda: best.lambda, sigma: 0, kappa: 0,
            capacity: best.capacity, rSquared: 0, points: count
        )
        fit.rSquared = FitSupport.rSquared(workers, throughput, fit.throughput(atWorkers:))
        return fit
    }
}
