import ArgumentParser
import PoolBenchKit

extension ParsableCommand {
    /// Prints `report` in `format` to standard output.
    static func print(_ report: some Report, as format: ReportFormat) throws {
        Swift.print(try format.formatter.format(report), terminator: "")
    }
}
