import Foundation

/// What `trend` prints: every workload × executor × workers × machine
/// (testbed, or host when the sweeps named no testbed) series over time with
/// its change points, and how each workload × executor × machine's
/// recommended worker count moved from sweep to sweep.
///
/// (`TrendReport` is the answer for one series; this is the
/// command's whole output.)
public struct TrendOutput: Report {
    /// One worker count of one series over time.
    public struct Series: Sendable {
        public var key: SeriesKey
        public var workers: Int
        /// The host of the newest sweep read.
        public var host: String
        /// The testbed the series is kept by; nil when kept by host.
        public var testbed: String?
        public var report: TrendReport
        /// The metrics whose regression the series group's newest sweep
        /// revealed; empty when that sweep did not measure this count.
        public var regressedAtNewest: [TrendMetric]
        /// Whether a busy machine may explain each of `report.changes`
        /// (`BusyMachine.mayExplain`), in the same order.
        public var busyMachine: [Bool] = []

        /// `testbed ci-large` or `bench-1`.
        public var machine: String { SeriesRuns.machine(host: host, testbed: testbed) }

        /// Whether a busy machine may explain `report.changes[index]`.
        func busyMachine(at index: Int) -> Bool {
            busyMachine.indices.contains(index) && busyMachine[index]
        }
    }

    /// One series' recommendation per sweep, and where it moved.
    public struct Drift: Sendable {
        public var key: SeriesKey
        /// The host of the newest sweep read.
        public var host: String
        /// The testbed the series is kept by; nil when kept by host.
        public var testbed: String?
        /// Sweeps with a recommendation (two or more worker counts), oldest first.
        public var recommendations: [RecommendationPoint]
        public var shifts: [WorkerShift]
        /// The series' sweeps that ran on a busy machine, oldest first.
        public var busySweeps: [SweepLoad] = []
        public var logicalCores: Int = 1
        /// `SeriesRuns.mixedHardwareWarning` of the series.
        public var mixedHardware: String?
        /// Where each sweep's errors started, oldest first.
        public var errorOnsets: [SweepErrorOnset] = []

        /// Where the newest sweep's errors start; nil when it had none.
        public var newestErrorOnset: ErrorOnsetSummary? { errorOnsets.last?.onset }

        /// `testbed ci-large` or `bench-1`.
        public var machine: String { SeriesRuns.machine(host: host, testbed: testbed) }
    }

    /// Bootstrap resamples of each per-sweep recommendation. Fewer than
    /// `best` uses: drift only asks whether a band moved, and a trend holds
    /// one recommendation per sweep and series.
    public static let driftResamples = 200

    /// The most sweeps read per series (`--last`).
    public var newestSweeps: Int
    /// Sorted by workload, parameters, executor, machine, workers.
    public var series: [Series]
    /// Sorted by workload, parameters, executor, machine.
    public var drifts: [Drift]

    /// Whether the newest sweep of any series group regressed: a throughput
    /// drop or p99 rise flagged at that sweep, alone or pooled with the one
    /// before it. What `--fail-on-regression` exits 3 for. Older
    /// regressions are shown but do not fail: the build that caused them
    /// has already failed, and the window restarted at the new level.
    public var hasRegression: Bool {
        series.contains { !$0.regressedAtNewest.isEmpty }
    }

    /// - Parameters:
    ///   - tolerance: the knee rule's tolerance for per-sweep recommendations.
    ///   - seed: seeds every bootstrap, so the same history gives the same drift.
    public init(series: [SeriesRuns], newestSweeps: Int, tolerance: Double = 0.05, seed: UInt64 = 0) {
        self.newestSweeps = newestSweeps
        let analysed = Parallel.map(series) { runs in
            (series: Self.series(runs), drift: Self.drift(runs, tolerance: tolerance, seed: seed))
        }
        self.series = analysed.flatMap(\.series)
        drifts = analysed.map(\.drift)
    }

