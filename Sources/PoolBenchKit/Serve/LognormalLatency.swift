import Foundation
import Synchronization

/// Service times drawn from a lognormal distribution with a given mean and
/// coefficient of variation (standard deviation ÷ mean), so `serve` can
/// play a noisy server whose answer is still known.
///
/// A lognormal is the usual model of service times: never negative, skewed
/// to the right, its tail what p99 sees. With X = exp(μ + σZ), Z standard
/// normal, E[X] = exp(μ + σ²/2) and CV² = exp(σ²) − 1 (Johnson, Kotz &
/// Balakrishnan, "Continuous Univariate Distributions", vol. 1, ch. 14), so
/// for mean m and CV c:
///
///     σ² = ln(1 + c²),   μ = ln m − σ²/2.
///
/// Z comes from Box–Muller on `SeededGenerator`'s uniforms: the same seed
/// gives the same sequence of draws. CV 0 is the constant m.
struct LognormalLatency: Sendable, Hashable {
    let mean: Double
    let coefficientOfVariation: Double
    let mu: Double
    let sigma: Double

    init(mean: Double, coefficientOfVariation: Double) {
        precondition(mean >= 0 && coefficientOfVariation >= 0, "mean and CV must not be negative")
        self.mean = mean
        self.coefficientOfVariation = coefficientOfVariation
        let variance = log1p(coefficientOfVariation * coefficientOfVariation)
        sigma = variance.squareRoot()
        mu = mean > 0 ? log(mean) - variance / 2 : -.infinity
    }

    /// One service time, seconds.
    func draw(using generator: inout SeededGenerator) -> Double {
        guard coefficientOfVariation > 0, mean > 0 else { return mean }
        let u1 = max(generator.nextUnit(), .leastNonzeroMagnitude)
        let u2 = generator.nextUnit()
        let z = (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
        return exp(mu + sigma * z)
    }
}

/// A `LognormalLatency` shared by a server's event loops: draws in the
/// order requests enter service.
final class LatencySource: Sendable {
    let distribution: LognormalLatency
    private let generator: Mutex<SeededGenerator>

    init(_ distribution: LognormalLatency, seed: UInt64) {
        self.distribution = distribution
        generator = Mutex(SeededGenerator(seed: seed))
    }

    func next() -> Double {
        guard distribution.coefficientOfVariation > 0 else { return distribution.mean }
        return generator.withLock { distribution.draw(using: &$0) }
    }
}
