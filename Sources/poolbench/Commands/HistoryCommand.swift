import ArgumentParser
import PoolBenchKit

struct HistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "List recorded sweeps, or one sweep's runs with --sweep ID.",
        discussion: "Shows the newest 20 sweeps that match, oldest first; --last N shows more, --all every one."
    )

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var filters: FilterOptions
    @Option(help: "Output format: table or json.", transform: Parsers.format(offering: [.table, .json]))
    var format: ReportFormat = .table
    @Option(help: "Show the newest N matching sweeps.", transform: Parsers.wholeNumber)
    var last: Int?
    @Flag(help: "Show every matching sweep.")
    var all = false

    /// Enough to see what happened lately; a team's history holds thousands.
    static let defaultLast = 20

    func validate() throws {
        if all && last != nil { throw ValidationError("pass either --last N or --all, not both.") }
        if let last { try Self.validate(last: last) }
    }

    func run() throws {
        let store = try database.openForReading()
        if let id = filters.sweepID {
            guard let sweep = try store.sweep(id: id) else { throw PoolBenchError.unknownSweep(id: id) }
            try Self.print(HistoryReport.runs(sweep, try store.runs(matching: filters.filter)), as: format)
        } else {
            let newest = all ? nil : last ?? Self.defaultLast
            let sweeps = try store.sweeps(matching: filters.filter, newest: newest)
            let total = sweeps.count < (newest ?? .max) ? sweeps.count : try store.sweepCount(matching: filters.filter)
            try Self.print(HistoryReport.sweeps(sweeps, matching: filters.filter, total: total), as: format)
        }
    }
}