    /// "Newest" is the newest sweep of the whole series group (workload ×
    /// executor × machine), not of each worker count: when later sweeps measured
    /// only other counts, a count's last regression is old news, fixed or
    /// not, and must not keep failing CI.
    ///
    /// A sweep is busy or not as a whole (all its worker counts' runs), since
    /// the machine's load is the same for every count a sweep interleaves.
    static func series(_ runs: SeriesRuns) -> [Series] {
        let newest = runs.sweeps.last?.id
        let order = runs.sweeps.map(\.id)
        let busy = Set(BusyMachine.busySweeps(runs.samples, cores: runs.logicalCores).map(\.sweepID))
        return Dictionary(grouping: runs.samples, by: \.workers).sorted { $0.key < $1.key }.map { workers, samples in
            let report = Trend.analyze(samples)
            let regressed = report.changes
                .filter { $0.direction == .regression && $0.detectedAtSweepID == newest }
                .map(\.metric)
            return Series(
                key: runs.key, workers: workers, host: runs.host, testbed: runs.testbed, report: report, regressedAtNewest: regressed,
                busyMachine: report.changes.map { BusyMachine.mayExplain($0, order: order, busy: busy) }
            )
        }
    }

    /// `best`'s knee, answered from each sweep on its own.
    static func drift(_ runs: SeriesRuns, tolerance: Double, seed: UInt64) -> Drift {
        let bySweep = Dictionary(grouping: runs.samples, by: \.sweepID)
        let points = runs.sweeps.compactMap { sweep -> RecommendationPoint? in
            let answer = Knee.recommend(
                bySweep[sweep.id, default: []], tolerance: tolerance, seed: seed, resamples: driftResamples,
                cores: runs.logicalCores
            )
            guard let workers = answer.recommendedWorkers, let band = answer.band else { return nil }
            return RecommendationPoint(sweepID: sweep.id, startedAt: sweep.startedAt, recommendedWorkers: workers, band: band)
        }
        return Drift(
            key: runs.key, host: runs.host, testbed: runs.testbed, recommendations: points,
            shifts: WorkerDrift.shifts(in: points), busySweeps: BusyMachine.busySweeps(runs.samples, cores: runs.logicalCores),
            logicalCores: runs.logicalCores, mixedHardware: runs.mixedHardwareWarning,
            errorOnsets: SweepErrorOnset.bySweep(runs.samples, sweeps: runs.sweeps)
        )
    }
}

// MARK: - Tables

extension TrendOutput {
    public var tables: [Table] {
        var tables = [seriesTable]
        if let changes = changesTable { tables.append(changes) }
        if let drift = driftTable { tables.append(drift) }
        if let errors = errorsTable { tables.append(errors) }
        return tables
    }

    var seriesTable: Table {
        var table = Table(
            title: "Series over time: median per sweep, oldest → newest (each series' newest \(newestSweeps) sweeps at most)",
            columns: [
                .init("workload"), .init("executor"), .init("workers", .right), .init("host"), .init("sweeps", .right),
                .init("tasks/s", .right), .init("tasks/s trend", keepsWholeCells: true), .init("p99", .right),
                .init("p99 trend", keepsWholeCells: true), .init("status"),
            ]
        )
        table.rows = series.map { series in
            let sweeps = series.report.sweeps
            let latency = sweeps.map { $0.medianLatencyP99 ?? .nan }
            return [
                series.key.workloadDescription, series.key.executor, String(series.workers), series.machine,
                String(sweeps.count), Formatting.rate(sweeps.last?.medianThroughput),
                Sparkline.render(sweeps.map(\.medianThroughput)), Formatting.seconds(sweeps.last?.medianLatencyP99),
                latency.contains(where: \.isFinite) ? Sparkline.render(latency) : "", status(series),
            ]
        }
        let regressed = series.filter { !$0.regressedAtNewest.isEmpty }.count
        table.notes = [
            "tasks/s and p99 are the newest sweep's medians; the trends are scaled from each series' lowest (▁) to highest (█) sweep.",
            regressed == 0
                ? "No series regressed at its newest sweep."
                : "\(regressed) series regressed at the newest sweep (▼ at newest).",
        ] + busyMachineNotes + mixedHardwareNotes
        return table
    }

