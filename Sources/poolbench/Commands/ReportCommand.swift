import ArgumentParser
import PoolBenchKit

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write one self-contained HTML page of the curves, the answers and how they moved over time.",
        discussion: """
            For each workload (with its parameters) × executor × testbed or host, in the order best lists
            them: throughput against workers with every run, the median, a fitted model, the
            tolerance line, the recommended count with its band and the peak; p50 and p99
            latency against workers; each worker count's median per sweep with trend's changes;
            and the recommended count per sweep. best's words stand beside the charts. The page
            opens from disk: no script, font or image is fetched.

            Examples:
              poolbench report
              poolbench report --workload sleep --max-p99 50ms --output sleep.html
              poolbench report --output - > report.html
            """
    )

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var filters: FilterOptions
    @Option(name: .customLong("last"), help: ArgumentHelp("Answer from each series' newest N sweeps, as best does.", valueName: "n"))
    var last = 10

    @Option(name: .customLong("trend-last"), help: ArgumentHelp("Show each series' newest N sweeps over time, as trend does.", valueName: "n"))
    var trendLast = 20

    @OptionGroup var tolerance: ToleranceOption
    @OptionGroup var errorRate: ErrorRateOption

    @OptionGroup var latencyLimit: LatencyLimitOption

    @Option(help: ArgumentHelp("Write the page to this file, replaced only once complete; - for standard output.", valueName: "file"))
    var output = "poolbench-report.html"

    func validate() throws {
        try Self.validate(last: last)
        guard trendLast >= 1 else { throw ValidationError("--trend-last must be at least 1; got \(trendLast).") }
    }

    func run() throws {
        let store = try database.openForReading()
        let series = try store.seriesRuns(matching: filters.filter, newestSweeps: max(last, trendLast))
        guard !series.isEmpty else { throw filters.nothingMatched(in: store) }
        var options = HTMLReport.Options(tolerance: try tolerance.fraction, newestSweeps: last, trendSweeps: trendLast, maxP99: try latencyLimit.seconds)
        options.maxErrorRate = try errorRate.fraction
        let answers = options.answers(series)
        let report = HTMLReport(best: answers.best, trend: answers.trend, series: series, filter: filters.filter, options: options)
        if output == "-" {
            try report.writeToStandardOutput()
        } else {
            try report.write(toFile: output, historyPath: store.historyFile)
        }
    }
}
