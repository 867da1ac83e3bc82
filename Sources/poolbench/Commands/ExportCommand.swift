import ArgumentParser
import PoolBenchKit

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the runs, with their sweep and host, as CSV or JSON Lines.",
        discussion: """
            One row per run, oldest first, columns in a fixed order (see docs/export-import.md). CSV rows end \
            with CRLF; text a spreadsheet would run as a formula gets a leading ' unless --raw is given.
            """
    )

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var filters: FilterOptions

    @Option(help: "Output format: csv or json (JSON Lines, one object per run).")
    var format: ExportFormat = .csv

    @Option(help: ArgumentHelp("Write to this file, replaced only once complete (default: standard output).", valueName: "file"))
    var output: String?

    @Flag(help: "Write text exactly as stored: no ' before formula-like text and no byte order mark.")
    var raw = false

    func run() throws {
        let store = try database.openForReading()
        let exporter = HistoryExporter(format: format, neutralise: !raw)
        if let output {
            try exporter.export(from: store, matching: filters.filter, toFile: output)
        } else {
            try exporter.exportToStandardOutput(from: store, matching: filters.filter)
        }
    }
}

extension ExportFormat: ExpressibleByArgument {}
