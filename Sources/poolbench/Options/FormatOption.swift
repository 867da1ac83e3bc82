import ArgumentParser
import PoolBenchKit

extension ReportFormat: ExpressibleByArgument {
    /// Each command's help names the formats it offers; the full list here
    /// would advertise formats a command refuses.
    public static var allValueStrings: [String] { [] }
}

extension ParsableCommand {
    /// Refuses a format the command does not offer, naming the ones it does.
    static func validate(_ format: ReportFormat, offered: [ReportFormat]) throws {
        guard offered.contains(format) else {
            throw ValidationError(
                "--format \(format.rawValue) is not offered here; use one of: \(offered.map(\.rawValue).joined(separator: ", "))."
            )
        }
    }

    /// Prints `report` in `format` to standard output.
    static func print(_ report: some Report, as format: ReportFormat) throws {
        Swift.print(try format.formatter.format(report), terminator: "")
    }
}
