extension ScalingFit {
    /// Fits the Universal Scalability Law X(N) = λN / (1 + σ(N − 1) + κN(N − 1))
    /// (Gunther, "Guerrilla Capacity Planning", 2007, ch. 4) by bounded
    /// nonlinear least squares; `nil` with fewer than 3 points.
    ///
    /// Levenberg–Marquardt with Marquardt's diagonal scaling (Marquardt 1963;
    /// Nocedal & Wright, "Numerical Optimization", §10.3), which copes with
    /// λ ≈ 100 next to κ ≈ 10⁻⁴. Bounds λ > 0, 0 ≤ σ ≤ 1, κ ≥ 0 are kept by
    /// projecting each step back into the box and freezing a parameter that
    /// sits on its bound while the gradient pushes it out (an active set).
    /// Nine starting points — σ₀ ∈ {0, 0.1, 0.4}, κ₀ ∈ {0, (1 − σ₀)/N_peak²,
    /// (1 − σ₀)/(2·N_max)²}, where N_peak is the fastest measured count, and
    /// λ₀ solved in closed form for each — guard against a local minimum;
    /// the lowest residual wins.
    ///
    /// On codahale/usl's README data this gives σ = 0.02773, κ = 1.0435e-4,
    /// λ = 89.99 and a peak at 96.5 workers, as scipy's `curve_fit` does.
    public static func universalScalability(workers: [Double], throughput: [Double]) -> ScalingFit? {
        guard FitSupport.isUsable(workers, throughput, minimumPoints: 3) else { return nil }
        let problem = USLLeastSquares(workers: workers, throughput: throughput)
        let peak = zip(workers, throughput).max { $0.1 < $1.1 }?.0 ?? 1
        let largest = workers.max() ?? 1
        var best: (parameters: SIMD3<Double>, cost: Double)?
        for sigma in [0.0, 0.1, 0.4] {
            for kappa in [0, (1 - sigma) / (peak * peak), (1 - sigma) / (4 * largest * largest)] {
                let start = problem.withBestLambda(sigma: sigma, kappa: kappa)
                let candidate = problem.solve(from: start)
                if candidate.cost < best?.cost ?? .infinity { best = candidate }
            }
        }
        return best.map { problem.fit($0.parameters) }
    }

    /// Refits from a known nearby solution with a single start: the
    /// bootstrap refits a curve a thousand times and the point estimate is
    /// already close to every resample's optimum.
    static func universalScalability(workers: [Double], throughput: [Double], near start: ScalingFit) -> ScalingFit? {
        guard FitSupport.isUsable(workers, throughput, minimumPoints: 3) else { return nil }
        let problem = USLLeastSquares(workers: workers, throughput: throughput)
        let solution = problem.solve(from: SIMD3(start.lambda, start.sigma, start.kappa))
        return problem.fit(solution.parameters)
    }
}

/// The USL least-squares problem in (λ, σ, κ).
private struct USLLeastSquares {
    let workers: [Double]
    let throughput: [Double]
    let lower = SIMD3<Double>(1e-12, 0, 0)
    let upper = SIMD3<Double>(.infinity, 1, .infinity)

    func fit(_ p: SIMD3<Double>) -> ScalingFit {
        var fit = ScalingFit(
            model: .universalScalability, lambda: p.x, sigma: p.y, kappa: p.z,
            capacity: nil, rSquared: 0, points: workers.count
        )
        fit.rSquared = FitSupport.rSquared(workers, throughput, fit.throughput(atWorkers:))
        return fit
    }

    func cost(_ p: SIMD3<Double>) -> Double {
        var total = 0.0
        for (n, x) in zip(workers, throughput) {
            let r = x - p.x * n / (1 + p.y * (n - 1) + p.z * n * (n - 1))
            total += r * r
        }
        return total
    }

    /// λ is linear given σ and κ: λ = Σxg / Σg² with g = N / D(N).
    func withBestLambda(sigma: Double, kappa: Double) -> SIMD3<Double> {
        var xg = 0.0, gg = 0.0
        for (n, x) in zip(workers, throughput) {
            let g = n / (1 + sigma * (n - 1) + kappa * n * (n - 1))
            xg += x * g
            gg += g * g
        }
        return SIMD3(max(xg / gg, lower.x), sigma, kappa)
    }

