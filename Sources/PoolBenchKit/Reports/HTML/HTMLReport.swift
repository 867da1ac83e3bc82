import Foundation

/// What `report` writes: one HTML page that shows the answers of `best` and
/// `trend` as curves — throughput against workers with the knee, its band
/// and the peak, latency against workers, and each worker count over time
/// with the recommended count per sweep — beside the words `best` prints.
///
/// The page is self-contained (inline CSS and SVG, no script, nothing
/// fetched: a content security policy forbids it) and well-formed XML as
/// well as HTML, so tests can parse it. It lays out answer values and
/// computes no statistics of its own beyond what drawing needs: medians of
/// latency per worker count, and a deterministic choice of the runs shown
/// as dots when a curve has more than `dotsPerCurve`.
public struct HTMLReport {
    /// The most runs drawn as dots on one curve: beyond it the dots become a
    /// smear that hides the median line, and the page grows with the history.
    public static let dotsPerCurve = 200
    /// The most worker counts drawn over time in one chart; the rest are
    /// listed in words.
    public static let linesOverTime = 8

    /// What the page answers, as the command line gave it.
    public struct Options: Sendable {
        public var tolerance: Double
        /// Sweeps per series for the answers, like `best --last`.
        public var newestSweeps: Int
        /// Sweeps per series over time, like `trend --last`.
        public var trendSweeps: Int
        /// A p99 latency limit to draw, seconds.
        public var maxP99: Double?
        /// Seeds every bootstrap, as `best` and `trend` do.
        public var seed: UInt64
        /// The share of failed tasks accepted, like `best --max-error-rate`.
        public var maxErrorRate: Double = 0

        public init(tolerance: Double = 0.05, newestSweeps: Int = 10, trendSweeps: Int = 20, maxP99: Double? = nil, seed: UInt64 = 0) {
            self.tolerance = tolerance
            self.newestSweeps = newestSweeps
            self.trendSweeps = trendSweeps
            self.maxP99 = maxP99
            self.seed = seed
        }
    }

    /// One run drawn on a curve.
    struct Dot: Sendable {
        var workers: Int
        var throughput: Double
        var sweepID: Int64
    }

    /// The runs of one worker count that failed entirely, drawn as one mark.
    struct Failures: Sendable {
        var workers: Int
        var failed: Int
        var runs: Int
        var firstError: String?
    }

    /// Median task latency at one worker count, seconds.
    struct Latency: Sendable {
        var workers: Int
        var p50: Double?
        var p99: Double?
    }

    /// One series' answer and everything drawn for it.
    struct Panel: Sendable {
        var answer: BestAnswer.Series
        var dots: [Dot]
        /// Successful runs the answer read; more than `dots.count` when sampled.
        var successfulRuns: Int
        var failures: [Failures]
        var latency: [Latency]
        /// This series' worker counts over time, ascending.
        var overTime: [TrendAnswer.Series]
        var drift: TrendAnswer.Drift?
        /// The sweeps read for the trend, oldest first: the time axis.
        var sweeps: [SweepStamp]
    }

    var options: Options
    /// The filters as the command line spelt them, or "the history".
    var filterSummary: String
    var best: BestReport
    var panels: [Panel]
    /// Machines (host names, or `testbed NAME`) with the logical cores of
    /// their newest sweep, by name.
    var hosts: [(name: String, cores: Int)]
    /// Every sweep read, oldest first.
    var sweeps: [SweepStamp]
    var skippedSequential: Int
    /// Median throughput of each workload's `sequential` runs on a host,
    /// keyed by a series ID with executor `sequential`: the baseline the
    /// executors' chart draws, since sequential gets no answer of its own.
    var sequentialBaselines: [SeriesID: Double]

    /// Lays out `best` and `trend`, answered from `series` — read with at
    /// least `max(newestSweeps, trendSweeps)` sweeps per series — as the
    /// `best` and `trend` commands answer; `series` gives the runs drawn.
    public init(best: BestAnswer, trend: TrendAnswer, series: [SeriesRuns], filter: HistoryFilter, options: Options = Options()) {
        self.options = options
        filterSummary = filter.summary
        let answered = series.map { $0.newest(options.newestSweeps) }
        let overTime = series.map { $0.newest(options.trendSweeps) }
        self.best = BestReport(best)
        skippedSequential = best.skippedSequential
        sequentialBaselines = answered.filter { $0.key.executor == "sequential" }.reduce(into: [:]) { baselines, series in
            let runs = series.samples.filter { !$0.failedEntirely && $0.throughput.isFinite }.map(\.throughput)
            baselines[SeriesID(series.key, series.machine)] = Descriptive.median(runs)
        }

        let answeredRuns = Dictionary(answered.map { (SeriesID($0.key, $0.machine), $0) }) { first, _ in first }
        let trendRuns = Dictionary(overTime.map { (SeriesID($0.key, $0.machine), $0) }) { first, _ in first }
        let trendSeries = Dictionary(grouping: trend.series) { SeriesID($0.key, $0.machine) }
        let drifts = Dictionary(trend.recommendations.map { (SeriesID($0.key, $0.machine), $0) }) { first, _ in first }
        panels = best.answers.map { answer in
            let id = SeriesID(answer.key, answer.machine)
            let level = answeredRuns[id].map { Self.levelSamples($0.samples, answer.level) } ?? []
            let successful = level.filter { !$0.failedEntirely && $0.throughput.isFinite }
            return Panel(
                answer: answer, dots: Self.sampledDots(successful, limit: Self.dotsPerCurve),
                successfulRuns: successful.count, failures: Self.failures(level), latency: Self.latency(successful),
                overTime: (trendSeries[id] ?? []).sorted { $0.workers < $1.workers }, drift: drifts[id],
                sweeps: trendRuns[id]?.sweeps ?? []
            )
        }
        let cores = Dictionary(series.map { ($0.machine, $0.logicalCores) }) { first, _ in first }
        hosts = cores.keys.sorted().map { (name: $0, cores: cores[$0] ?? 0) }
        let stamps = Dictionary(series.flatMap(\.sweeps).map { ($0.id, $0) }) { first, _ in first }
        sweeps = stamps.values.sorted(by: SweepStamp.isOlder)
    }