    /// `▼ at newest: tasks/s −20%`, `▲ tasks/s +12% at sweep 41`, `steady`.
    func status(_ series: Series) -> String {
        guard let change = series.report.changes.last else { return "steady" }
        let mark = change.direction == .regression ? "▼" : "▲"
        let busy = series.busyMachine(at: series.report.changes.count - 1) ? " (busy machine)" : ""
        let what = "\(Self.metricName(change.metric)) \(Self.signedPercent(change.relativeChange))"
        if !series.regressedAtNewest.isEmpty { return "\(mark) at newest: \(what)\(busy)" }
        return "\(mark) \(what) at sweep \(change.sweepID)\(busy)"
    }

    var changesTable: Table? {
        let rows = series.flatMap { series in
            series.report.changes.enumerated().map { (series, $1, series.busyMachine(at: $0)) }
        }
        guard !rows.isEmpty else { return nil }
        let started = Dictionary(series.flatMap { $0.report.sweeps.map { ($0.sweepID, $0.startedAt) } }) { first, _ in first }
        var table = Table(title: "Changes", columns: [
            .init("sweep", .right), .init("started (UTC)"), .init("workload"), .init("executor"), .init("workers", .right),
            .init("host"), .init("metric"), .init("before", .right), .init("after", .right), .init("change", .right),
            .init("p", .right), .init(""),
        ])
        table.rows = rows.map { series, change, busy in
            [
                String(change.sweepID), started[change.sweepID].map(Formatting.minute) ?? "", series.key.workloadDescription,
                series.key.executor, String(series.workers), series.machine, Self.metricName(change.metric),
                Self.value(change.before, change.metric), Self.value(change.after, change.metric),
                Self.signedPercent(change.relativeChange), String(format: "%.2g", change.pValue),
                (change.direction == .regression ? "▼ regression" : "▲ improvement") + (busy ? ", busy machine" : ""),
            ]
        }
        table.notes = [
            "A change: a sweep whose runs differ from every run since the previous change both significantly "
                + "(Mann–Whitney p < 0.01) and by more than max(5%, 2 × noise); a step may need the next sweep to confirm it.",
        ]
        if rows.contains(where: \.2) {
            table.notes.append(
                "\"busy machine\": other processes used more than \(Int(BusyMachine.threshold * 100))% of the cores during the "
                    + "changed sweep (or, for an improvement, the sweep before it), which may explain the change; "
                    + "measure again on a quiet machine before believing it."
            )
        }
        return table
    }

    var driftTable: Table? {
        let drifts = drifts.filter { !$0.recommendations.isEmpty }
        guard !drifts.isEmpty else { return nil }
        var table = Table(title: "Recommended workers per sweep", columns: [
            .init("workload"), .init("executor"), .init("host"), .init("sweeps", .right), .init("newest", .right),
            .init("band"), .init("recommended, oldest → newest", keepsWholeCells: true), .init("moved", keepsWholeCells: true),
        ])
        table.rows = drifts.map { drift in
            let newest = drift.recommendations.last
            return [
                drift.key.workloadDescription, drift.key.executor, drift.machine, String(drift.recommendations.count),
                newest.map { String($0.recommendedWorkers) } ?? "", newest.map { "\($0.band.lowerBound)…\($0.band.upperBound)" } ?? "",
                drift.recommendations.map { String($0.recommendedWorkers) }.joined(separator: " "),
                drift.shifts.isEmpty
                    ? "no"
                    : drift.shifts.map { "\($0.fromWorkers) → \($0.toWorkers) at sweep \($0.sweepID)" }.joined(separator: "; "),
            ]
        }
        table.notes = [
            "Each sweep answered on its own by best's knee rule (\(Self.driftResamples) bootstrap resamples). A move is a "
                + "recommendation outside the band of the last one whose band also excludes it; neighbours trading places "
                + "within noise are not moves.",
        ]
        return table
    }

