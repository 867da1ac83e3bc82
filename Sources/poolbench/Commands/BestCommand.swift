import ArgumentParser
import PoolBenchKit

struct BestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "best",
        abstract: "Recommend a worker count from the history: the knee of the throughput curve.",
        discussion: """
            For each workload (with its parameters) × executor × testbed (or host, for
            sweeps without --testbed): the smallest tested worker count whose throughput
            is within --tolerance of the peak, with a bootstrap band. It answers from the series' newest --last sweeps, and of those
            from the sweeps since the curve last moved: the newest sweep where a quarter or
            more of its worker counts show a throughput change point, as `poolbench trend`
            finds them. --since and --until choose sweeps by their start.

            trend reads 20 sweeps by default, best 10, and each finds change points only
            within what it reads: a change in the first sweep or two of best's window has
            too few runs before it to be significant there, so the two can disagree on
            where the curve last moved. Pass the same --last to both to compare them.

            With --max-p99 D it also names the count with the most throughput whose
            p99 task latency meets D at 99% confidence (the settled knee among the
            counts that meet), with its band, or says that no tested count meets D; a
            count whose p99 is too close to D to tell is never the answer, and the line
            says which counts are still undecided. When other processes used more than a quarter of the
            machine's cores during the answered runs, it says so.

            Examples:
              poolbench best
              poolbench best --max-p99 50ms
              poolbench best --workload sleep --tolerance 10%
              poolbench best --sweep 12 --format json
            """
    )

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var filters: FilterOptions
    /// Ten sweeps of three runs give each worker count thirty runs, ample
    /// for a median, and keep the bootstrap within budget on any history.
    @Option(name: .customLong("last"), help: ArgumentHelp("Answer from each series' newest N sweeps.", valueName: "n"))
    var last = 10

    @OptionGroup var tolerance: ToleranceOption
    @OptionGroup var latencyLimit: LatencyLimitOption
    @OptionGroup var errorRate: ErrorRateOption

    @Option(help: "Output format: table, json or markdown.", transform: Parsers.format())
    var format: ReportFormat = .table

    func validate() throws {
        try Self.validate(last: last)
    }

    func run() throws {
        let store = try database.openForReading()
        let series = try store.seriesRuns(matching: filters.filter, newestSweeps: last)
        guard !series.isEmpty else { throw filters.nothingMatched(in: store) }
        let answer = BestAnswer(
            series: series, tolerance: try tolerance.fraction, newestSweeps: last, latencyLimit: try latencyLimit.seconds,
            maxErrorRate: try errorRate.fraction
        )
        try Self.print(BestReport(answer), as: format)
    }
}