    /// The runs `best` answered from: those of the level's sweeps.
    static func levelSamples(_ samples: [Sample], _ level: CurrentLevel.Summary) -> [Sample] {
        guard let since = level.sinceSweepID, let date = level.sinceStartedAt else { return [] }
        return samples.filter { ($0.sweepStartedAt, $0.sweepID) >= (date, since) }
    }

    /// At most about `limit` runs, spread evenly over the worker counts;
    /// within a count the runs at evenly spaced ranks of throughput, so the
    /// fastest and slowest stay and the spread keeps its shape. The same
    /// runs always give the same dots.
    static func sampledDots(_ runs: [Sample], limit: Int) -> [Dot] {
        let dots = runs.map { Dot(workers: $0.workers, throughput: $0.decisionThroughput, sweepID: $0.sweepID) }
        guard dots.count > limit else { return dots }
        let byWorkers = Dictionary(grouping: dots, by: \.workers)
        let quota = max(1, limit / byWorkers.count)
        return byWorkers.keys.sorted().flatMap { workers -> [Dot] in
            let ordered = byWorkers[workers, default: []].sorted { ($0.throughput, $0.sweepID) < ($1.throughput, $1.sweepID) }
            guard ordered.count > quota else { return ordered }
            guard quota > 1 else { return [ordered[ordered.count / 2]] }
            return (0..<quota).map { rank in
                ordered[Int((Double(rank) * Double(ordered.count - 1) / Double(quota - 1)).rounded())]
            }
        }
    }

    static func failures(_ runs: [Sample]) -> [Failures] {
        Dictionary(grouping: runs, by: \.workers).sorted { $0.key < $1.key }.compactMap { workers, runs in
            let failed = runs.filter(\.failedEntirely)
            guard !failed.isEmpty else { return nil }
            return Failures(
                workers: workers, failed: failed.count, runs: runs.count, firstError: failed.lazy.compactMap(\.firstError).first
            )
        }
    }

    static func latency(_ runs: [Sample]) -> [Latency] {
        Dictionary(grouping: runs, by: \.workers).sorted { $0.key < $1.key }.map { workers, runs in
            Latency(
                workers: workers, p50: Descriptive.median(runs.compactMap(\.latencyP50).filter(\.isFinite)),
                p99: Descriptive.median(runs.compactMap(\.latencyP99).filter(\.isFinite))
            )
        }
    }
}

extension HTMLReport.Options {
    /// The answers a page with these options lays out: `best`'s from each
    /// series' newest `newestSweeps` sweeps and `trend`'s from its newest
    /// `trendSweeps`, as the two commands give them. `series` holds at least
    /// the larger of the two per series.
    public func answers(_ series: [SeriesRuns]) -> (best: BestAnswer, trend: TrendAnswer) {
        let best = BestAnswer(
            series: series.map { $0.newest(newestSweeps) }, tolerance: tolerance, newestSweeps: newestSweeps, seed: seed,
            latencyLimit: maxP99, maxErrorRate: maxErrorRate
        )
        let trend = TrendAnswer(series: series.map { $0.newest(trendSweeps) }, newestSweeps: trendSweeps, tolerance: tolerance, seed: seed)
        return (best, trend)
    }
}

/// A series on one machine (testbed or host), as a dictionary key.
struct SeriesID: Hashable {
    var key: SeriesKey
    var machine: String

    init(_ key: SeriesKey, _ machine: String) {
        self.key = key
        self.machine = machine
    }
}

extension SeriesRuns {
    /// The same series with only its newest `count` sweeps and their runs.
    func newest(_ count: Int) -> SeriesRuns {
        guard sweeps.count > count else { return self }
        let kept = Array(sweeps.suffix(max(count, 1)))
        let ids = Set(kept.map(\.id))
        return SeriesRuns(
            key: key, host: host, testbed: testbed, logicalCores: logicalCores, sweeps: kept,
            samples: samples.filter { ids.contains($0.sweepID) }
        )
    }
}