    /// Where errors start, for each series group any of whose sweeps had
    /// significant errors: the newest sweep in words, and every sweep's onset.
    var errorsTable: Table? {
        let drifts = drifts.filter { $0.errorOnsets.contains { $0.onset != nil } }
        guard !drifts.isEmpty else { return nil }
        var table = Table(title: "Where errors start", columns: [
            .init("workload"), .init("executor"), .init("host"), .init("newest sweep", keepsWholeCells: true),
            .init("onset per sweep, oldest → newest", keepsWholeCells: true),
        ])
        table.rows = drifts.map { drift in
            [
                drift.key.workloadDescription, drift.key.executor, drift.machine,
                drift.newestErrorOnset.map { $0.sentence.prefix(1).uppercased() + $0.sentence.dropFirst() } ?? "no significant errors",
                drift.errorOnsets.map { $0.onset.map { String($0.workers) } ?? "–" }.joined(separator: " "),
            ]
        }
        table.notes = [
            "Each sweep judged on its own as best judges a series: a worker count whose error rate is significantly above "
                + "the error-free counts' is past what the server accepts; the onset is the smallest such count (– for none). "
                + "Requests re-sent by http --retries are not errors.",
        ]
        return table
    }

    /// One warning line per testbed whose sweeps ran on hosts that differ.
    var mixedHardwareNotes: [String] {
        let warnings = Dictionary(drifts.compactMap { drift in drift.mixedHardware.map { (drift.machine, $0) } }) { _, last in last }
        return warnings.keys.sorted().compactMap { warnings[$0] }
    }

    /// One warning line per machine whose sweeps ran on a busy machine.
    var busyMachineNotes: [String] {
        let byHost = Dictionary(grouping: drifts.filter { !$0.busySweeps.isEmpty }, by: \.machine)
        return byHost.keys.sorted().compactMap { host in
            let drifts = byHost[host, default: []]
            let loads = Dictionary(drifts.flatMap(\.busySweeps).map { ($0.sweepID, $0) }) { first, _ in first }
            let busy = loads.keys.sorted().compactMap { loads[$0] }
            return BusyMachine.warning(busy, cores: drifts[0].logicalCores).map { byHost.count > 1 ? "\(host): \($0)" : $0 }
        }
    }

    static func metricName(_ metric: TrendMetric) -> String {
        metric == .throughput ? "tasks/s" : "p99"
    }

    static func value(_ value: Double, _ metric: TrendMetric) -> String {
        metric == .throughput ? Formatting.rate(value) : Formatting.seconds(value)
    }

    static func signedPercent(_ fraction: Double) -> String {
        String(format: "%+.0f%%", fraction * 100).replacingOccurrences(of: "-", with: "−")
    }
}

// MARK: - JSON

