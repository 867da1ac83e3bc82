import ArgumentParser
import PoolBenchKit

extension ParsableCommand {
    /// Prints `report` in `format` to standard output, or fails when it
    /// could not be written whole.
    static func print(_ report: some Report, as format: ReportFormat) throws {
        try StandardStreams.writeOutput(try format.formatter.format(report))
    }
}
