import ArgumentParser
import Foundation
import PoolBenchKit

/// The filters every question about the history takes.
struct FilterOptions: ParsableArguments {
    @Option(help: "Only runs of this workload (e.g. sleep, cpu).")
    var workload: String?

    @Option(help: "Only runs of this executor (\(ExecutorKind.allCases.map(\.rawValue).joined(separator: ", "))).")
    var executor: ExecutorKind?

    @Option(help: "Only sweeps recorded with this label.")
    var label: String?

    @Option(help: "Only sweeps recorded on this host name.")
    var host: String?

    @Option(help: ArgumentHelp("Only runs at or after this UTC time (2026-11-21 or 2026-11-21T08:00).", valueName: "time"))
    var since: String?

    @Option(help: ArgumentHelp("Only runs at or before this UTC time.", valueName: "time"))
    var until: String?

    @Option(name: .customLong("sweep"), help: ArgumentHelp("Only the sweep with this id.", valueName: "id"))
    var sweepID: Int64?

    func validate() throws {
        for (flag, value) in [("--since", since), ("--until", until)] {
            if let value, Timestamp.parse(value) == nil {
                throw ValidationError("\(flag) '\(value)' is not a time; use a UTC date like 2026-11-21 or 2026-11-21T08:00.")
            }
        }
    }

    var filter: HistoryFilter {
        HistoryFilter(
            workload: workload, executor: executor?.rawValue, label: label, host: host,
            since: since.flatMap(Timestamp.parse), until: until.flatMap(Timestamp.parse), sweepID: sweepID
        )
    }
}

extension ExecutorKind: ExpressibleByArgument {}
