import Foundation

/// `best`'s answers and the curves behind them in Bencher Metric Format
/// (BMF), the JSON that `bencher run --adapter json` reads:
/// `{benchmark: {measure: {value, lower_value, upper_value}}}`.
///
/// Per series and worker count, one benchmark named
/// `WORKLOAD PARAMETERS / EXECUTOR / N workers` with
/// - `throughput`: the median tasks/s of its runs, bounded by the
///   distribution-free 95% interval of that median (`MedianInterval`; with
///   fewer than six runs the interval is [min, max], which holds less);
/// - `latency`: the median of its runs' p50 task latencies, in nanoseconds
///   as Bencher's built-in latency measure expects, bounded the same way;
///   left out when the runs timed no tasks (a job).
///
/// Per series, one benchmark named `WORKLOAD PARAMETERS / EXECUTOR` with
/// `recommended_workers`: the recommended count, bounded by its band; left
/// out when there is no recommendation.
///
/// The runs are those `best` answers from (since the series' last change
/// point). Names leave the machine out, so a CI series keeps its names when
/// its runner's host name changes (Bencher keeps its own testbed); when one
/// export holds a series on several machines, each name ends
/// ` / MACHINE` instead.
public struct BencherMetrics: Sendable {
    /// One measure's figures.
    public struct Metric: Codable, Sendable, Hashable {
        public var value: Double
        public var lowerValue: Double?
        public var upperValue: Double?

        enum CodingKeys: String, CodingKey {
            case value
            case lowerValue = "lower_value"
            case upperValue = "upper_value"
        }
    }

    /// Benchmark name → measure name → figures.
    public var benchmarks: [String: [String: Metric]]

    public init(_ best: BestAnswer) {
        var machinesBySeries: [SeriesKey: Set<String>] = [:]
        for answer in best.answers { machinesBySeries[answer.key, default: []].insert(answer.machine) }
        var benchmarks: [String: [String: Metric]] = [:]
        for answer in best.answers {
            var series = "\(answer.key.workloadDescription) / \(answer.key.executor)"
            let suffix = machinesBySeries[answer.key]!.count > 1 ? " / \(answer.machine)" : ""
            if let recommended = answer.recommendedWorkers {
                let band = answer.band ?? recommended...recommended
                benchmarks[series + suffix] = [
                    "recommended_workers": Metric(
                        value: Double(recommended), lowerValue: Double(band.lowerBound), upperValue: Double(band.upperBound)
                    ),
                ]
            }
            series += " / "
            for (workers, runs) in Dictionary(grouping: answer.samples, by: \.workers) {
                var measures: [String: Metric] = [:]
                if let throughput = MedianInterval(runs.map(\.throughput)) {
                    measures["throughput"] = Metric(throughput)
                }
                if let latency = MedianInterval(runs.compactMap(\.latencyP50).map { $0 * 1e9 }) {
                    measures["latency"] = Metric(latency)
                }
                benchmarks["\(series)\(workers) worker\(workers == 1 ? "" : "s")\(suffix)"] = measures
            }
        }
        self.benchmarks = benchmarks
    }

    /// The document, keys sorted so the same history always gives the same bytes.
    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(benchmarks), as: UTF8.self) + "\n"
    }

    /// Writes the document to `path` the way every `--output` writes
    /// (`OutputTarget`): replaced only once complete, the history's own
    /// files refused.
    public func write(toFile path: String, historyPath: String?) throws {
        let text = try json()
        try OutputTarget.write(toFile: path, historyPath: historyPath) { output in output.write(text) }
    }
}

extension BencherMetrics.Metric {
    init(_ interval: MedianInterval) {
        self.init(value: interval.median, lowerValue: interval.lower, upperValue: interval.upper)
    }
}
