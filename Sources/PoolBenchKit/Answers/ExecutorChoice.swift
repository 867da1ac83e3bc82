/// Which executor, at which worker count, a workload should use.
public struct ExecutorChoice: Sendable, Hashable, Codable {
    public var executor: String
    /// The chosen executor's recommended (knee) worker count.
    public var workers: Int
    /// The chosen executor's throughput at that count, tasks/s.
    public var throughput: Double
    /// The highest peak throughput of any executor, tasks/s.
    public var bestPeakThroughput: Double
    /// The executor that reached `bestPeakThroughput`.
    public var bestPeakExecutor: String
}

extension Knee {
    /// Picks an executor and worker count from one workload's
    /// recommendations, keyed by executor name; `nil` when none recommends.
    ///
    /// The knee rule again, across executors: among executors whose knee
    /// throughput is within `tolerance` of the best peak of any executor,
    /// the one needing the fewest workers wins; ties go to the higher knee
    /// throughput, then to the name. The executor with the best peak always
    /// qualifies (its knee is within tolerance of its own peak), so the
    /// choice is never more than `tolerance` below the fastest measured
    /// configuration — and a pool of 8 is preferred to tasks at 64 that are
    /// 1% faster.
    public static func bestExecutor(
        _ recommendations: [String: KneeRecommendation], tolerance: Double = 0.05
    ) -> ExecutorChoice? {
        let candidates = recommendations.compactMap { name, answer in
            answer.recommendedWorkers.flatMap { workers in
                answer.kneeThroughput.flatMap { knee in
                    answer.peakThroughput.map { (name: name, workers: workers, knee: knee, peak: $0) }
                }
            }
        }
        guard let fastest = candidates.max(by: { ($0.peak, $1.name) < ($1.peak, $0.name) }) else { return nil }
        let threshold = fastest.peak - tolerance * abs(fastest.peak)
        let chosen = candidates.filter { $0.knee >= threshold }.min {
            ($0.workers, -$0.knee, $0.name) < ($1.workers, -$1.knee, $1.name)
        } ?? fastest
        return ExecutorChoice(
            executor: chosen.name, workers: chosen.workers, throughput: chosen.knee,
            bestPeakThroughput: fastest.peak, bestPeakExecutor: fastest.name
        )
    }
}
