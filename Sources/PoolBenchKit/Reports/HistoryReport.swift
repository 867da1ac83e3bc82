import Foundation

/// What `history` prints: the sweeps matching a filter, or one sweep's runs.
public enum HistoryReport: Report {
    /// The sweeps shown of the `total` that `filter` matched (all of them
    /// when `total` is nil); the filter words the empty case.
    case sweeps([SweepListing], matching: HistoryFilter = HistoryFilter(), total: Int? = nil)
    case runs(SweepRecord, [RunRecord])

    public var tables: [Table] {
        switch self {
        case let .sweeps(summaries, filter, total):
            var table = Table(columns: [
                .init("id", .right), .init("started (UTC)"), .init("label"), .init("workload"),
                .init("executors"), .init("points", .right), .init("runs", .right), .init("errors", .right),
                .init("status"),
            ])
            table.rows = summaries.map { summary in
                [
                    String(summary.sweep.id ?? 0), Formatting.minute(summary.sweep.startedAt),
                    summary.sweep.label ?? "", summary.workloads.joined(separator: "; "),
                    summary.executors.joined(separator: ","), String(summary.points), String(summary.runs),
                    String(summary.errors), summary.sweep.status.rawValue,
                ]
            }
            if let total, total > summaries.count {
                let matching = filter == HistoryFilter() ? "" : " matching \(filter.summary)"
                table.notes.append(
                    "The newest \(summaries.count) of \(total) sweeps\(matching); pass --last N for more, or --all for every one."
                )
            }
            if summaries.isEmpty {
                table.notes = [
                    filter == HistoryFilter()
                        ? "No sweeps recorded yet. Record one with `poolbench run WORKLOAD`."
                        : "No sweeps match \(filter.summary). Leave out a filter to see more.",
                ]
            }
            return [table]
        case let .runs(sweep, runs):
            // Only runs that count received bytes (http) get that column.
            let showsBytes = runs.contains { $0.bytesReceived != nil }
            var table = Table(columns: [
                .init("run", .right), .init("started (UTC)"), .init("executor"), .init("workers", .right),
                .init("rep", .right), .init("tasks", .right), .init("wall", .right), .init("tasks/s", .right),
                .init("p50", .right), .init("p99", .right), .init("cpu", .right),
            ] + (showsBytes ? [.init("received", .right)] : []) + [.init("errors", .right)])
            table.rows = runs.map { run in
                [
                    String(run.id ?? 0), Timestamp.format(run.startedAt), run.executor, String(run.workers),
                    String(run.repetition), String(run.tasks), Formatting.seconds(run.wallSeconds),
                    Formatting.rate(run.throughput), Formatting.seconds(run.latencyP50),
                    Formatting.seconds(run.latencyP99), Formatting.seconds(run.cpuSeconds),
                ] + (showsBytes ? [Formatting.bytes(run.bytesReceived.map(Double.init))] : []) + [String(run.errorCount)]
            }
            table.notes = ["Sweep \(sweep.id ?? 0) (\(sweep.status.rawValue)): \(sweep.commandLine)"]
            if let error = runs.first(where: { $0.firstError != nil })?.firstError {
                table.notes.append("First error: \(error)")
            }
            return [table]
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case let .sweeps(summaries, _, total):
            try container.encode(SweepsJSON(sweeps: summaries.map(SweepJSON.init), matchingSweeps: total ?? summaries.count))
        case let .runs(sweep, runs): try container.encode(RunsJSON(sweep: sweep, runs: runs))
        }
    }

    private struct SweepsJSON: Encodable {
        var sweeps: [SweepJSON]
        /// How many sweeps the filter matched; more than `sweeps` holds
        /// when only the newest were asked for.
        var matchingSweeps: Int
    }
    private struct RunsJSON: Encodable {
        var sweep: SweepRecord
        var runs: [RunRecord]
    }

    /// A summary flattened: the sweep's own fields beside its totals.
    private struct SweepJSON: Encodable {
        var id: Int64?
        var uuid: String
        var status: SweepStatus
        var startedAt: Date
        var finishedAt: Date?
        var label: String?
        var commandLine: String
        var gitCommit: String?
        var gitBranch: String?
        var host: String
        var workloads: [String]
        var executors: [String]
        var points: Int
        var runs: Int
        var errors: Int

        init(_ summary: SweepListing) {
            let sweep = summary.sweep
            (id, uuid, status, startedAt, finishedAt) = (sweep.id, sweep.uuid, sweep.status, sweep.startedAt, sweep.finishedAt)
            (label, commandLine, gitCommit, gitBranch) = (sweep.label, sweep.commandLine, sweep.gitCommit, sweep.gitBranch)
            (host, workloads, executors) = (summary.hostName, summary.workloads, summary.executors)
            (points, runs, errors) = (summary.points, summary.runs, summary.errors)
        }
    }
}
