/// Percentiles of one run's per-task latencies (type 7, see
/// `Descriptive.quantile`), sorting them once.
struct LatencySummary: Sendable, Equatable {
    var p50: Double
    var p90: Double
    var p99: Double
    var max: Double

    /// Nil for an empty run.
    init?(_ latencies: [Double]) {
        guard !latencies.isEmpty else { return nil }
        let sorted = latencies.sorted()
        p50 = Descriptive.sortedQuantile(sorted, at: 0.5)
        p90 = Descriptive.sortedQuantile(sorted, at: 0.9)
        p99 = Descriptive.sortedQuantile(sorted, at: 0.99)
        max = sorted[sorted.count - 1]
    }
}
