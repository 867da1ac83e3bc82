import Foundation

/// The answer one sweep's own runs give, per executor: what `run` prints
/// under its table, so the first sweep a person runs ends in the product's
/// answer rather than in a pointer to another command. `best` answers from
/// every sweep since the curve last moved; this answers from the runs just
/// measured, by the same rule (`Knee.recommend`, then `CPUBoundCap`).
public struct SweepAnswer: Sendable, Hashable, Codable {
    public var executor: String
    public var recommendation: KneeRecommendation
    /// The answer under `run --max-p99`; nil when no limit was asked.
    public var latencyLimited: LatencyLimitedAnswer?

    /// One answer per executor that has a worker count to tune (not
    /// `sequential`), in listing order; none for a sweep whose runs all failed.
    ///
    /// - Parameter cores: the machine's cores, for the CPU-bound cap; nil not to cap.
    /// - Parameter latencyLimit: also answer under this p99 limit, seconds.
    public static func answers(
        _ runs: [RunRecord], sweepStartedAt: Date, tolerance: Double = 0.05, maxErrorRate: Double = 0, cores: Int? = nil,
        latencyLimit: Double? = nil
    ) -> [SweepAnswer] {
        let byExecutor = Dictionary(grouping: runs.filter { $0.executor != ExecutorKind.sequential.rawValue }, by: \.executor)
        return byExecutor.keys.sorted { ExecutorKind.listingRank(of: $0) < ExecutorKind.listingRank(of: $1) }.compactMap { executor in
            let samples = byExecutor[executor, default: []].map { Sample($0, sweepStartedAt: sweepStartedAt) }
            var recommendation = Knee.recommend(samples, tolerance: tolerance, cores: cores, maxErrorRate: maxErrorRate)
            if let cores { recommendation = CPUBoundCap.apply(recommendation, samples: samples, cores: cores) }
            guard recommendation.method != .allRunsFailed else { return nil }
            return SweepAnswer(
                executor: executor, recommendation: recommendation,
                latencyLimited: latencyLimit.map {
                    LatencyLimit.answer(recommendation.belowErrorOnset(samples), limit: $0, tolerance: tolerance)
                }
            )
        }
    }
}
