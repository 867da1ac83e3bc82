import ArgumentParser
import Foundation
import PoolBenchKit

/// The filters every question about the history takes.
struct FilterOptions: ParsableArguments {
    @Option(help: "Only runs of this workload (e.g. sleep, cpu).")
    var workload: String?

    @Option(help: "Only runs of this executor (\(Self.executorNames)).")
    var executor: String?

    @Option(help: "Only sweeps recorded with this label (in any Unicode form: é typed as one character or as e and an accent matches both).")
    var label: String?

    @Option(help: "Only sweeps recorded on this host name (in any Unicode form, as --label).")
    var host: String?

    @Option(help: "Only sweeps recorded with this testbed (run --testbed; in any Unicode form, as --label).")
    var testbed: String?

    @Option(help: ArgumentHelp("Only runs at or after this UTC time (2026-11-21 or 2026-11-21T08:00).", valueName: "time"))
    var since: String?

    @Option(help: ArgumentHelp("Only runs at or before this UTC time; a date alone takes in that whole day.", valueName: "time"))
    var until: String?

    @Option(
        name: .customLong("sweep"),
        parsing: .unconditional,
        help: ArgumentHelp("Only the sweep with this id.", valueName: "id"),
        transform: Parsers.wholeNumber
    )
    var sweepID: Int64?

    private static let executorNames = ExecutorKind.allCases.map(\.rawValue).joined(separator: ", ")

    func validate() throws {
        if let executor, ExecutorKind(rawValue: executor) == nil {
            throw ValidationError("--executor '\(executor)' is not an executor; choose from \(Self.executorNames).")
        }
        for (flag, value) in [("--since", since), ("--until", until)] {
            if let value, Timestamp.parse(value) == nil {
                throw ValidationError("\(flag) '\(value)' is not a time; use a UTC date like 2026-11-21 or 2026-11-21T08:00.")
            }
        }
    }

    var filter: HistoryFilter {
        HistoryFilter(
            workload: workload, executor: executor, label: label, host: host, testbed: testbed,
            since: since.flatMap(Timestamp.parse), until: until.flatMap(Timestamp.parseEnd), sweepID: sweepID
        )
    }
}
