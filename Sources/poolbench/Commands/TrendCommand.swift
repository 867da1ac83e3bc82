import ArgumentParser
import PoolBenchKit

struct TrendCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trend",
        abstract: "Show each series over time, flag changes and regressions, and where the recommendation moved.",
        discussion: """
            One series per workload × executor × workers × testbed (or host, for sweeps
            without --testbed): each sweep's median throughput and p99 latency, oldest to
            newest. A sweep is a change when its runs
            differ from those since the last change both significantly (Mann–Whitney,
            p < 0.01) and by more than max(5%, 2 × noise). Each series shows its newest
            --last sweeps; --since and --until choose sweeps by their start. best reads
            10 by default and may place the last change elsewhere (see `best --help`).

            Where a sweep's errors start is shown per workload × executor × machine: the
            newest sweep's onset in words ("From 9 workers, 20% of tasks failed: HTTP 429
            Too Many Requests") and each sweep's onset, judged as best judges errors; in
            JSON as errorOnsetWorkers, errorOnsetRate, errorKinds and errorsBySweep.

            With --fail-on-regression the report is printed and the exit status is 3 when
            the newest sweep of any series revealed a regression, for CI.

            Examples:
              poolbench trend --workload sleep --executor pool
              poolbench trend --label nightly --fail-on-regression
            """
    )

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var filters: FilterOptions
    @Option(name: .customLong("last"), help: ArgumentHelp("Show each series' newest N sweeps.", valueName: "n"))
    var last = 20

    @Flag(help: "Exit with status 3 when the newest sweep of any series regressed.")
    var failOnRegression = false

    @Option(help: "Output format: table, json or markdown.", transform: Parsers.format())
    var format: ReportFormat = .table

    func validate() throws {
        try Self.validate(last: last)
    }

    func run() throws {
        let store = try database.openForReading()
        let series = try store.seriesRuns(matching: filters.filter, newestSweeps: last)
        guard !series.isEmpty else { throw filters.nothingMatched(in: store) }
        let answer = TrendAnswer(series: series, newestSweeps: last)
        try Self.print(TrendReport(answer), as: format)
        if failOnRegression && answer.hasRegression { throw ExitCode(3) }
    }
}