extension TrendOutput {
    /// `{"hasRegression", "newestSweeps", "series": […], "recommendations": […]}`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(hasRegression, forKey: .hasRegression)
        try container.encode(newestSweeps, forKey: .newestSweeps)
        try container.encode(series.map(SeriesJSON.init), forKey: .series)
        try container.encode(drifts.map(DriftJSON.init), forKey: .recommendations)
        try container.encode(Set(drifts.flatMap(\.busySweeps).map(\.sweepID)).sorted(), forKey: .busySweeps)
    }

    private enum Key: String, CodingKey {
        case hasRegression, newestSweeps, series, recommendations, busySweeps
    }

    private struct SeriesJSON: Encodable {
        var workload: String
        var parameters: String
        var executor: String
        var workers: Int
        var host: String
        var testbed: String?
        var sweeps: [SweepJSON]
        var changes: [ChangeJSON]
        var currentLevelSince: Int64?
        var regressedAtNewestSweep: Bool

        init(_ series: Series) {
            (workload, parameters, executor) = (series.key.workload, series.key.parameters, series.key.executor)
            (workers, host, testbed) = (series.workers, series.host, series.testbed)
            sweeps = series.report.sweeps.map(SweepJSON.init)
            changes = series.report.changes.enumerated().map { index, change in
                ChangeJSON(change, busyMachine: series.busyMachine(at: index))
            }
            currentLevelSince = series.report.currentLevelSince
            regressedAtNewestSweep = !series.regressedAtNewest.isEmpty
        }
    }

    /// A sweep's summary with `null`, never NaN, for a missing median.
    private struct SweepJSON: Encodable {
        var summary: SweepSummary

        enum Key: String, CodingKey {
            case sweepId, startedAt, runs, medianThroughput, medianLatencyP99
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: Key.self)
            try c.encode(summary.sweepID, forKey: .sweepId)
            try c.encode(summary.startedAt, forKey: .startedAt)
            try c.encode(summary.runs, forKey: .runs)
            try c.encode(summary.medianThroughput.isFinite ? summary.medianThroughput : nil, forKey: .medianThroughput)
            try c.encode(summary.medianLatencyP99, forKey: .medianLatencyP99)
        }
    }

    /// A change point with the ID keys spelt as elsewhere in poolbench's JSON.
    private struct ChangeJSON: Encodable {
        var metric: TrendMetric
        var direction: ChangeDirection
        var sweepId: Int64
        var detectedAtSweepId: Int64
        var before: Double
        var after: Double
        var relativeChange: Double
        var pValue: Double
        var threshold: Double
        /// A busy machine may explain it (`BusyMachine.mayExplain`).
        var busyMachine: Bool

        init(_ change: ChangePoint, busyMachine: Bool) {
            self.busyMachine = busyMachine
            (metric, direction, sweepId, detectedAtSweepId) = (change.metric, change.direction, change.sweepID, change.detectedAtSweepID)
            (before, after, relativeChange) = (change.before, change.after, change.relativeChange)
            (pValue, threshold) = (change.pValue, change.threshold)
        }
    }

    private struct DriftJSON: Encodable {
        struct Point: Encodable {
            var sweepId: Int64
            var startedAt: Date
            var recommendedWorkers: Int
            var band: ClosedRange<Int>
        }

        struct Shift: Encodable {
            var sweepId: Int64
            var fromWorkers: Int
            var toWorkers: Int
            var previousBand: ClosedRange<Int>
        }

        var workload: String
        var parameters: String
        var executor: String
        var host: String
        var testbed: String?
        struct Errors: Encodable {
            var sweepId: Int64
            var startedAt: Date
            var errorOnsetWorkers: Int?
            var errorOnsetRate: Double?
            var errorKinds: [ErrorKindCount]
        }

        var points: [Point]
        var shifts: [Shift]
        /// The newest sweep's: where its errors start, their rate and kinds.
        var errorOnsetWorkers: Int?
        var errorOnsetRate: Double?
        var errorKinds: [ErrorKindCount]
        var errorsBySweep: [Errors]

        init(_ drift: Drift) {
            (workload, parameters, executor, host) = (drift.key.workload, drift.key.parameters, drift.key.executor, drift.host)
            testbed = drift.testbed
            points = drift.recommendations.map {
                Point(sweepId: $0.sweepID, startedAt: $0.startedAt, recommendedWorkers: $0.recommendedWorkers, band: $0.band)
            }
            shifts = drift.shifts.map {
                Shift(sweepId: $0.sweepID, fromWorkers: $0.fromWorkers, toWorkers: $0.toWorkers, previousBand: $0.previousBand)
            }
            let newest = drift.newestErrorOnset
            (errorOnsetWorkers, errorOnsetRate, errorKinds) = (newest?.workers, newest?.errorRate, newest?.kinds ?? [])
            errorsBySweep = drift.errorOnsets.map {
                Errors(
                    sweepId: $0.sweepID, startedAt: $0.startedAt, errorOnsetWorkers: $0.onset?.workers,
                    errorOnsetRate: $0.onset?.errorRate, errorKinds: $0.onset?.kinds ?? []
                )
            }
        }
    }
}
