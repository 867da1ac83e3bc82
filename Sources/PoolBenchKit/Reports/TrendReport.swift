import Foundation

/// What `trend` prints: `TrendAnswer` laid out — the series over time, the
/// changes, the recommended count per sweep and where errors start.
public struct TrendReport: AnswerReport {
    public var answer: TrendAnswer

    public init(_ answer: TrendAnswer) {
        self.answer = answer
    }
}

// MARK: - Tables

extension TrendReport {
    public var tables: [Table] {
        var tables = [seriesTable]
        if let changes = changesTable { tables.append(changes) }
        if let drift = driftTable { tables.append(drift) }
        if let errors = errorsTable { tables.append(errors) }
        return tables
    }

    var seriesTable: Table {
        var table = Table(
            title: "Series over time: median per sweep, oldest → newest (each series' newest \(answer.newestSweeps) sweeps at most)",
            columns: [
                .init("workload"), .init("executor"), .init("workers", .right), .init("host"), .init("sweeps", .right),
                .init("tasks/s", .right), .init("tasks/s trend", keepsWholeCells: true), .init("p99", .right),
                .init("p99 trend", keepsWholeCells: true), .init("status"),
            ]
        )
        table.rows = answer.series.map { series in
            let sweeps = series.sweeps
            let latency = sweeps.map { $0.medianLatencyP99 ?? .nan }
            return [
                series.key.workloadDescription, series.key.executor, String(series.workers), series.machine,
                String(sweeps.count), Formatting.rate(sweeps.last?.medianThroughput),
                Sparkline.render(sweeps.map(\.medianThroughput)), Formatting.seconds(sweeps.last?.medianLatencyP99),
                latency.contains(where: \.isFinite) ? Sparkline.render(latency) : "", status(series),
            ]
        }
        let regressed = answer.series.filter(\.regressedAtNewestSweep).count
        table.notes = [
            "tasks/s and p99 are the newest sweep's medians; the trends are scaled from each series' lowest (▁) to highest (█) sweep.",
            regressed == 0
                ? "No series regressed at its newest sweep."
                : "\(regressed) series regressed at the newest sweep (▼ at newest).",
        ] + busyMachineNotes + mixedHardwareNotes
        return table
    }

    /// `▼ at newest: tasks/s −20%`, `▲ tasks/s +12% at sweep 41`, `steady`.
    func status(_ series: TrendAnswer.Series) -> String {
        guard let change = series.changes.last else { return "steady" }
        let mark = change.direction == .regression ? "▼" : "▲"
        let busy = change.busyMachine ? " (busy machine)" : ""
        let what = "\(Self.metricName(change.metric)) \(Self.signedPercent(change.relativeChange))"
        if series.regressedAtNewestSweep { return "\(mark) at newest: \(what)\(busy)" }
        return "\(mark) \(what) at sweep \(change.sweepID)\(busy)"
    }

    var changesTable: Table? {
        let rows = answer.series.flatMap { series in series.changes.map { (series, $0) } }
        guard !rows.isEmpty else { return nil }
        let started = Dictionary(answer.series.flatMap { $0.sweeps.map { ($0.sweepID, $0.startedAt) } }) { first, _ in first }
        var table = Table(title: "Changes", columns: [
            .init("sweep", .right), .init("started (UTC)"), .init("workload"), .init("executor"), .init("workers", .right),
            .init("host"), .init("metric"), .init("before", .right), .init("after", .right), .init("change", .right),
            .init("p", .right), .init(""),
        ])
        table.rows = rows.map { series, change in
            [
                String(change.sweepID), started[change.sweepID].map(Formatting.minute) ?? "", series.key.workloadDescription,
                series.key.executor, String(series.workers), series.machine, Self.metricName(change.metric),
                Self.value(change.before, change.metric), Self.value(change.after, change.metric),
                Self.signedPercent(change.relativeChange), String(format: "%.2g", change.pValue),
                (change.direction == .regression ? "▼ regression" : "▲ improvement") + (change.busyMachine ? ", busy machine" : ""),
            ]
        }
        table.notes = [
            "A change: a sweep whose runs differ from every run since the previous change both significantly "
                + "(Mann–Whitney p < 0.01) and by more than max(5%, 2 × noise); a step may need the next sweep to confirm it.",
        ]
        if rows.contains(where: \.1.busyMachine) {
            table.notes.append(
                "\"busy machine\": other processes used more than \(Int(BusyMachine.threshold * 100))% of the cores during the "
                    + "changed sweep (or, for an improvement, the sweep before it), which may explain the change; "
                    + "measure again on a quiet machine before believing it."
            )
        }
        return table
    }

    var driftTable: Table? {
        let drifts = answer.recommendations.filter { !$0.points.isEmpty }
        guard !drifts.isEmpty else { return nil }
        var table = Table(title: "Recommended workers per sweep", columns: [
            .init("workload"), .init("executor"), .init("host"), .init("sweeps", .right), .init("newest", .right),
            .init("band"), .init("recommended, oldest → newest", keepsWholeCells: true), .init("moved", keepsWholeCells: true),
        ])
        table.rows = drifts.map { drift in
            let newest = drift.points.last
            return [
                drift.key.workloadDescription, drift.key.executor, drift.machine, String(drift.points.count),
                newest.map { String($0.recommendedWorkers) } ?? "", newest.map { "\($0.band.lowerBound)…\($0.band.upperBound)" } ?? "",
                drift.points.map { String($0.recommendedWorkers) }.joined(separator: " "),
                drift.shifts.isEmpty
                    ? "no"
                    : drift.shifts.map { "\($0.fromWorkers) → \($0.toWorkers) at sweep \($0.sweepID)" }.joined(separator: "; "),
            ]
        }
        table.notes = [
            "Each sweep answered on its own by best's knee rule (\(TrendAnswer.driftResamples) bootstrap resamples). A move is a "
                + "recommendation outside the band of the last one whose band also excludes it; neighbours trading places "
                + "within noise are not moves.",
        ]
        return table
    }

    /// Where errors start, for each series group any of whose sweeps had
    /// significant errors: the newest sweep in words, and every sweep's onset.
    var errorsTable: Table? {
        let drifts = answer.recommendations.filter { $0.errorOnsets.contains { $0.onset != nil } }
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
        let warnings = Dictionary(answer.recommendations.compactMap { drift in drift.mixedHardware.map { (drift.machine, $0) } }) { _, last in last }
        return warnings.keys.sorted().compactMap { warnings[$0] }
    }

    /// One warning line per machine whose sweeps ran on a busy machine.
    var busyMachineNotes: [String] {
        let byHost = Dictionary(grouping: answer.recommendations.filter { !$0.busyMachine.isEmpty }, by: \.machine)
        return byHost.keys.sorted().compactMap { host in
            let drifts = byHost[host, default: []]
            let loads = Dictionary(drifts.flatMap(\.busyMachine).map { ($0.sweepID, $0) }) { first, _ in first }
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
