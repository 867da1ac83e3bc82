import ArgumentParser
import PoolBenchKit

struct HistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "List recorded sweeps, or one sweep's runs with --sweep ID."
    )

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var filters: FilterOptions
    @Option(help: "Output format: table or json.", transform: Parsers.format(offering: [.table, .json]))
    var format: ReportFormat = .table

    func run() throws {
        let store = try database.openForReading()
        if let id = filters.sweepID {
            guard let sweep = try store.sweep(id: id) else { throw PoolBenchError.unknownSweep(id: id) }
            try Self.print(HistoryReport.runs(sweep, try store.runs(matching: filters.filter)), as: format)
        } else {
            try Self.print(HistoryReport.sweeps(try store.sweeps(matching: filters.filter), matching: filters.filter), as: format)
        }
    }
}
