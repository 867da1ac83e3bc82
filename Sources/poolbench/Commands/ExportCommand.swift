import ArgumentParser
import PoolBenchKit

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the runs, with their sweep and host, as CSV or JSON Lines; or the answers as Bencher Metric Format.",
        discussion: """
            One row per run, oldest first, columns in a fixed order (see docs/export-import.md). CSV rows end \
            with CRLF; text a spreadsheet would run as a formula gets a leading ' unless --raw is given.

            --format bmf writes Bencher Metric Format JSON for `bencher run --adapter json`: per \
            series and worker count a benchmark `WORKLOAD PARAMETERS / EXECUTOR / N workers` with \
            `throughput` (median tasks/s, bounded by its 95% distribution-free interval) and \
            `latency` (median p50, nanoseconds), and per series `WORKLOAD PARAMETERS / EXECUTOR` \
            with `recommended_workers` (bounded by its band) — from the runs `best` answers from \
            (each series' newest 10 sweeps, since its last change point), with the same filters.
            """
    )

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var filters: FilterOptions

    @Option(help: "Output format: csv, json (JSON Lines, one object per run) or bmf (Bencher Metric Format).")
    var format: Format = .csv

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case csv, json, bmf
    }

    @Option(help: ArgumentHelp("Write to this file, replaced only once complete (default: standard output).", valueName: "file"))
    var output: String?

    @Flag(help: "Write text exactly as stored: no ' before formula-like text and no byte order mark.")
    var raw = false

    func validate() throws {
        if format == .bmf && raw { throw ValidationError("--raw applies to csv; bmf is JSON, whose text is always kept as stored.") }
    }

    func run() throws {
        let store = try database.openForReading()
        guard let rows = ExportFormat(rawValue: format.rawValue) else { return try exportMetrics(from: store) }
        let exporter = HistoryExporter(format: rows, neutralise: !raw)
        if let output {
            try exporter.export(from: store, matching: filters.filter, toFile: output)
        } else {
            try exporter.exportToStandardOutput(from: store, matching: filters.filter)
        }
    }
}

extension ExportCommand {
    /// `--format bmf`: `best`'s answers over the same filters, as Bencher reads them.
    func exportMetrics(from store: any HistoryStore) throws {
        let newestSweeps = 10
        let series = try store.seriesRuns(matching: filters.filter, newestSweeps: newestSweeps)
        guard !series.isEmpty else { throw filters.nothingMatched(in: store) }
        let metrics = BencherMetrics(BestAnswer(series: series, newestSweeps: newestSweeps))
        if let output {
            try metrics.write(toFile: output, historyPath: store.historyFile)
        } else {
            try StandardStreams.writeOutput(try metrics.json())
        }
    }
}
