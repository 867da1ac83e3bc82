import Foundation

/// What `compare A B` prints: at every executor × worker count both sides
/// measured, the medians, how many times faster B is with a confidence
/// interval, and whether the difference is significant.
public struct CompareReport: Report {
    /// One side: a sweep ID or a label, and the sweeps it stands for.
    public struct Side: Sendable {
        /// What was typed.
        public var text: String
        public var sweeps: [SweepStamp]

        public init(text: String, sweeps: [SweepStamp]) {
            self.text = text
            self.sweeps = sweeps
        }

        /// `sweep 3` or `label 'nightly' (4 sweeps)`.
        public var description: String {
            if sweeps.count == 1, let sweep = sweeps.first, String(sweep.id) == text {
                return "sweep \(sweep.id) (\(Formatting.minute(sweep.startedAt)))"
            }
            return "label '\(text)' (\(sweeps.count) sweep\(sweeps.count == 1 ? "" : "s"): "
                + sweeps.map { String($0.id) }.joined(separator: ", ") + ")"
        }
    }

    public struct Point: Sendable {
        public var key: SeriesKey
        public var comparison: PointComparison
    }

    public var a: Side
    public var b: Side
    public var alpha: Double
    /// Sorted by workload, parameters, executor, workers.
    public var points: [Point]

    /// Compares every series both sides ran, worker count by worker count.
    public init(
        a: Side, runsA: [(key: SeriesKey, samples: [Sample])], b: Side, runsB: [(key: SeriesKey, samples: [Sample])],
        alpha: Double = 0.01
    ) {
        (self.a, self.b, self.alpha) = (a, b, alpha)
        let other = Dictionary(runsB.map { ($0.key, $0.samples) }) { first, _ in first }
        points = runsA.flatMap { key, samples in
            Comparison.compare(samples, other[key] ?? [], alpha: alpha).map { Point(key: key, comparison: $0) }
        }
    }

    public var tables: [Table] {
        var table = Table(title: "A: \(a.description)  ·  B: \(b.description)", columns: [
            .init("workload"), .init("executor"), .init("workers", .right), .init("runs A", .right), .init("runs B", .right),
            .init("tasks/s A", .right), .init("tasks/s B", .right), .init("B/A", .right), .init("interval", .right),
            .init("p", .right), .init("verdict"),
        ])
        table.rows = points.map { point in
            let c = point.comparison
            return [
                point.key.workloadDescription, point.key.executor, String(c.workers), String(c.runsA), String(c.runsB),
                Formatting.rate(c.medianA), Formatting.rate(c.medianB), Formatting.factor(c.ratio),
                String(format: "%.2f–%.2f (%.0f%%)", c.ratioLow, c.ratioHigh, c.confidence * 100),
                String(format: "%.2g", c.pValue), Self.verdictText(c.verdict),
            ]
        }
        table.notes = [
            "B/A above 1 means B has the higher throughput: the median of the ratios of B's runs to A's, with its "
                + "distribution-free interval (Hodges–Lehmann); significance by Mann–Whitney at α = \(alpha).",
        ]
        if points.contains(where: { $0.comparison.verdict == .tooFewRuns }) {
            table.notes.append(
                "Too few runs: no data from so few runs can reach p < \(alpha); record 5 or more runs per point on each side, e.g. --repeat 5."
            )
        }
        return [table]
    }

    static func verdictText(_ verdict: ComparisonVerdict) -> String {
        switch verdict {
        case .faster: "▲ B faster"
        case .slower: "▼ B slower"
        case .noSignificantDifference: "no significant difference"
        case .tooFewRuns: "too few runs to tell"
        }
    }

    /// `{"a": {"text", "sweepIds"}, "b": …, "alpha", "points": […]}`.
    public func encode(to encoder: any Encoder) throws {
        try CompareJSON(a: SideJSON(a), b: SideJSON(b), alpha: alpha, points: points.map(PointJSON.init)).encode(to: encoder)
    }

    private struct CompareJSON: Encodable {
        var a: SideJSON
        var b: SideJSON
        var alpha: Double
        var points: [PointJSON]
    }

    private struct SideJSON: Encodable {
        var text: String
        var sweepIds: [Int64]

        init(_ side: Side) {
            text = side.text
            sweepIds = side.sweeps.map(\.id)
        }
    }

    private struct PointJSON: Encodable {
        var workload: String
        var parameters: String
        var executor: String
        var workers: Int
        var runsA: Int
        var runsB: Int
        var medianA: Double
        var medianB: Double
        var ratio: Double
        var ratioLow: Double
        var ratioHigh: Double
        var confidence: Double
        var pValue: Double
        var verdict: ComparisonVerdict

        init(_ point: Point) {
            let c = point.comparison
            (workload, parameters, executor) = (point.key.workload, point.key.parameters, point.key.executor)
            (workers, runsA, runsB, medianA, medianB) = (c.workers, c.runsA, c.runsB, c.medianA, c.medianB)
            (ratio, ratioLow, ratioHigh, confidence) = (c.ratio, c.ratioLow, c.ratioHigh, c.confidence)
            (pValue, verdict) = (c.pValue, c.verdict)
        }
    }
}
