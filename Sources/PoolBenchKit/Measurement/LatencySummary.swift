/// Percentiles of one run's per-task latencies (type 7, see
/// `Descriptive.quantile`), sorting them once.
public struct LatencySummary: Sendable, Equatable {
    public var p50: Double
    public var p90: Double
    public var p99: Double
    public var max: Double

    /// Nil for an empty run.
    public init?(_ latencies: [Double]) {
        guard !latencies.isEmpty else { return nil }
        let sorted = latencies.sorted()
        p50 = Descriptive.sortedQuantile(sorted, at: 0.5)
        p90 = Descriptive.sortedQuantile(sorted, at: 0.9)
        p99 = Descriptive.sortedQuantile(sorted, at: 0.99)
        max = sorted[sorted.count - 1]
    }
}
