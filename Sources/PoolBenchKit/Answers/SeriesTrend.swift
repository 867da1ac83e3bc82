import Foundation

/// One sweep of a series, summarised.
public struct SweepSummary: Sendable, Hashable, Codable {
    public var sweepID: Int64
    public var startedAt: Date
    public var runs: Int
    /// Median throughput of the sweep's runs, tasks/s; NaN (JSON `null`)
    /// when no run had one.
    @NullWhenNotFinite public var medianThroughput: Double
    /// Median of the runs' p99 task latency, seconds; `nil` if none recorded it.
    public var medianLatencyP99: Double?
}

/// A quantity `trend` watches for changes.
public enum TrendMetric: String, Sendable, Hashable, Codable {
    case throughput
    case latencyP99
}

/// Whether a change is good news: throughput down or latency up is a
/// regression.
public enum ChangeDirection: String, Sendable, Hashable, Codable {
    case improvement
    case regression
}

/// A sweep where a series moved to a new level.
public struct ChangePoint: Sendable, Hashable, Codable {
    public var metric: TrendMetric
    public var direction: ChangeDirection
    /// The first sweep at the new level.
    public var sweepID: Int64
    /// The sweep whose arrival confirmed the change: `sweepID` itself, or the
    /// one after it when the change needed two sweeps to show.
    public var detectedAtSweepID: Int64
    /// Median of the runs in the window before the change.
    public var before: Double
    /// Median of the runs of the changed sweep(s).
    public var after: Double
    /// after / before − 1.
    public var relativeChange: Double
    /// Two-sided Mann–Whitney p-value of the changed runs against the window.
    public var pValue: Double
    /// The relative change it had to exceed: max(minimum change, 2 × noise).
    public var threshold: Double
    /// Whether a busy machine may explain it (`BusyMachine.mayExplain`):
    /// the trend answer judges it from the series' sweeps; false from
    /// `Trend.analyze`, which sees runs, not the machine.
    public var busyMachine = false
}

/// One series over time: each sweep summarised, and where it changed.
public struct SeriesTrend: Sendable, Hashable, Codable {
    /// Oldest first.
    public var sweeps: [SweepSummary]
    /// Oldest first; throughput and latency changes interleaved by sweep.
    public var changes: [ChangePoint]
    /// The first sweep of the current throughput level: the last throughput
    /// change point, or the first sweep. `best` should answer from here on.
    public var currentLevelSince: Int64?

    /// Whether any change is a regression (`trend --fail-on-regression`).
    public var hasRegression: Bool {
        changes.contains { $0.direction == .regression }
    }
}
