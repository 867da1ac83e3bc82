import ArgumentParser
import PoolBenchKit

struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Compare two sweeps or labels, statistically, at every executor × worker count both measured.",
        discussion: """
            A and B are sweep ids or labels: a number that is the id of a sweep means that
            sweep; anything else means every sweep with that label, in any Unicode form.

            Examples:
              poolbench compare 3 4
              poolbench compare before-fix after-fix --format json
            """
    )

    @Argument(help: ArgumentHelp("The baseline: a sweep id or a label.", valueName: "a"))
    var a: String

    @Argument(help: ArgumentHelp("Compared with the baseline: a sweep id or a label.", valueName: "b"))
    var b: String

    @OptionGroup var database: DatabaseOptions

    @Option(help: "Output format: table, json or markdown.", transform: Parsers.format())
    var format: ReportFormat = .table

    func run() throws {
        let store = try database.openForReading()
        let sides = try [a, b].map { text in
            let sweeps = try store.sweeps(idOrLabel: text)
            guard !sweeps.isEmpty else { throw PoolBenchError.unknownSweepOrLabel(text: text) }
            return CompareReport.Side(text: text, sweeps: sweeps)
        }
        let report = CompareReport(
            a: sides[0], runsA: try store.samplesBySeries(in: sides[0].sweeps),
            b: sides[1], runsB: try store.samplesBySeries(in: sides[1].sweeps)
        )
        guard !report.points.isEmpty else { throw PoolBenchError.nothingToCompare(a: a, b: b) }
        try Self.print(report, as: format)
    }
}