    func solve(from start: SIMD3<Double>) -> (parameters: SIMD3<Double>, cost: Double) {
        var p = start.clamped(lowerBound: lower, upperBound: upper)
        var current = cost(p)
        var damping = 1e-3
        for _ in 0..<300 {
            let (normal, gradient) = normalEquations(at: p)
            var free = SIMD3<Double>(repeating: 1)
            for i in 0..<3 where (p[i] <= lower[i] && gradient[i] < 0) || (p[i] >= upper[i] && gradient[i] > 0) {
                free[i] = 0
            }
            var accepted = false
            var decrease = 0.0
            while damping < 1e16 {
                guard let step = solveDamped(normal, gradient, damping: damping, free: free) else { break }
                let candidate = (p + step).clamped(lowerBound: lower, upperBound: upper)
                let candidateCost = cost(candidate)
                if candidateCost < current {
                    decrease = (current - candidateCost) / max(current, .leastNormalMagnitude)
                    p = candidate
                    current = candidateCost
                    damping = max(damping / 4, 1e-15)
                    accepted = true
                    break
                }
                damping *= 4
            }
            if !accepted || decrease < 1e-13 { break }
        }
        return (p, current)
    }

    /// JᵀJ and Jᵀr, with r = x − X(N) and J = ∂X/∂(λ, σ, κ):
    /// ∂X/∂λ = N/D, ∂X/∂σ = −λN(N − 1)/D², ∂X/∂κ = −λN²(N − 1)/D².
    private func normalEquations(at p: SIMD3<Double>) -> (normal: Matrix3, gradient: SIMD3<Double>) {
        var normal = Matrix3()
        var gradient = SIMD3<Double>.zero
        for (n, x) in zip(workers, throughput) {
            let d = 1 + p.y * (n - 1) + p.z * n * (n - 1)
            let r = x - p.x * n / d
            let common = -p.x * n * (n - 1) / (d * d)
            let j = SIMD3(n / d, common, common * n)
            for row in 0..<3 { normal[row] += j * j[row] }
            gradient += j * r
        }
        return (normal, gradient)
    }

    /// Solves (JᵀJ + μ·diag(JᵀJ))·δ = Jᵀr over the free parameters by
    /// Gaussian elimination with partial pivoting; frozen ones get δ = 0.
    private func solveDamped(
        _ normal: Matrix3, _ gradient: SIMD3<Double>, damping: Double, free: SIMD3<Double>
    ) -> SIMD3<Double>? {
        var a = normal
        var b = gradient
        for i in 0..<3 {
            if free[i] == 0 {
                a[i] = .zero
                for row in 0..<3 { a[row][i] = 0 }
                a[i][i] = 1
                b[i] = 0
            } else {
                a[i][i] += damping * max(normal[i][i], 1e-300)
            }
        }
        for column in 0..<3 {
            let pivot = (column..<3).max { abs(a[$0][column]) < abs(a[$1][column]) } ?? column
            guard a[pivot][column] != 0 else { return nil }
            a.swapRows(column, pivot)
            b.swapAt(column, pivot)
            for row in (column + 1)..<3 {
                let factor = a[row][column] / a[column][column]
                a[row] -= factor * a[column]
                b[row] -= factor * b[column]
            }
        }
        var x = SIMD3<Double>.zero
        for row in stride(from: 2, through: 0, by: -1) {
            var sum = b[row]
            for column in (row + 1)..<3 { sum -= a[row][column] * x[column] }
            x[row] = sum / a[row][row]
        }
        return x
    }
}

/// A 3×3 matrix by rows, on the stack: the solver runs thousands of times
/// per bootstrap and must not allocate.
private struct Matrix3 {
    private var r0 = SIMD3<Double>.zero, r1 = SIMD3<Double>.zero, r2 = SIMD3<Double>.zero

    subscript(row: Int) -> SIMD3<Double> {
        get { row == 0 ? r0 : row == 1 ? r1 : r2 }
        set {
            switch row {
            case 0: r0 = newValue
            case 1: r1 = newValue
            default: r2 = newValue
            }
        }
    }

    mutating func swapRows(_ i: Int, _ j: Int) {
        let row = self[i]
        self[i] = self[j]
        self[j] = row
    }
}

private extension SIMD3 where Scalar == Double {
    mutating func swapAt(_ i: Int, _ j: Int) {
        let value = self[i]
        self[i] = self[j]
        self[j] = value
    }
}
