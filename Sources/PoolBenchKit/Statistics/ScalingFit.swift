/// A throughput-versus-workers model fitted to measured points.
///
/// Both models are fitted by least squares on throughput (absolute
/// residuals), one point per worker count — the median of its runs, so one
/// stalled run cannot bend the curve and a worker count measured more often
/// does not outweigh the others.
public struct ScalingFit: Sendable, Hashable, Codable {
    /// The shape of the curve.
    public enum Model: String, Sendable, Hashable, Codable {
        /// Gunther's Universal Scalability Law
        /// X(N) = λN / (1 + σ(N − 1) + κN(N − 1)): contention σ flattens the
        /// curve, coherency κ makes it fall past its peak. CPU-bound and
        /// lock-bound work.
        case universalScalability
        /// A hard capacity: X(N) = λ·min(N, K). Linear until K workers fill
        /// the resource (K server slots, a connection limit, a disk queue),
        /// flat after. I/O work with a capacity saturates rather than
        /// retrogrades.
        case saturation
    }

    public var model: Model
    /// Throughput of one worker (tasks/s): the slope at the origin.
    public var lambda: Double
    /// USL contention, 0 ≤ σ ≤ 1; 0 for the saturation model.
    public var sigma: Double
    /// USL coherency, κ ≥ 0; 0 for the saturation model.
    public var kappa: Double
    /// Saturation: the worker count K where throughput stops growing.
    /// `nil` for the USL.
    public var capacity: Double?
    /// Coefficient of determination on the fitted points,
    /// R² = 1 − SS_res / SS_tot (0 when the points have no spread at all).
    public var rSquared: Double
    /// Number of worker counts fitted.
    public var points: Int

    /// The modelled throughput at `workers`.
    public func throughput(atWorkers workers: Double) -> Double {
        switch model {
        case .universalScalability:
            lambda * workers / (1 + sigma * (workers - 1) + kappa * workers * (workers - 1))
        case .saturation:
            lambda * min(workers, capacity ?? workers)
        }
    }

    /// Where the model puts the peak: USL N* = √((1 − σ)/κ) (Gunther,
    /// "Guerrilla Capacity Planning", 2007, eq. 4.33), `nil` when κ = 0
    /// (no retrograde: the curve climbs forever); saturation K.
    public var peakWorkers: Double? {
        switch model {
        case .universalScalability:
            kappa > 0 ? ((1 - sigma) / kappa).squareRoot() : nil
        case .saturation:
            capacity
        }
    }

    /// Number of free parameters, for comparing models of different sizes.
    var parameterCount: Int {
        model == .universalScalability ? 3 : 2
    }

    /// Residual variance SS_res / (n − p): the yardstick for choosing
    /// between two good fits, since R² alone always favours more parameters.
    func residualVariance(_ workers: [Double], _ throughput: [Double]) -> Double {
        let dof = max(workers.count - parameterCount, 1)
        return FitSupport.sumOfSquares(workers, throughput, self.throughput(atWorkers:)) / Double(dof)
    }
}

/// Shared helpers of the two fits.
enum FitSupport {
    static func sumOfSquares(_ workers: [Double], _ throughput: [Double], _ model: (Double) -> Double) -> Double {
        var total = 0.0
        for (n, x) in zip(workers, throughput) {
            let residual = x - model(n)
            total += residual * residual
        }
        return total
    }

    static func rSquared(_ workers: [Double], _ throughput: [Double], _ model: (Double) -> Double) -> Double {
        let mean = throughput.reduce(0, +) / Double(throughput.count)
        let total = throughput.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        guard total > 0 else { return 0 }
        return 1 - sumOfSquares(workers, throughput, model) / total
    }

    /// Inputs a fit can use: equal lengths, finite, workers ≥ 1.
    static func isUsable(_ workers: [Double], _ throughput: [Double], minimumPoints: Int) -> Bool {
        workers.count == throughput.count && workers.count >= minimumPoints
            && workers.allSatisfy { $0 >= 1 && $0.isFinite } && throughput.allSatisfy(\.isFinite)
    }
}
